"""What a report calls its scope, and the name of its file: in the reader's language, by name rather than
the lake's internal ids, ASCII in a file name (a Content-Disposition header then needs no encoding)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from naravard.followup.reports.text import LABELS
from naravard.followup.results.scopes import Names


def scope_name(names: Names, scope_type: str, scope_id: str | None, lang: str) -> str:
    """The scope's display name (a unit's own, told apart from a namesake by its municipality, never the
    lake's internal id after it); the id alone where no name is known."""
    L = LABELS[lang]
    name = names.name(scope_type, scope_id, lambda k: L.get(k, k))
    if scope_type == "total" or scope_id is None:
        return ""
    if name in (scope_id, f"{L.get(scope_type.capitalize(), scope_type)} {scope_id}"):
        return scope_id  # no name known: the id alone, after the scope type
    return name


# the words of a download's file name, in the page's language
FILE_WORDS = {
    "sv": {
        "stem": "uppfoljning",
        "compare": "jamforelse",
        "indicators": "indikatorer",
        "region": "region",
        "municipality": "kommun",
        "unit": "enhet",
        "doctor": "lakare",
        "month": "manad",
        "quarter": "kvartal",
        "year": "ar",
    },
    "en": {
        "stem": "followup",
        "compare": "comparison",
        "indicators": "indicators",
        "region": "region",
        "municipality": "municipality",
        "unit": "unit",
        "doctor": "doctor",
        "month": "month",
        "quarter": "quarter",
        "year": "year",
    },
}


def _slug(text: str) -> str:
    """``Gävle Strand hälsocentral`` -> ``gavle-strand-halsocentral``: ASCII, so a Content-Disposition
    header needs no encoding and any file system takes it."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def report_filename(
    scope_type: str,
    scope_id: str | None,
    period: str,
    fmt: str,
    lang: str = "sv",
    *,
    indicators: list[str] | None = None,
    names: Names | None = None,
    compare: str | None = None,
    today: dt.date | None = None,
) -> str:
    """A download's name in the page's language: ``uppfoljning-C_FLK-kommun-gavle-kvartal-2026-12-04.pdf``
    (``followup-C_FLK-municipality-gavle-quarter-...`` in English); a comparison's
    ``jamforelse-kommuner-...``; the whole lake names no scope. Scopes by name where one is known (``names``);
    up to three indicators by code, more by their number."""
    w = FILE_WORDS.get(lang, FILE_WORDS["sv"])
    codes = [re.sub(r"[^A-Za-z0-9_]", "", c) for c in indicators or []]
    parts = [w["stem"] if compare is None else f"{w['compare']}-{_slug(LABELS[lang]['level_' + compare])}"]
    parts += codes if len(codes) <= 3 else [f"{len(codes)}-{w['indicators']}"]
    if scope_type != "total" and scope_type in w:
        shown = scope_name(names or Names(), scope_type, scope_id, lang) or (scope_id or "")
        named = _slug(shown) or _slug(scope_id or "")
        # "region-gavleborg", not "region-region-gavleborg"
        parts.append(named if named.startswith(f"{w[scope_type]}-") else f"{w[scope_type]}-{named}")
    parts += [w.get(period, _slug(period)), (today or dt.date.today()).isoformat()]
    return f"{'-'.join(p for p in parts if p)}.{fmt}"
