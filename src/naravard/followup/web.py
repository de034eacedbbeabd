"""Follow-up pages: a dashboard of trends with targets, and a comparison of municipalities and units with
drill-down region -> municipality -> unit. Charts are Plotly figures built here and drawn by the plotly.js that
ships in the ``plotly`` wheel, served from our own origin (the machines are offline; no CDN)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import plotly
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from naravard.errors import Invalid, NotFound
from naravard.followup import service
from naravard.followup.api import FollowupActor, results_dir, targets
from naravard.followup.charts import (
    bar_chart,
    fmt_count,
    fmt_date,
    fmt_value,
    trend_chart,
)
from naravard.followup.indicators import INDICATORS, PERIOD_TYPES
from naravard.followup.results import META_FILE
from naravard.followup.scopes import Names, load_names
from naravard.web.templating import language_of, render, translate

router = APIRouter(include_in_schema=False)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_URL = f"/followup/static/plotly.min.js?v={plotly.__version__}"  # the version busts the long cache
DEFAULT_INDICATORS = ("C_FLK", "A3", "C_COC", "K_READM30")
UI_SCOPES = ("total", "region", "municipality", "unit")  # doctor-level results stay in the API
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
STRATUM_TYPES = {"all": "All", "age_band": "Age band", "sex": "Sex"}


@router.get("/followup/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed wheel; cached for a year (the URL carries the version)."""
    return FileResponse(
        PLOTLY_JS,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


# --- formatting ----------------------------------------------------------------------------------------------


def _meta(request: Request) -> dict[str, Any]:
    try:
        meta = json.loads((results_dir(request) / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _threshold(meta: dict[str, Any], request: Request) -> int:
    try:
        return int(meta["small_cell_threshold"])
    except (KeyError, TypeError, ValueError):
        return int(request.app.state.settings.small_cell_threshold)


def _lake_last(meta: dict[str, Any]) -> dt.date | None:
    """The last day the lake holds events for (meta key ``lake_last``, ISO date), when the run recorded it."""
    try:
        return dt.date.fromisoformat(str(meta["lake_last"])[:10])
    except (KeyError, ValueError):
        return None


def _partial(period_type: str, period: str, last: dt.date | None, lang: str, t: Any) -> str | None:
    """ "t.o.m. 23 nov 2026" for a period that ends after the lake's last day (its figures are incomplete)."""
    if last is None:
        return None
    try:
        _, end = service.period_bounds(period_type, period)
    except Invalid:
        return None
    return f"{t('to')} {fmt_date(last, lang)}" if end > last else None


def _parse_scope(scope: str) -> tuple[str, str | None]:
    scope_type, _, scope_id = scope.partition(":")
    if scope_type not in UI_SCOPES:
        raise Invalid(f"unknown scope {scope_type!r}", field="scope")
    if scope_type != "total" and not scope_id:
        raise Invalid(f"scope {scope_type!r} needs an id, e.g. {scope_type}:2180", field="scope")
    return scope_type, scope_id or None


def _url(path: str, **params: Any) -> str:
    flat = [
        (k, x)
        for k, v in params.items()
        if v is not None
        for x in (v if isinstance(v, list | tuple) else [v])
    ]
    return f"{path}?{urlencode(flat)}"


# --- dashboard -----------------------------------------------------------------------------------------------


def _compare_parent(scope_type: str, scope_id: str | None, names: Names) -> str | None:
    """The comparison page that holds a dashboard scope: its own page for a region or municipality, the
    municipality's page for a unit."""
    if scope_type in ("region", "municipality"):
        return f"{scope_type}:{scope_id}"
    if scope_type == "unit" and scope_id in names.unit_municipality:
        return f"municipality:{names.unit_municipality[scope_id]}"
    return None


@router.get("/followup", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    actor: FollowupActor,
    indicator: Annotated[list[str] | None, Query()] = None,
    period_type: str = "month",
    scope: str = "total",
    stratum_type: str = "all",
) -> HTMLResponse:
    lang, tr = _lang(request)
    # an empty ?indicator= (or only empty ones) means the defaults, not an empty page
    codes = [c for c in indicator or [] if c] or list(DEFAULT_INDICATORS)
    names = load_names(request.app.state.settings.effective_lake_dir)
    meta = _meta(request)
    lake_last = _lake_last(meta)
    ctx: dict[str, Any] = {
        "indicators": service.list_indicators(),
        "selected": codes,
        "period_type": period_type,
        "period_types": PERIOD_TYPES,
        "labels": LABELS,
        "plurals": PLURALS,
        "scope": scope,
        "stratum_type": stratum_type,
        "stratum_types": STRATUM_TYPES,
        "plotly_url": PLOTLY_URL,
        "charts": [],
        "scopes": [],
        "children": [],
        "error": None,
        "missing": None,
        "threshold": _threshold(meta, request),
        "compare_url": _url("/followup/compare", indicator=codes[0], period_type=period_type),
    }
    tg = targets(request)
    try:
        if stratum_type not in STRATUM_TYPES:
            raise Invalid(f"unknown stratum type {stratum_type!r}", field="stratum_type")
        # the picker first, so a page refusing a bad choice (422) still offers the scopes to choose from
        ctx["scopes"] = _scope_options(request, codes, names, tr)
        scope_type, scope_id = _parse_scope(scope)
        known = {o["value"] for o in ctx["scopes"]}
        if (
            scope_type != "total"
            and scope not in known
            and not (scope_type == "unit" and scope_id in names.units)
        ):
            ctx["scope_name"] = names.name(scope_type, scope_id, tr)
            return render(
                request,
                "followup/dashboard.html",
                status_code=404,
                **{**ctx, "error": f"{tr('No results for')} {ctx['scope_name']} ({scope})"},
            )

        def series_of(st: str) -> dict[str, list[dict[str, Any]]]:
            return service.dashboard_series(
                results_dir(request),
                indicators=codes,
                period_type=period_type,
                scope_type=scope_type,
                scope_id=scope_id,
                targets=tg,
                stratum_type=st,
                actor=actor,
            )

        series = series_of("all")
        # the heading keeps the whole population's value; the chart draws one line per stratum
        strata = series_of(stratum_type) if stratum_type != "all" else series
    except NotFound as exc:
        return render(request, "followup/dashboard.html", **{**ctx, "missing": exc.message})
    except Invalid as exc:
        return render(request, "followup/dashboard.html", status_code=422, **{**ctx, "error": exc.message})
    parent = _compare_parent(scope_type, scope_id, names)
    ctx["compare_url"] = _url("/followup/compare", indicator=codes[0], period_type=period_type, parent=parent)
    for code in codes:
        ind = INDICATORS[code]
        points = series[code]
        last = next((p for p in reversed(points) if p["value"] is not None), None)
        ctx["charts"].append(
            {
                "code": code,
                "ind": ind,
                "html": trend_chart(code, strata[code], tr, lang) if last else "",
                "last": last,
                # the latest value shown is older than the last period: say so
                "stale": last is not None and last is not points[-1],
                "last_partial": _partial(period_type, last["period"], lake_last, lang, tr) if last else None,
                "partial": _partial(period_type, points[-1]["period"], lake_last, lang, tr)
                if points
                else None,
                "last_period": points[-1]["period"] if points else None,
                "gaps": any(p["suppressed"] for p in strata[code]),
                "last_value": fmt_value(last["value"], ind, lang) if last else "–",
                "target": fmt_value(last["target"], ind, lang)
                if last and last["target"] is not None
                else None,
                "compare_url": _url(
                    "/followup/compare", indicator=code, period_type=period_type, parent=parent
                ),
            }
        )
    ctx["scope_name"] = names.name(scope_type, scope_id, tr)
    up = names.parent(scope_type, scope_id) if scope_id else None
    ctx["up"] = (
        {
            "name": names.name(up[0], up[1], tr),
            "url": _url(
                "/followup",
                indicator=codes,
                period_type=period_type,
                scope=f"{up[0]}:{up[1]}" if up[1] else "total",
                stratum_type=None if stratum_type == "all" else stratum_type,
            ),
        }
        if up
        else None
    )
    ctx["children"] = [
        {
            "name": o["name"],
            "url": _url(
                "/followup",
                indicator=codes,
                period_type=period_type,
                scope=o["value"],
                stratum_type=None if stratum_type == "all" else stratum_type,
            ),
        }
        for o in ctx["scopes"]
        if o["type"] != "total"
        and o["type"] != scope_type
        and names.parent(o["type"], o["value"].partition(":")[2]) == (scope_type, scope_id or "")
    ]
    return render(request, "followup/dashboard.html", **ctx)


def _lang(request: Request) -> tuple[str, Any]:
    # translate comes through templating: the import contract lets follow-up pages use only that web module
    lang = language_of(request)
    return lang, lambda text: translate(text, lang)


def _scope_options(request: Request, codes: list[str], names: Names, t: Any) -> list[dict[str, str]]:
    """Every scope with results for any of ``codes`` (yearly rows are few), for the scope picker."""
    out = [{"type": "total", "value": "total", "name": str(t("All"))}]
    for st in UI_SCOPES[1:]:
        ids = sorted({r["scope_id"] for r in service.query_results(results_dir(request), codes, "year", st)})
        opts = [{"type": st, "value": f"{st}:{i}", "name": names.name(st, i, t)} for i in ids]
        out += sorted(opts, key=lambda o: o["name"])
    return out


# --- comparison with drill-down --------------------------------------------------------------------------------


def _section(
    request: Request,
    *,
    code: str,
    period_type: str,
    period: str,
    scope_type: str,
    parent: tuple[str, str],
    names: Names,
    lang: str,
    t: Any,
    actor: Any,
) -> dict[str, Any]:
    ind = INDICATORS[code]
    raw = service.query_results(
        results_dir(request),
        code,
        period_type,
        scope_type,
        period_from=period,
        period_to=period,
        targets=targets(request),
        actor=actor,
    )
    rows = []
    for r in raw:
        if not names.within(scope_type, r["scope_id"], parent):
            continue
        drill = (
            _url(
                "/followup/compare",
                indicator=code,
                period_type=period_type,
                period=period,
                parent=f"{scope_type}:{r['scope_id']}",
            )
            if scope_type in ("region", "municipality")
            # the unit's trend in the same period type as the comparison
            else _url("/followup", indicator=code, period_type=period_type, scope=f"unit:{r['scope_id']}")
        )
        rows.append(
            {
                **r,
                "name": names.name(scope_type, r["scope_id"], t),
                "url": drill,
                "value_s": fmt_value(r["value"], ind, lang),
                "num_s": fmt_count(r["numerator"], lang),
                "den_s": fmt_count(r["denominator"], lang),
                "target_s": fmt_value(r["target"], ind, lang) if r["target"] is not None else "",
            }
        )
    # best first, suppressed last
    sign = -1 if ind.higher_is_better else 1
    rows.sort(key=lambda r: (r["value"] is None, sign * (r["value"] or 0), r["name"]))
    return {
        "scope_type": scope_type,
        "rows": rows,
        "misses": sum(r["meets_target"] is False for r in rows),
        "html": bar_chart(rows, ind, f"bars-{scope_type}", t, lang) if rows else "",
    }


@router.get("/followup/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    actor: FollowupActor,
    indicator: str = "C_FLK",
    period_type: str = "year",
    period: str | None = None,
    parent: str | None = None,
) -> HTMLResponse:
    """Municipalities and units side by side for one indicator and period; a region's page lists both its
    municipalities and its units, a municipality's page its units."""
    lang, tr = _lang(request)
    names = load_names(request.app.state.settings.effective_lake_dir)
    meta = _meta(request)
    lake_last = _lake_last(meta)
    ctx: dict[str, Any] = {
        "indicators": service.list_indicators(),
        "code": indicator,
        "period_type": period_type,
        "period_types": PERIOD_TYPES,
        "labels": LABELS,
        "plurals": PLURALS,
        "plotly_url": PLOTLY_URL,
        "sections": [],
        "periods": [],
        "period": period,
        "chosen": None,
        "notice": None,
        "partial": None,
        "parent": parent,
        "error": None,
        "missing": None,
        "threshold": _threshold(meta, request),
        "crumbs": [],
    }
    try:
        total = service.query_results(results_dir(request), indicator, period_type, "total", actor=actor)
        periods = [r["period"] for r in reversed(total)]
        ctx["periods"] = [
            {
                "value": p,
                "label": f"{p} ({pp})" if (pp := _partial(period_type, p, lake_last, lang, tr)) else p,
            }
            for p in periods
        ]
        if not periods:
            raise NotFound(f"no results for {indicator} per {period_type}")
        # a period kept from another period type or indicator (the form sends it again) falls back to the
        # latest period of the new selection, with a notice, instead of an empty page
        if period and period in periods:
            ctx["chosen"] = period
        elif period:
            ctx["notice"] = tr("No results for %(asked)s; showing the latest period, %(shown)s.") % {
                "asked": period,
                "shown": periods[0],
            }
        period = ctx["chosen"] or periods[0]
        ctx["partial"] = _partial(period_type, period, lake_last, lang, tr)
        if parent is None:
            regions = service.query_results(
                results_dir(request), indicator, period_type, "region", period_from=period, period_to=period
            )
            ids = sorted({r["scope_id"] for r in regions})
            parent = f"region:{ids[0]}" if len(ids) == 1 else "total"
        ptype, _, pid = parent.partition(":")
        if ptype not in ("total", "region", "municipality") or (ptype != "total" and not pid):
            raise Invalid(
                f"parent must be total, region:<code> or municipality:<code>, not {parent!r}", field="parent"
            )
        levels = {"total": ("region",), "region": ("municipality", "unit"), "municipality": ("unit",)}[ptype]
        ctx["sections"] = [
            _section(
                request,
                code=indicator,
                period_type=period_type,
                period=period,
                scope_type=st,
                parent=(ptype, pid),
                names=names,
                lang=lang,
                t=tr,
                actor=actor,
            )
            for st in levels
        ]
    except NotFound as exc:
        return render(request, "followup/compare.html", **{**ctx, "missing": exc.message})
    except Invalid as exc:
        return render(request, "followup/compare.html", status_code=422, **{**ctx, "error": exc.message})
    crumbs = [("total", "")]
    if ptype == "region":
        crumbs.append(("region", pid))
    elif ptype == "municipality":
        crumbs += [("region", pid[:2]), ("municipality", pid)]
    ctx["crumbs"] = [
        {
            "name": names.name(ct, ci, tr),
            "url": _url(
                "/followup/compare",
                indicator=indicator,
                period_type=period_type,
                period=ctx["chosen"],
                parent=f"{ct}:{ci}" if ci else "total",
            ),
        }
        for ct, ci in crumbs
    ]
    ctx.update(
        period=period,
        parent=parent,
        ind=INDICATORS[indicator],
        trend_url=_url(
            "/followup",
            indicator=indicator,
            period_type=period_type,
            scope=parent if ptype != "total" else "total",
        ),
    )
    return render(request, "followup/compare.html", **ctx)
