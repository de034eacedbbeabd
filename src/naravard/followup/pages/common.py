"""What the follow-up pages share: their choices (period types, scopes, strata), the results' meta data
(threshold, the lake's last day), incomplete periods, scope parsing and links. No rendering here: the routes
in ``web`` render, so only that module imports the web shell (the import contract)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from naravard.actor import Actor
from naravard.errors import Invalid, NotFound
from naravard.followup import service
from naravard.followup.api import results_dir
from naravard.followup.engine.compute import AGE_BANDS
from naravard.followup.indicators.strata import INDICATOR_BREAKDOWNS, stratum_name, type_name
from naravard.followup.pages.formats import fmt_date
from naravard.followup.results.scopes import Names
from naravard.followup.results.storage import META_FILE

Translate = Callable[[str], str]

DEFAULT_INDICATORS = ("C_FLK", "A3", "C_COC", "K_READM30")
UI_SCOPES = ("total", "region", "municipality", "unit")  # doctor-level results stay in the API and reports
REPORT_SCOPES = (*UI_SCOPES, "doctor")  # the service refuses doctor to roles that may not see it
# English keys of the UI strings (translated by the templates' t())
LABELS = {
    "month": "Month",
    "quarter": "Quarter",
    "year": "Year",
    "region": "Region",
    "municipality": "Municipality",
    "unit": "Unit",
}
PLURALS = {"region": "Regions", "municipality": "Municipalities", "unit": "Units"}
SEXES = {"F": "Women", "M": "Men"}


def meta(request: Request) -> dict[str, Any]:
    try:
        m = json.loads((results_dir(request) / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return m if isinstance(m, dict) else {}


def threshold(m: dict[str, Any], request: Request) -> int:
    try:
        return int(m["small_cell_threshold"])
    except (KeyError, TypeError, ValueError):
        return int(request.app.state.settings.small_cell_threshold)


def partial(period_type: str, period: str, last: dt.date | None, lang: str, t: Translate) -> str | None:
    """ "t.o.m. 23 nov 2026" for a period that ends after the lake's last day (its figures are incomplete)."""
    if last is None:
        return None
    try:
        _, end = service.period_bounds(period_type, period)
    except Invalid:
        return None
    return f"{t('to')} {fmt_date(last, lang)}" if end > last else None


def parse_scope(scope: str, allowed: tuple[str, ...] = UI_SCOPES) -> tuple[str, str | None]:
    """``"unit:1011"`` -> ``("unit", "1011")``; ``"total"`` -> ``("total", None)``."""
    scope_type, _, scope_id = scope.partition(":")
    if scope_type not in allowed:
        raise Invalid("unknown scope %(scope)r", field="scope", params={"scope": scope_type})
    if scope_type != "total" and not scope_id:
        raise Invalid(
            "scope %(scope)r needs an id, e.g. %(scope)s:2180", field="scope", params={"scope": scope_type}
        )
    return scope_type, scope_id or None


def parse_stratum(value: str | None) -> tuple[str, str | None]:
    """The comparison's stratum choice ``"sex:F"`` / ``"age_band:65-79"`` -> (stratum_type, stratum); empty
    is the whole population. The service checks both (an unknown type or stratum is a 422)."""
    if not value:
        return "all", None
    stratum_type, sep, stratum = value.partition(":")
    return (stratum_type, stratum) if sep else ("all", value)


def stratum_options(
    t: Translate, lang: str = "sv", breakdowns: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """The comparison's stratum choices in groups (a ``label`` and its ``options``): everyone, each age band,
    each sex; then one group per breakdown of the indicator (``breakdowns``: type -> the strata the results
    hold, e.g. the professions of A3), each stratum named in words."""
    groups: list[dict[str, Any]] = [
        {
            "label": None,
            "options": [
                {"value": "", "name": t("All")},
                *({"value": f"age_band:{b}", "name": f"{t('Age band')} {b} {t('years')}"} for b in AGE_BANDS),
                *({"value": f"sex:{k}", "name": t(v)} for k, v in SEXES.items()),
            ],
        }
    ]
    for st, values in (breakdowns or {}).items():
        opts = [{"value": f"{st}:{v}", "name": stratum_name(st, v, lang)} for v in values]
        if opts:
            groups.append({"label": type_name(st, lang), "options": sorted(opts, key=lambda o: o["name"])})
    return groups


def breakdown_strata(request: Request, indicator: str) -> dict[str, list[str]]:
    """The breakdowns ``indicator`` offers and the strata of each in the results (none without results)."""
    try:
        return {
            st: service.known_strata(results_dir(request), st)
            for st in INDICATOR_BREAKDOWNS.get(indicator, ())
        }
    except NotFound:
        return {}


def url(path: str, **params: Any) -> str:
    flat = [
        (k, x)
        for k, v in params.items()
        if v is not None
        for x in (v if isinstance(v, list | tuple) else [v])
    ]
    return f"{path}?{urlencode(flat)}"


def report_links(path_params: dict[str, Any]) -> dict[str, str]:
    """The page's report downloads (``/followup/report.pdf`` and ``.xlsx``) with the page's choices."""
    return {fmt: url(f"/followup/report.{fmt}", **path_params) for fmt in ("pdf", "xlsx")}


def scope_options(
    request: Request, codes: list[str], names: Names, t: Translate, actor: Actor
) -> list[dict[str, str]]:
    """Every scope with results for any of ``codes`` (yearly rows are few), for the scope picker."""
    out = [{"type": "total", "value": "total", "name": str(t("All"))}]
    for st in UI_SCOPES[1:]:
        rows = service.query_results(results_dir(request), codes, "year", st, actor=actor)
        ids = sorted({r["scope_id"] for r in rows})
        opts = [{"type": st, "value": f"{st}:{i}", "name": names.name(st, i, t)} for i in ids]
        out += sorted(opts, key=lambda o: o["name"])
    return out
