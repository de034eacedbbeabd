"""Swedish texts of the notifications context's pages and errors, keyed by the English text."""

from __future__ import annotations

SV: dict[str, str] = {
    "Notifications": "Aviseringar",
    "Received": "Mottagen",
    "Subject": "Ämne",
    "Message": "Meddelande",
    "Due": "Klart senast",
    "Status": "Status",
    "Read": "Läst",
    "Unread": "Oläst",
    "Mark read": "Markera som läst",
    "No notifications.": "Inga aviseringar.",
    "no such notification": "aviseringen finns inte",
    "the notification is not yours or your unit's": "aviseringen är inte din eller din enhets",
    "a notification needs a unit or a user to go to": "en avisering behöver en enhet eller användare som mottagare",
    "the link must be a path on the platform": "länken måste vara en sökväg på plattformen",
    "a notification must not hold a personnummer": "en avisering får inte innehålla personnummer",
    "%(field)s must not be empty": "%(field)s får inte vara tomt",
    "%(field)s is longer than %(limit)s characters": "%(field)s är längre än %(limit)s tecken",
}
