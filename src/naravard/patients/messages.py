"""The patients context's words in Swedish, keyed by their English text (merged by `naravard.web.i18n`)."""

from __future__ import annotations

SV: dict[str, str] = {
    # search
    "Personnummer or name": "Personnummer eller namn",
    "Search": "Sök",
    "No patients found.": "Inga patienter hittades.",
    "Born": "Född",
    "Listed at": "Listad på",
    "Access": "Åtkomst",
    "Open": "Öppna",
    "No access": "Ingen åtkomst",
    "Blocked": "Spärrad",
    "The patient has blocked your organisation.": "Patienten har spärrat din organisation.",
    "too many personnummer searches in a short time; try again in a few minutes": "för många sökningar på personnummer på kort tid; försök igen om några minuter",
    # the overview
    "Patient overview": "Patientöversikt",
    "Personal identity number": "Personnummer",
    "Coordination number": "Samordningsnummer",
    "Age": "Ålder",
    "female": "kvinna",
    "male": "man",
    "Address": "Adress",
    "Email": "E-post",
    "Listing": "Listning",
    "Not listed": "Ej listad",
    "Protected identity": "Skyddad identitet",
    "Address is not shown for a protected identity.": "Adressen visas inte vid skyddad identitet.",
    "Contact details": "Kontaktuppgifter",
    "Who has read my data": "Vem har läst mina uppgifter",
    "Access basis": "Grund för åtkomst",
    # the access basis the policy gave (consent.policy), as the overview shows it
    "care_relationship": "Vårdrelation på din enhet",
    "consent": "Samtycke (sammanhållen journalföring)",
    "emergency": "Nödåtkomst",
    "self": "Egna uppgifter",
    # emergency access from the refusal page
    "Open with emergency access": "Öppna med nödåtkomst",
    "Reason (required, at least 10 characters)": "Skäl (obligatoriskt, minst 10 tecken)",
    "Emergency access is logged, flagged and reviewed by the log reviewer.": "Nödåtkomst loggas, flaggas och granskas av logggranskare.",
    "You are reading with emergency access.": "Du läser med nödåtkomst.",
}
