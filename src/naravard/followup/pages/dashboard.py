"""The dashboard page's content: one trend chart per indicator for one scope, with targets, the headline of the
last complete period (an incomplete one apart and marked, a stale one with its age: ``headline``), drill-down
to the scope's children and up to its parent, and the report downloads."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from naravard.actor import Actor
from naravard.errors import Invalid, NotFound
from naravard.followup import service
from naravard.followup.api import results_dir
from naravard.followup.indicators import INDICATORS, PERIOD_TYPES
from naravard.followup.indicators.periods import is_complete, label_of
from naravard.followup.indicators.strata import STRATUM_TYPES, offers, type_name
from naravard.followup.pages.charts import fmt_change, fmt_target, target_words, trend_chart, trend_table
from naravard.followup.pages.common import (
    DEFAULT_INDICATORS,
    LABELS,
    PLURALS,
    Translate,
    meta,
    parse_scope,
    partial,
    report_links,
    scope_options,
    threshold,
    url,
)
from naravard.followup.pages.formats import fmt_value
from naravard.followup.pages.own_scope import TOTAL, OwnScope, own_scope
from naravard.followup.results.headline import headline, time_axis
from naravard.followup.results.scopes import Names, load_names
from naravard.followup.results.storage import lake_last
from naravard.followup.results.targets import Target


def _compare_parent(
    scope_type: str, scope_id: str | None, names: Names, scopes: list[dict[str, str]]
) -> str | None:
    """The comparison page that holds a dashboard scope: its own page for a region or municipality, the
    municipality's page for a unit; for the total, the one region's page when the results hold one region,
    else the total's. Named, not left to the comparison page's default, which is the user's own area."""
    if scope_type in ("region", "municipality"):
        return f"{scope_type}:{scope_id}"
    if scope_type == "unit" and scope_id in names.unit_municipality:
        return f"municipality:{names.unit_municipality[scope_id]}"
    if scope_type == "total":
        regions = [o["value"] for o in scopes if o["type"] == "region"]
        return regions[0] if len(regions) == 1 else TOTAL
    return None


def _own_note(own: OwnScope, t: Translate) -> str:
    """The line that says the page opened on the user's own unit (or the municipality that holds it)."""
    if own.unit_id is not None:
        return t("Opened on your own unit, %(unit)s.") % {"unit": own.unit_name}
    return t("Opened on the municipality of your unit, %(unit)s, which the follow-up has no results for.") % {
        "unit": own.unit_name
    }


def dashboard_context(
    request: Request,
    db: Session,
    actor: Actor,
    *,
    indicator: list[str] | None,
    period_type: str,
    scope: str | None,
    stratum_type: str,
    lang: str,
    t: Translate,
    plotly_url: str,
    targets: list[Target],
) -> tuple[int, dict[str, Any]]:
    """The status and template context of ``followup/dashboard.html``, marked against ``targets`` (national,
    file and the region's own). A bad choice is a 422 page that still offers the pickers; a scope the actor
    may not see raises ``Forbidden`` (the error page). Without a ``scope`` the page opens on the actor's own
    unit (``own_scope``) and says so; an explicit scope, ``total`` too, always wins."""
    # an empty ?indicator= (or only empty ones) means the defaults, not an empty page
    codes = [c for c in indicator or [] if c] or list(DEFAULT_INDICATORS)
    names = load_names(request.app.state.settings.effective_lake_dir)
    own = own_scope(db, actor=actor, names=names) if scope is None else OwnScope()
    scope = scope or own.scope
    m = meta(request)
    last_day = lake_last(m)
    ctx: dict[str, Any] = {
        "indicators": service.list_indicators(),
        "selected": codes,
        "period_type": period_type,
        "period_types": PERIOD_TYPES,
        "labels": LABELS,
        "plurals": PLURALS,
        "scope": scope,
        "stratum_type": stratum_type,
        "stratum_types": {k: type_name(k, lang) for k in STRATUM_TYPES},
        "plotly_url": plotly_url,
        "charts": [],
        "scopes": [],
        "children": [],
        "error": None,
        "missing": None,
        "threshold": threshold(m, request),
        "compare_url": url("/followup/compare", indicator=codes[0], period_type=period_type),
        "targets_url": "/followup/targets",
        "reports": None,
        "own": None,
    }
    # the doctor scope is not offered on the pages; asking for it anyway says why a unit manager may not
    service.check_scope_access(actor, scope.partition(":")[0])
    tg = targets
    try:
        if stratum_type not in STRATUM_TYPES:
            raise Invalid(
                "unknown stratum type %(value)r", field="stratum_type", params={"value": stratum_type}
            )
        # the picker first, so a page refusing a bad choice (422) still offers the scopes to choose from
        ctx["scopes"] = scope_options(request, codes, names, t, actor)
        known = {o["value"] for o in ctx["scopes"]}
        if own.scope not in known:
            # the user's unit without results of these indicators: its municipality, else the whole, rather
            # than a page of nothing
            mun = f"municipality:{own.municipality}"
            own = replace(own, scope=mun, unit_id=None) if mun in known else OwnScope()
            scope = ctx["scope"] = own.scope
        if own.scope != TOTAL:
            ctx["own"] = {
                "text": _own_note(own, t),
                "url": url(
                    "/followup",
                    indicator=codes,
                    period_type=period_type,
                    scope=TOTAL,
                    stratum_type=None if stratum_type == "all" else stratum_type,
                ),
            }
        scope_type, scope_id = parse_scope(scope)
        if (
            scope_type != "total"
            and scope not in known
            and not (scope_type == "unit" and scope_id in names.units)
        ):
            ctx["scope_name"] = names.name(scope_type, scope_id, t)
            return 404, {**ctx, "error": f"{t('No results for')} {ctx['scope_name']} ({scope})"}

        def series_of(st: str, of: list[str] = codes) -> dict[str, list[dict[str, Any]]]:
            return service.dashboard_series(
                results_dir(request),
                indicators=of,
                period_type=period_type,
                scope_type=scope_type,
                scope_id=scope_id,
                targets=tg,
                stratum_type=st,
                actor=actor,
            )

        series = series_of("all")
        # the heading keeps the whole population's value; the chart draws one line per stratum, and an
        # indicator without the breakdown asked for (only A3 is split by profession) its whole population
        split = [c for c in codes if offers(c, stratum_type)]
        strata = {**series, **series_of(stratum_type, split)} if stratum_type != "all" and split else series
    except NotFound as exc:
        return 200, {**ctx, "missing": exc.text(t)}
    except Invalid as exc:
        return 422, {**ctx, "error": exc.text(t)}
    parent = _compare_parent(scope_type, scope_id, names, ctx["scopes"])
    ctx["compare_url"] = url("/followup/compare", indicator=codes[0], period_type=period_type, parent=parent)
    # the report is of the whole population: the breakdown draws lines, it does not filter
    ctx["reports"] = report_links({"indicator": codes, "period_type": period_type, "scope": scope})
    for code in codes:
        st = stratum_type if code in split else "all"
        ctx["charts"].append(
            _card(code, series[code], strata[code], period_type, parent, last_day, lang, t, st)
        )
    ctx["scope_name"] = names.name(scope_type, scope_id, t)
    keep = None if stratum_type == "all" else stratum_type
    up = names.parent(scope_type, scope_id) if scope_id else None
    ctx["up"] = (
        {
            "name": names.name(up[0], up[1], t),
            "url": url(
                "/followup",
                indicator=codes,
                period_type=period_type,
                scope=f"{up[0]}:{up[1]}" if up[1] else "total",
                stratum_type=keep,
            ),
        }
        if up
        else None
    )
    ctx["children"] = [
        {
            "name": o["name"],
            "url": url(
                "/followup", indicator=codes, period_type=period_type, scope=o["value"], stratum_type=keep
            ),
        }
        for o in ctx["scopes"]
        if o["type"] != "total"
        and o["type"] != scope_type
        and names.parent(o["type"], o["value"].partition(":")[2]) == (scope_type, scope_id or "")
    ]
    return 200, ctx


# how old a stale headline is, in its period type: singular and plural (Swedish plurals differ)
AGES = {
    "month": ("1 month", "%(n)s months"),
    "quarter": ("1 quarter", "%(n)s quarters"),
    "year": ("1 year", "%(n)s years"),
}


def age_words(n: int, period_type: str, t: Translate) -> str:
    """``3 månader``, ``1 kvartal``: how many periods a value is older than the latest complete one."""
    one, many = AGES[period_type]
    return t(one) if n == 1 else t(many) % {"n": n}


def _card(
    code: str,
    points: list[dict[str, Any]],
    strata: list[dict[str, Any]],
    period_type: str,
    parent: str | None,
    last_day: dt.date | None,
    lang: str,
    t: Translate,
    stratum_type: str = "all",
) -> dict[str, Any]:
    """One indicator's card: the chart (a line per stratum), the headline and its target.

    The headline is the last complete period with a value (``headline``): the incomplete period is shown
    apart, marked and not judged against the target; a headline older than the lake's last complete period
    says by how many periods. On the chart and in the table every period keeps its place on the time axis,
    the lake's last period included, so a month without data is a gap rather than hidden."""
    ind = INDICATORS[code]
    head = headline(points, period_type, last_day)
    last = head.point
    lake_period = label_of(period_type, last_day) if last_day else None
    running = lake_period if lake_period and not is_complete(lake_period, last_day) else None
    until = partial(period_type, running, last_day, lang, t) if running else None
    axis = time_axis([p["period"] for p in strata], period_type, lake_period)
    drawn = any(p["value"] is not None for p in strata)
    change = fmt_change(last, lang) if last else ""
    part = head.partial
    note = f"{t('Incomplete period')} ({until})" if until else ""
    table = (
        trend_table(code, strata, t, lang, stratum_type, periods=axis, partial=running, partial_note=note)
        if drawn
        else None
    )
    return {
        "code": code,
        "ind": ind,
        "html": trend_chart(code, strata, t, lang, stratum_type, periods=axis, partial=running)
        if drawn
        else "",
        "table": table,
        "last": last,
        "drawn": drawn,
        "stale": head.stale,
        "stale_text": (
            t(
                "latest reported value; later periods not reported: %(age)s older than the latest complete period (%(period)s)"
            )
            % {"age": age_words(head.behind, period_type, t), "period": head.latest}
            if head.stale
            else ""
        ),
        # the incomplete period: its label, "t.o.m. 3 dec 2026" and, apart from the headline, its value so far
        "partial": until,
        "partial_period": running,
        "partial_value": fmt_value(part["value"], ind, lang) if part and part["value"] is not None else None,
        "gaps": any(p["suppressed"] for p in strata),
        "missing": table is not None and any(r["missing"] for r in table["rows"]),
        "last_value": fmt_value(last["value"], ind, lang) if last else "–",
        # a relative target with its rule: "0,62 (+20 % mot 2024)"
        "target": (fmt_target(last, ind, t, lang) or None) if last else None,
        "last_meets": target_words(last, t) if last else "",
        # under a relative target, how far the latest value has come since the baseline
        "last_change": (
            t("%(change)s since %(baseline)s") % {"change": change, "baseline": last["target_baseline"]}
            if last and change
            else ""
        ),
        "compare_url": url("/followup/compare", indicator=code, period_type=period_type, parent=parent),
    }
