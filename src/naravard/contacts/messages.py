"""Swedish texts of the contacts context's pages and errors, keyed by the English text (`t("...")`)."""

from __future__ import annotations

SV: dict[str, str] = {
    "After confirming": "Efter bekräftelse",
    "Assigned": "Tilldelade",
    "Attempts": "Försök",
    "Capacity": "Kapacitet",
    "Capacity per full-time doctor": "Kapacitet per heltidsläkare",
    "Confirm all": "Bekräfta alla",
    "Every notice is delivered.": "Alla aviseringar är levererade.",
    "Everyone listed has a fast läkarkontakt.": "Alla listade har en fast läkarkontakt.",
    "Fast läkarkontakt": "Fast läkarkontakt",
    "Fast vårdkontakt": "Fast vårdkontakt",
    "Fixed contacts": "Fasta kontakter",
    "History": "Historik",
    "Informed": "Informerad",
    "Kind": "Slag",
    "Last error": "Senaste fel",
    "List sizes": "Liststorlekar",
    "Listed": "Listade",
    "Listed population": "Listad befolkning",
    "My contacts": "Mina kontakter",
    "Need rule": "Behovsregel",
    "Needs a fast vårdkontakt and has none": "Behöver fast vårdkontakt men saknar",
    "No event lake with encounters is configured: the proposal places by need and room only.": (
        "Ingen händelsesjö med besök är inställd: förslaget fördelar efter behov och utrymme."
    ),
    "Now": "Nu",
    "Practitioner": "Vårdpersonal",
    "Proposal": "Förslag",
    "Proposal of fixed doctors": "Förslag på fasta läkarkontakter",
    "Propose fixed doctors for the unit": "Föreslå fasta läkarkontakter för enheten",
    "Proposed doctor": "Föreslagen läkare",
    "Reach them through your unit: log in at 1177.se or call 1177.": (
        "Du når dem via din enhet: logga in på 1177.se eller ring 1177."
    ),
    "Send again": "Skicka igen",
    "Share informed within 14 days": "Andel informerade inom 14 dagar",
    "Share of complex-needs patients with a fast vårdkontakt": "Andel med komplexa behov som har fast vårdkontakt",
    "Share of last year's doctor visits with the fixed doctor": "Andel av förra årets läkarbesök hos den fasta läkaren",
    "Share with a fast läkarkontakt": "Andel med fast läkarkontakt",
    "The notice is queued again.": "Aviseringen är köad igen.",
    "Undelivered notices": "Ej levererade aviseringar",
    "Why a need": "Varför behov",
    "Without a fast läkarkontakt": "Utan fast läkarkontakt",
    "You have no fast läkarkontakt. You may choose one at the health centre you are listed with.": (
        "Du har ingen fast läkarkontakt. Du kan välja en på hälsocentralen där du är listad."
    ),
    "You have no fast vårdkontakt.": "Du har ingen fast vårdkontakt.",
    "age": "ålder",
    "contacts in 12 months": "kontakter på 12 månader",
    "household": "hushåll",
    "municipal home health care": "kommunal hemsjukvård",
    "no": "nej",
    "yes": "ja",
    "no doctor now": "ingen läkare nu",
    "no event lake: not counted": "ingen händelsesjö: räknas inte",
    "not listed": "inte listad",
    "not yet": "ännu inte",
    "care_contact": "fast vårdkontakt",
    "doctor": "läkare",
    "nurse": "sjuksköterska",
    "physiotherapist": "fysioterapeut",
    "occupational_therapist": "arbetsterapeut",
    "psychologist": "psykolog",
    "dietitian": "dietist",
    "pharmacist": "farmaceut",
    "assigned": "tilldelad",
    "changed": "ändrad",
    "ended": "avslutad",
    "pending": "väntar",
    "sending": "skickas",
    "failed": "misslyckades",
    "delivered": "levererad",
    "the proposal form is incomplete; reload it": "förslagsformuläret är ofullständigt; ladda om sidan",
    "only a unit manager appoints fixed contacts": "endast en verksamhetschef utser fasta kontakter",
    "a unit manager sees and changes the lists of their own unit only": (
        "en verksamhetschef ser och ändrar endast den egna enhetens listor"
    ),
    "one_fixed_doctor: the patient already has a fast läkarkontakt; change it instead": (
        "en fast läkarkontakt: patienten har redan en fast läkarkontakt; byt i stället"
    ),
    "fixed_doctor_at_listing_unit: a fast läkarkontakt must be a doctor at the patient's listing unit": (
        "fast läkarkontakt vid listningsenheten: en fast läkarkontakt ska vara läkare vid enheten där patienten "
        "är listad"
    ),
    "fixed_doctor_needs_listing: a fast läkarkontakt needs an active listing": (
        "fast läkarkontakt kräver listning: patienten måste vara listad"
    ),
    "doctor_list_full: %(name)s has %(listed)s patients, the capacity is %(capacity)s": (
        "listan är full: %(name)s har %(listed)s patienter, kapaciteten är %(capacity)s"
    ),
    "%(n)s of the patients already have a fast läkarkontakt (another manager confirmed first); nothing was "
    "assigned: make a new proposal": (
        "%(n)s av patienterna har redan fast läkarkontakt (en annan chef bekräftade först); ingenting tilldelades: "
        "gör ett nytt förslag"
    ),
    "the patient already has a fast läkarkontakt (someone else assigned one just now); reload and try again": (
        "patienten har redan fast läkarkontakt (någon annan tilldelade just nu); ladda om och försök igen"
    ),
    "the proposal has no rows to confirm": "förslaget har inga rader att bekräfta",
    "Assign": "Tilldela",
    "End": "Avsluta",
    "Unit settings": "Enhetens inställningar",
    "Needs a fast vårdkontakt from age": "Behöver fast vårdkontakt från ålder",
    "Needs a fast vårdkontakt from this many contacts in 12 months": (
        "Behöver fast vårdkontakt från så många kontakter på 12 månader"
    ),
    "An empty threshold turns that part of the rule off.": "En tom gräns stänger av den delen av regeln.",
    "The form has values that cannot be saved; check them and try again.": (
        "Formuläret har värden som inte kan sparas; kontrollera dem och försök igen."
    ),
    "need": "behov",
    "patient_request": "patientens önskemål",
    "discharge": "utskrivning",
    "life_threatening": "livshotande tillstånd",
    "change": "byte",
    "practitioner_left": "vårdpersonalen har slutat",
    "no_longer_needed": "behövs inte längre",
    "other": "annat",
    "the fixed contact was changed by someone else (version %(current)s, you edited %(edited)s)": (
        "den fasta kontakten har ändrats av någon annan (version %(current)s, du ändrade %(edited)s); ladda om sidan"
    ),
    "the fixed contact has already ended": "den fasta kontakten har redan avslutats",
    "the unit's settings were changed by someone else (version %(current)s, you edited %(edited)s)": (
        "enhetens inställningar har ändrats av någon annan (version %(current)s, du ändrade %(edited)s); "
        "ladda om sidan"
    ),
    "the unit's settings were changed by someone else; reload and try again": (
        "enhetens inställningar har ändrats av någon annan; ladda om och försök igen"
    ),
    "care_contact_licensed: a fast vårdkontakt must have a licensed profession": (
        "legitimerad fast vårdkontakt: en fast vårdkontakt ska ha ett legitimationsyrke"
    ),
    "life_threatening_needs_doctor: for a life-threatening condition the fast vårdkontakt is a doctor": (
        "livshotande tillstånd kräver läkare: vid ett livshotande tillstånd ska den fasta vårdkontakten vara läkare"
    ),
    "care_contact_at_unit: the practitioner does not work at that unit": (
        "fast vårdkontakt vid enheten: vårdpersonalen arbetar inte vid den enheten"
    ),
    "the practitioner is already the patient's fast vårdkontakt": (
        "vårdpersonalen är redan patientens fasta vårdkontakt"
    ),
    "name the unit the practitioner acts for": "ange enheten som vårdpersonalen arbetar för",
    "unknown reason %(reason)r (one of %(allowed)s)": "okänt skäl %(reason)r (ett av %(allowed)s)",
}
