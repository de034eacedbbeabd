"""Swedish texts of the careplans context's pages and errors, keyed by the English text."""

from __future__ import annotations

SV: dict[str, str] = {"Care plans": "Vårdplaner"}
