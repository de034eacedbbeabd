"""The accounts context's words in Swedish, keyed by their English text (merged by `naravard.web.i18n`)."""

from __future__ import annotations

SV: dict[str, str] = {
    # the login form
    "Wrong username or password.": "Fel användarnamn eller lösenord.",
    "Your session has ended. Log in again.": "Din session har gått ut. Logga in igen.",
    "The form has expired. Try again.": "Formuläret har gått ut. Försök igen.",
    # login back-off and an administrator's unlock (accounts.service)
    "wrong username or password, or the account is temporarily locked": "fel användarnamn eller lösenord, eller så är kontot tillfälligt spärrat",
    "only an administrator may unlock an account": "bara en administratör får låsa upp ett konto",
    "no user %(username)r": "ingen användare %(username)r",
    # the purpose of use (actor.Purpose), as the start page and the patient's access log name it
    "Care and treatment": "Vård och behandling",
    "Administration": "Administration",
    "Follow-up and quality assurance": "Uppföljning och kvalitetssäkring",
    "Follow-up of the access log": "Logguppföljning",
    "Your own data": "Dina egna uppgifter",
    "System": "System",
    "Other purpose": "Annat ändamål",
}
