"""The consent context's words in Swedish, keyed by their English text (merged by `naravard.web.i18n`)."""

from __future__ import annotations

SV: dict[str, str] = {
    # the patient's consents, and those staff recorded (issue 22)
    "Give consent": "Ge samtycke",
    "Withdraw": "Återkalla",
    "Withdrawn": "Återkallat",
    "Status": "Status",
    "Ended": "Upphört",
    "Active": "Gällande",
    "Given": "Givet",
    "How": "Hur",
    "Given by": "Givet av",
    "Recorded by": "Registrerat av",
    "Valid until": "Gäller till",
    "No consents.": "Inga samtycken.",
    "self_service": "Själv via e-tjänst",
    "verbal": "Muntligt",
    "written": "Skriftligt",
    "guardian": "Vårdnadshavare",
    "representative": "Ställföreträdare",
    "not recorded": "ej angivet",
    "Consent is given for one organisation: it may then read what other care providers have recorded about you in naravard (sammanhållen journalföring). It never opens your data to other units of an organisation that already has you as a patient; they need a care relationship. You can withdraw a consent at any time.": "Samtycke ges för en organisation: den får då läsa det som andra vårdgivare har registrerat om dig i naravard (sammanhållen journalföring). Det öppnar aldrig dina uppgifter för andra enheter inom en organisation där du redan är patient; de behöver en vårdrelation. Du kan när som helst återkalla ett samtycke.",
    "Consents recorded by staff": "Samtycken registrerade av personal",
    "No consents recorded by staff to review.": "Inga samtycken registrerade av personal att granska.",
    "Review": "Granska",
    # emergency accesses to review
    "Emergency accesses to review": "Nödåtkomster att granska",
    "Mark reviewed": "Markera granskad",
    "Note": "Anteckning",
    "Nothing to review.": "Inget att granska.",
    # refusals and checks (consent.policy, consent.reasons, consent.service)
    "the reason may not contain control or invisible characters": "skälet får inte innehålla styrtecken eller osynliga tecken",
    "state the reason for emergency access in words (at least 10 characters and two words)": "ange skälet till nödåtkomst i ord (minst 10 tecken och två ord)",
    "choose the organisation the consent is for": "välj organisationen som samtycket gäller",
    "the consent is already withdrawn": "samtycket är redan återkallat",
    "The patient is a patient of another unit of your organisation; access needs a care relationship at your unit (consent does not replace it).": "Patienten är patient vid en annan enhet i din organisation; åtkomst kräver en vårdrelation på din enhet (samtycke ersätter den inte).",
    "Only the patient, or staff of a unit with a care relationship with the patient, may record a consent.": "Bara patienten, eller personal på en enhet med vårdrelation till patienten, får registrera ett samtycke.",
}
