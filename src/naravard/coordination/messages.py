"""Swedish texts of the coordination context's pages and errors, keyed by the English text."""

from __future__ import annotations

SV: dict[str, str] = {"Coordination": "Samordning"}
