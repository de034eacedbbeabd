"""Follow-up pages: a dashboard of trends with targets, and a comparison of municipalities and units with
drill-down region -> municipality -> unit. Charts are Plotly figures built here and drawn by the plotly.js that
ships in the ``plotly`` wheel, served from our own origin (the machines are offline; no CDN)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import plotly
import plotly.graph_objects as go
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from naravard.errors import Invalid, NotFound
from naravard.followup import service
from naravard.followup.api import FollowupActor, results_dir
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
MISS, MEETS, NEUTRAL = "#a4262c", "#00605f", "#7a8693"


@router.get("/followup/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed wheel; cached for a year (the URL carries the version)."""
    return FileResponse(
        PLOTLY_JS,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


# --- formatting ----------------------------------------------------------------------------------------------


def fmt_value(v: float | None, unit: str, lang: str) -> str:
    if v is None:
        return "–"
    s = f"{v * 100:.1f} %" if unit == "share" else f"{v:.0f}" if unit == "days" else f"{v:.2f}"
    return s.replace(".", ",") if lang == "sv" else s


def fmt_count(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.0f}".replace(",", "\u00a0") if float(v).is_integer() else f"{v:.1f}"


def _threshold(request: Request) -> int:
    meta = results_dir(request) / META_FILE
    try:
        return int(json.loads(meta.read_text(encoding="utf-8"))["small_cell_threshold"])
    except (OSError, ValueError, KeyError):
        return int(request.app.state.settings.small_cell_threshold)


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


def _axis(fig: go.Figure, unit: str, axis: str = "yaxis") -> None:
    fig.update_layout(**{axis: {"tickformat": ".0%" if unit == "share" else None, "rangemode": "tozero"}})


def _html(fig: go.Figure, div_id: str) -> str:
    fig.update_layout(
        height=320,
        margin={"l": 50, "r": 20, "t": 20, "b": 60},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.25},
        separators=", ",
    )
    # width 100 %: the card decides; a fixed width would overflow the dashboard grid
    html: str = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        default_width="100%",
        default_height="320px",
        config={"displaylogo": False, "responsive": True},
    )
    return html


# --- dashboard -----------------------------------------------------------------------------------------------


def _trend(code: str, points: list[dict[str, Any]], t: Any, lang: str) -> str:
    ind = INDICATORS[code]
    x = [p["period"] for p in points]
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=[p["value"] for p in points],
            mode="lines+markers",
            name=t("Result"),
            line={"color": MEETS},
            customdata=[[fmt_count(p["numerator"]), fmt_count(p["denominator"])] for p in points],
            hovertemplate="%{x}: %{y}<br>%{customdata[0]} / %{customdata[1]}<extra></extra>",
        )
    )
    targets = [p["target"] for p in points]
    if any(v is not None for v in targets):
        fig.add_trace(
            go.Scatter(x=x, y=targets, mode="lines", name=t("Target"), line={"color": MISS, "dash": "dash"})
        )
    fig.update_layout(xaxis={"type": "category"})
    _axis(fig, ind.unit)
    return _html(fig, f"chart-{code}")


@router.get("/followup", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    _actor: FollowupActor,
    indicator: Annotated[list[str] | None, Query()] = None,
    period_type: str = "month",
    scope: str = "total",
) -> HTMLResponse:
    lang, tr = _lang(request)
    codes = [c for c in (indicator or DEFAULT_INDICATORS) if c]
    names = load_names(request.app.state.settings.effective_lake_dir)
    ctx: dict[str, Any] = {
        "indicators": service.list_indicators(),
        "selected": codes,
        "period_type": period_type,
        "period_types": PERIOD_TYPES,
        "labels": LABELS,
        "plurals": PLURALS,
        "scope": scope,
        "plotly_url": PLOTLY_URL,
        "charts": [],
        "scopes": [],
        "children": [],
        "error": None,
        "missing": None,
        "threshold": _threshold(request),
    }
    try:
        scope_type, scope_id = _parse_scope(scope)
        series = service.dashboard_series(
            results_dir(request),
            indicators=codes,
            period_type=period_type,
            scope_type=scope_type,
            scope_id=scope_id,
        )
    except NotFound as exc:
        return render(request, "followup/dashboard.html", **{**ctx, "missing": exc.message})
    except Invalid as exc:
        return render(request, "followup/dashboard.html", status_code=422, **{**ctx, "error": exc.message})
    for code in codes:
        points = series[code]
        last = next((p for p in reversed(points) if p["value"] is not None), None)
        ctx["charts"].append(
            {
                "code": code,
                "ind": INDICATORS[code],
                "html": _trend(code, points, tr, lang) if last else "",
                "last": last,
                "gaps": any(p["suppressed"] for p in points),
                "last_value": fmt_value(last["value"], INDICATORS[code].unit, lang) if last else "–",
                "target": fmt_value(last["target"], INDICATORS[code].unit, lang)
                if last and last["target"] is not None
                else None,
                "compare_url": _url(
                    "/followup/compare",
                    indicator=code,
                    period_type="year",
                    parent=scope if scope_type in ("region", "municipality") else None,
                ),
            }
        )
    ctx["scopes"] = _scope_options(request, codes[0], names, tr)
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
            ),
        }
        if up
        else None
    )
    ctx["children"] = [
        {
            "name": o["name"],
            "url": _url("/followup", indicator=codes, period_type=period_type, scope=o["value"]),
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


def _scope_options(request: Request, code: str, names: Names, t: Any) -> list[dict[str, str]]:
    """Every scope with results for ``code`` (yearly rows are few), for the scope picker."""
    out = [{"type": "total", "value": "total", "name": str(t("All"))}]
    for st in UI_SCOPES[1:]:
        ids = sorted({r["scope_id"] for r in service.query_results(results_dir(request), code, "year", st)})
        opts = [{"type": st, "value": f"{st}:{i}", "name": names.name(st, i, t)} for i in ids]
        out += sorted(opts, key=lambda o: o["name"])
    return out


# --- comparison with drill-down --------------------------------------------------------------------------------


def _bars(rows: list[dict[str, Any]], unit: str, div_id: str, t: Any) -> str:
    shown = [r for r in rows if not r["suppressed"] and r["value"] is not None]
    colors = [NEUTRAL if r["meets_target"] is None else MEETS if r["meets_target"] else MISS for r in shown]
    fig = go.Figure(
        go.Bar(
            x=[r["name"] for r in shown],
            y=[r["value"] for r in shown],
            marker_color=colors,
            name=t("Result"),
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    targets = {r["target"] for r in shown if r["target"] is not None}
    if len(targets) == 1:
        fig.add_hline(y=targets.pop(), line_dash="dash", line_color=MISS, annotation_text=t("Target"))
    elif targets:  # targets set per scope: one marker per bar
        fig.add_trace(
            go.Scatter(
                x=[r["name"] for r in shown],
                y=[r["target"] for r in shown],
                mode="markers",
                name=t("Target"),
                marker={"symbol": "line-ew-open", "size": 24, "color": MISS},
            )
        )
    fig.update_layout(xaxis={"type": "category", "tickangle": -35}, showlegend=False)
    _axis(fig, unit)
    return _html(fig, div_id)


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
) -> dict[str, Any]:
    ind = INDICATORS[code]
    raw = service.query_results(
        results_dir(request), code, period_type, scope_type, period_from=period, period_to=period
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
            else _url("/followup", indicator=code, period_type="month", scope=f"unit:{r['scope_id']}")
        )
        rows.append(
            {
                **r,
                "name": names.name(scope_type, r["scope_id"], t),
                "url": drill,
                "value_s": fmt_value(r["value"], ind.unit, lang),
                "num_s": fmt_count(r["numerator"]),
                "den_s": fmt_count(r["denominator"]),
                "target_s": fmt_value(r["target"], ind.unit, lang) if r["target"] is not None else "",
            }
        )
    # best first, suppressed last
    sign = -1 if ind.higher_is_better else 1
    rows.sort(key=lambda r: (r["value"] is None, sign * (r["value"] or 0), r["name"]))
    return {
        "scope_type": scope_type,
        "rows": rows,
        "misses": sum(r["meets_target"] is False for r in rows),
        "html": _bars(rows, ind.unit, f"bars-{scope_type}", t) if rows else "",
    }


@router.get("/followup/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    _actor: FollowupActor,
    indicator: str = "C_FLK",
    period_type: str = "year",
    period: str | None = None,
    parent: str | None = None,
) -> HTMLResponse:
    """Municipalities and units side by side for one indicator and period; a region's page lists both its
    municipalities and its units, a municipality's page its units."""
    lang, tr = _lang(request)
    names = load_names(request.app.state.settings.effective_lake_dir)
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
        "parent": parent,
        "error": None,
        "missing": None,
        "threshold": _threshold(request),
        "crumbs": [],
    }
    try:
        total = service.query_results(results_dir(request), indicator, period_type, "total")
        ctx["periods"] = [r["period"] for r in reversed(total)]
        period = period or (ctx["periods"][0] if ctx["periods"] else None)
        if period is None:
            raise NotFound(f"no results for {indicator} per {period_type}")
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
                period=period,
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
            period_type="month",
            scope=parent if ptype != "total" else "total",
        ),
    )
    return render(request, "followup/compare.html", **ctx)
