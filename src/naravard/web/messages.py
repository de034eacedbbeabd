"""The shell's own words in Swedish, keyed by their English text: the layout (navigation, login, start and error
pages), the roles, and words that several contexts' pages share. Each context keeps its own words in its
``messages.py``; `naravard.web.i18n` merges them all."""

from __future__ import annotations

SV: dict[str, str] = {
    # the layout: navigation, log in and out, start page
    "Start": "Start",
    "Welcome": "Välkommen",
    "Coordination layer for God och nära vård": "Samordning för God och nära vård",
    "Log in": "Logga in",
    "Log out": "Logga ut",
    "Log out everywhere": "Logga ut överallt",
    "End every session of your account, on every device": "Avsluta alla sessioner för ditt konto, på alla enheter",
    "Username": "Användarnamn",
    "Password": "Lösenord",
    "Demo users": "Demoanvändare",
    "All demo users have the password": "Alla demoanvändare har lösenordet",
    "Acting as": "Agerar som",
    "Change": "Byt",
    "Language": "Språk",
    "Search patient": "Sök patient",
    "My consents": "Mina samtycken",
    "Consents": "Samtycken",
    "Emergency access": "Nödåtkomst",
    "Audit log": "Granskningslogg",
    "Follow-up": "Uppföljning",
    # error pages, and the joint of a list in an error message (naravard.errors.NaravardError.text)
    "Page not found": "Sidan finns inte",
    "Something went wrong": "Något gick fel",
    "Access refused": "Åtkomst nekad",
    "Back": "Tillbaka",
    "Request id": "Begärans id",
    " or ": " eller ",
    # roles (naravard.actor.Role), as the layout and the login page show them
    "clinician": "Vårdpersonal / koordinator",
    "municipal_staff": "Kommunal personal",
    "unit_manager": "Verksamhetschef",
    "analyst": "Analytiker",
    "administrator": "Administratör",
    "log_reviewer": "Logggranskare",
    "patient": "Patient",
    # words the pages of more than one context use
    "Role": "Roll",
    "Unit": "Enhet",
    "Organisation": "Organisation",
    "Purpose": "Ändamål",
    "Name": "Namn",
    "Sex": "Kön",
    "years": "år",
    "Municipality": "Kommun",
    "Phone": "Telefon",
    "since": "sedan",
    "Save": "Spara",
    "Saved.": "Sparat.",
    "Patient id": "Patient-id",
    "User": "Användare",
    "From": "Från",
    "When": "Tidpunkt",
    "Reason": "Skäl",
    "rows": "rader",
}
