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
    # error pages (naravard.web.errors), and the joint of a list in an error message
    # (naravard.errors.NaravardError.text)
    "Page not found": "Sidan finns inte",
    "Something went wrong": "Något gick fel",
    "Access refused": "Åtkomst nekad",
    "Not possible here": "Inte möjligt här",
    "Check what was entered": "Kontrollera uppgifterna",
    "Too many attempts": "För många försök",
    "Back": "Tillbaka",
    "Error code": "Felkod",
    "Request id": "Begärans id",
    " or ": " eller ",
    "The request could not be understood. Go back and try again.": "Begäran kunde inte tolkas. Gå tillbaka och försök igen.",
    "You need to log in to see this page.": "Du behöver logga in för att se sidan.",
    "You do not have access to this page.": "Du har inte åtkomst till sidan.",
    "There is no page at this address. Check the address, or go back and follow a link.": (
        "Det finns ingen sida på den här adressen. Kontrollera adressen, eller gå tillbaka och följ en länk."
    ),
    "This page cannot be used that way. Go back and use the page's own links and buttons.": (
        "Sidan kan inte användas på det sättet. Gå tillbaka och använd sidans egna länkar och knappar."
    ),
    "The data was changed meanwhile. Reload the page and try again.": (
        "Uppgifterna ändrades under tiden. Ladda om sidan och försök igen."
    ),
    "What was sent is too large.": "Det som skickades är för stort.",
    "What was sent is in a form this page does not accept.": "Det som skickades har en form som sidan inte tar emot.",
    "Something in the address or the form could not be used.": "Något i adressen eller formuläret kunde inte användas.",
    "Too many attempts in a short time. Wait a while and try again.": (
        "För många försök på kort tid. Vänta en stund och försök igen."
    ),
    "An unexpected error occurred; nothing was saved. Try again, and if it happens again, give the request id below to your support.": (
        "Ett oväntat fel inträffade; inget sparades. Försök igen, och om det händer igen, ge begärans id nedan "
        "till er support."
    ),
    "The service is not available right now. Try again later.": "Tjänsten är inte tillgänglig just nu. Försök igen senare.",
    "The request could not be carried out.": "Begäran kunde inte utföras.",
    "text must not contain a NUL character (U+0000)": "texten får inte innehålla ett NUL-tecken (U+0000)",
    "missing or wrong CSRF token": (
        "Formuläret kunde inte kontrolleras (det saknar eller har fel CSRF-skydd). Ladda om sidan och försök igen."
    ),
    # a validation error in words (naravard.web.errors.validation_messages)
    "“%(field)s” %(place)s: %(problem)s": "”%(field)s” %(place)s: %(problem)s",
    "What was sent: %(problem)s": "Det som skickades: %(problem)s",
    "in the address": "i adressen",
    "in the form": "i formuläret",
    "in a header": "i ett huvud",
    "in a cookie": "i en kaka",
    "is missing": "saknas",
    "must be a whole number": "måste vara ett heltal",
    "must be a number": "måste vara ett tal",
    "must be yes or no (true or false)": "måste vara ja eller nej (true eller false)",
    "must be an id (UUID)": "måste vara ett id (UUID)",
    "must be a date (YYYY-MM-DD)": "måste vara ett datum (ÅÅÅÅ-MM-DD)",
    "must be a date and time (YYYY-MM-DD HH:MM)": "måste vara datum och tid (ÅÅÅÅ-MM-DD TT:MM)",
    "must be a time (HH:MM)": "måste vara en tid (TT:MM)",
    "must be text": "måste vara text",
    "must be at least %(min_length)s characters": "måste vara minst %(min_length)s tecken",
    "may be at most %(max_length)s characters": "får vara högst %(max_length)s tecken",
    "is not in the expected form": "har inte den form som väntas",
    "needs at least %(min_length)s values": "behöver minst %(min_length)s värden",
    "may have at most %(max_length)s values": "får ha högst %(max_length)s värden",
    "must be greater than %(gt)s": "måste vara större än %(gt)s",
    "must be at least %(ge)s": "måste vara minst %(ge)s",
    "must be less than %(lt)s": "måste vara mindre än %(lt)s",
    "may be at most %(le)s": "får vara högst %(le)s",
    "must be one of %(expected)s": "måste vara något av %(expected)s",
    "is not valid JSON": "är inte giltig JSON",
    "must be a list": "måste vara en lista",
    "is not expected": "väntas inte",
    "has a value that is not accepted": "har ett värde som inte godtas",
    # roles (naravard.actor.Role), as the layout and the login page show them
    "clinician": "Vårdpersonal / koordinator",
    "municipal_staff": "Kommunal personal",
    "unit_manager": "Verksamhetschef",
    "analyst": "Analytiker",
    "administrator": "Administratör",
    "log_reviewer": "Logggranskare",
    "governance_officer": "Styrningshandläggare",
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
    # naravard.bounds
    "the date must be between 1900-01-01 and 2999-12-31": "datumet måste ligga mellan 1900-01-01 och 2999-12-31",
    "the number must be between 0 and 2147483647": "talet måste ligga mellan 0 och 2147483647",
    "Value error, the date must be between 1900-01-01 and 2999-12-31": (
        "datumet måste ligga mellan 1900-01-01 och 2999-12-31"
    ),
    # the edge (naravard.app)
    "a number or date in the request is out of range": "ett tal eller datum i förfrågan ligger utanför det tillåtna",
    "the request body did not arrive in time": "förfrågans innehåll kom inte fram i tid",
    "the request body is too large": "förfrågans innehåll är för stort",
}
