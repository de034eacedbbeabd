"""Swedish texts of the governance context's pages and errors, keyed by the English text."""

from __future__ import annotations

SV: dict[str, str] = {"Governance": "Styrning"}
