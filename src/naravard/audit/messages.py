"""The audit context's words in Swedish, keyed by their English text (merged by `naravard.web.i18n`)."""

from __future__ import annotations

SV: dict[str, str] = {
    # the log reviewer's audit log
    "To": "Till",
    "Filter": "Filtrera",
    "Action": "Händelse",
    "Outcome": "Utfall",
    "allowed": "tillåten",
    "denied": "nekad",
}
