"""The comparison page's content: municipalities and units side by side for one indicator, period and
stratum, with drill-down region -> municipality -> unit, and the report downloads."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from naravard.actor import Actor
from naravard.errors import Invalid, NotFound
from naravard.followup import service
from naravard.followup.api import results_dir
from naravard.followup.indicators import INDICATORS, PERIOD_TYPES
from naravard.followup.indicators.intervals import has_interval
from naravard.followup.indicators.strata import offers, type_name
from naravard.followup.pages.charts import bar_chart, fmt_change, fmt_target, target_words
from naravard.followup.pages.common import (
    LABELS,
    PLURALS,
    Translate,
    breakdown_strata,
    meta,
    parse_stratum,
    partial,
    report_links,
    stratum_options,
    threshold,
    url,
)
from naravard.followup.pages.formats import fmt_count, fmt_interval, fmt_value
from naravard.followup.pages.own_scope import own_scope
from naravard.followup.results.scopes import Names, load_names
from naravard.followup.results.storage import lake_last
from naravard.followup.results.targets import Target

LEVELS = {"total": ("region",), "region": ("municipality", "unit"), "municipality": ("unit",)}


def _section(
    request: Request,
    *,
    code: str,
    period_type: str,
    period: str,
    scope_type: str,
    parent: tuple[str, str],
    stratum: str | None,
    names: Names,
    lang: str,
    t: Translate,
    actor: Actor,
    targets: list[Target],
    own_unit: str | None = None,
) -> dict[str, Any]:
    """One level (the municipalities or the units of ``parent``): its rows best first, and a bar chart; both
    with the 95 % interval of a share or rate, so a small unit's chance variation is seen as such. The
    user's own unit (``own_unit``, its lake id) is marked in the row and the bar's name."""
    ind = INDICATORS[code]
    stratum_type, stratum_id = parse_stratum(stratum)
    raw = service.query_results(
        results_dir(request),
        code,
        period_type,
        scope_type,
        stratum_type=stratum_type,
        stratum=stratum_id,
        period_from=period,
        period_to=period,
        targets=targets,
        actor=actor,
    )
    rows = []
    for r in raw:
        if not names.within(scope_type, r["scope_id"], parent):
            continue
        drill = (
            url(
                "/followup/compare",
                indicator=code,
                period_type=period_type,
                period=period,
                parent=f"{scope_type}:{r['scope_id']}",
                stratum=stratum,
            )
            if scope_type in ("region", "municipality")
            # the unit's trend in the same period type as the comparison
            else url("/followup", indicator=code, period_type=period_type, scope=f"unit:{r['scope_id']}")
        )
        own = scope_type == "unit" and r["scope_id"] == own_unit
        name = names.name(scope_type, r["scope_id"], t)
        rows.append(
            {
                **r,
                "name": f"{name} ({t('your unit')})" if own else name,
                "own": own,
                "url": drill,
                "value_s": fmt_value(r["value"], ind, lang),
                "ci_s": fmt_interval(r["ci_low"], r["ci_high"], ind, lang),
                "num_s": fmt_count(r["numerator"], lang),
                "den_s": fmt_count(r["denominator"], lang),
                "target_s": fmt_target(r, ind, t, lang),
                "meets_s": target_words(r, t),
                "change_s": fmt_change(r, lang),
            }
        )
    # best first, suppressed last
    sign = -1 if ind.higher_is_better else 1
    rows.sort(key=lambda r: (r["value"] is None, sign * (r["value"] or 0), r["name"]))
    return {
        "scope_type": scope_type,
        "rows": rows,
        "misses": sum(r["meets_target"] is False for r in rows),
        # of which the interval too is on the wrong side: a miss larger than chance explains
        "clear_misses": sum(r["meets_target"] is False and r["beyond_chance"] is True for r in rows),
        "interval": has_interval(ind),
        # under a relative target, a column of each scope's change since its baseline (one baseline per
        # indicator and scope type in practice; the heading names the first)
        "since": next(
            (t("Since %(baseline)s") % {"baseline": r["target_baseline"]} for r in rows if r["change_s"]), ""
        ),
        # no chart of nothing (every cell suppressed, as in a month only days old): the table says why
        "html": bar_chart(rows, ind, f"bars-{scope_type}", t, lang)
        if any(r["value"] is not None for r in rows)
        else "",
    }


def compare_context(
    request: Request,
    db: Session,
    actor: Actor,
    *,
    indicator: str,
    period_type: str,
    period: str | None,
    parent: str | None,
    stratum: str | None,
    lang: str,
    t: Translate,
    plotly_url: str,
    targets: list[Target],
) -> tuple[int, dict[str, Any]]:
    """The status and template context of ``followup/compare.html``, marked against ``targets``; a region's
    page lists both its municipalities and its units, a municipality's page its units. Without ``parent``,
    a unit manager's page opens on the municipality that holds their unit, and says so."""
    names = load_names(request.app.state.settings.effective_lake_dir)
    own = own_scope(db, actor=actor, names=names)
    m = meta(request)
    last_day = lake_last(m)
    stratum = stratum or None
    notices = []
    st_type = parse_stratum(stratum)[0]
    if indicator in INDICATORS and not offers(indicator, st_type):
        # a breakdown kept from another indicator (the form sends it again) falls back to everyone, said so
        notices.append(
            t("%(indicator)s is not broken down by %(breakdown)s; showing everyone.")
            % {"indicator": indicator, "breakdown": type_name(st_type, lang).lower()}
        )
        stratum = None
    ctx: dict[str, Any] = {
        "indicators": service.list_indicators(),
        "code": indicator,
        "period_type": period_type,
        "period_types": PERIOD_TYPES,
        "labels": LABELS,
        "plurals": PLURALS,
        "plotly_url": plotly_url,
        "sections": [],
        "periods": [],
        "period": period,
        "chosen": None,
        "notice": " ".join(notices) or None,
        "partial": None,
        "parent": parent,
        "stratum": stratum,
        "strata": stratum_options(t, lang, breakdown_strata(request, indicator)),
        "error": None,
        "missing": None,
        "threshold": threshold(m, request),
        "crumbs": [],
        "reports": None,
        "own": None,
    }
    try:
        total = service.query_results(results_dir(request), indicator, period_type, "total", actor=actor)
        periods = [r["period"] for r in reversed(total)]
        ctx["periods"] = [
            {
                "value": p,
                "label": f"{p} ({pp})" if (pp := partial(period_type, p, last_day, lang, t)) else p,
            }
            for p in periods
        ]
        if not periods:
            raise NotFound(
                "no results for %(indicator)s per %(period_type)s",
                params={"indicator": indicator, "period_type": period_type},
            )
        # a period kept from another period type or indicator (the form sends it again) falls back to the
        # latest period of the new selection, with a notice, instead of an empty page
        if period and period in periods:
            ctx["chosen"] = period
        elif period:
            notices.append(
                t("No results for %(asked)s; showing the latest period, %(shown)s.")
                % {"asked": period, "shown": periods[0]}
            )
            ctx["notice"] = " ".join(notices)
        period = ctx["chosen"] or periods[0]
        ctx["partial"] = partial(period_type, period, last_day, lang, t)
        if parent is None and own.municipality is not None:
            parent = f"municipality:{own.municipality}"
            ctx["own"] = t("Opened on the municipality of your unit, %(unit)s.") % {"unit": own.unit_name}
        if parent is None:
            regions = service.query_results(
                results_dir(request),
                indicator,
                period_type,
                "region",
                period_from=period,
                period_to=period,
                actor=actor,
            )
            ids = sorted({r["scope_id"] for r in regions})
            parent = f"region:{ids[0]}" if len(ids) == 1 else "total"
        ptype, _, pid = parent.partition(":")
        if ptype not in LEVELS or (ptype != "total" and not pid):
            raise Invalid(
                "parent must be total, region:<code> or municipality:<code>, not %(parent)r",
                field="parent",
                params={"parent": parent},
            )
        ctx["sections"] = [
            _section(
                request,
                code=indicator,
                period_type=period_type,
                period=period,
                scope_type=st,
                parent=(ptype, pid),
                stratum=stratum,
                names=names,
                lang=lang,
                t=t,
                actor=actor,
                targets=targets,
                own_unit=own.unit_id,
            )
            for st in LEVELS[ptype]
        ]
    except NotFound as exc:
        return 200, {**ctx, "missing": exc.text(t)}
    except Invalid as exc:
        return 422, {**ctx, "error": exc.text(t)}
    crumbs = [("total", "")]
    if ptype == "region":
        crumbs.append(("region", pid))
    elif ptype == "municipality":
        crumbs += [("region", names.region_of(pid)), ("municipality", pid)]
    ctx["crumbs"] = [
        {
            "name": names.name(ct, ci, t),
            "url": url(
                "/followup/compare",
                indicator=indicator,
                period_type=period_type,
                period=ctx["chosen"],
                parent=f"{ct}:{ci}" if ci else "total",
                stratum=stratum,
            ),
        }
        for ct, ci in crumbs
    ]
    ctx.update(
        period=period,
        parent=parent,
        ind=INDICATORS[indicator],
        trend_url=url(
            "/followup",
            indicator=indicator,
            period_type=period_type,
            scope=parent if ptype != "total" else "total",
        ),
        # the report of the area compared: its trend up to the period shown, in the same stratum, and its
        # first level below side by side in that period, as on the page
        reports=report_links(
            {
                "indicator": indicator,
                "period_type": period_type,
                "scope": parent,
                "period_to": period,
                "stratum": stratum,
                "compare": LEVELS[ptype][0],
            }
        ),
    )
    return 200, ctx
