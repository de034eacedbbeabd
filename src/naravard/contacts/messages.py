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
}
