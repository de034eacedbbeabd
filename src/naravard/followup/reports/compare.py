"""The side-by-side part of a steering-group report: the scopes one level below the report's scope (the
municipalities of a region, the units of a municipality) in the report's last period, best first, as the
comparison page shows them. A steering group compares its municipalities or units on paper too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from naravard.actor import Actor
from naravard.errors import Invalid
from naravard.followup.indicators import INDICATORS
from naravard.followup.indicators.base import Indicator
from naravard.followup.indicators.intervals import has_interval
from naravard.followup.pages.formats import fmt_interval, fmt_value
from naravard.followup.reports.pdf import nice_scale, tick_label
from naravard.followup.reports.text import count, esc, fmt_target, meets_words, row_rule
from naravard.followup.results.scopes import Names
from naravard.followup.results.targets import Target
from naravard.followup.service import check_scope_access, query_results

# the levels a report of each scope can compare side by side (as the comparison page drills down)
COMPARE_LEVELS: dict[str, tuple[str, ...]] = {
    "total": ("region", "municipality", "unit"),
    "region": ("municipality", "unit"),
    "municipality": ("unit",),
}
ROW_H, NAME_W, BARS_W = 14, 190, 330


def check_compare(scope_type: str, compare: str, names: Names) -> None:
    """Refuse a level that is not below the report's scope, and units within an area when the units'
    municipalities are unknown (every unit of the region would be listed as the area's)."""
    levels = COMPARE_LEVELS.get(scope_type, ())
    if compare not in levels:
        raise Invalid(
            "cannot compare %(compare)s within a %(scope_type)s report; choose %(levels)s",
            field="compare",
            params={
                "compare": compare,
                "scope_type": scope_type,
                "levels": ", ".join(levels) or "nothing (a report of one unit or doctor compares nothing)",
            },
        )
    if compare == "unit" and scope_type != "total" and not names.unit_municipality:
        raise Invalid(
            "comparing units within a %(scope_type)s needs the lake the results were computed from, "
            "to know each unit's municipality",
            field="compare",
            params={"scope_type": scope_type},
        )


def compare_section(
    results_dir: Path,
    code: str,
    *,
    period: str,
    label: str,
    compare: str,
    parent: tuple[str, str],
    stratum_type: str,
    stratum: str | None,
    targets: list[Target],
    names: Names,
    supp: str,
    L: dict[str, str],
    lang: str,
    actor: Actor | None,
) -> dict[str, Any]:
    """The ``compare`` scopes within ``parent`` in period ``label``: rows best first, suppressed last, with
    the 95 % interval of a share or rate (``interval``: the indicator has one)."""
    check_scope_access(actor, compare)
    ind = INDICATORS[code]
    raw = query_results(
        results_dir,
        code,
        period,
        compare,
        stratum_type=stratum_type,
        stratum=stratum,
        period_from=label,
        period_to=label,
        targets=targets,
        actor=actor,
    )
    rows = []
    for r in raw:
        if not names.within(compare, str(r["scope_id"]), parent):
            continue
        name = names.name(compare, str(r["scope_id"]), lambda k: L.get(k, k))
        rows.append(
            {
                **r,
                "name": name,
                "shown": supp if r["suppressed"] else fmt_value(r["value"], ind, lang),
                "ci_shown": "" if r["suppressed"] else fmt_interval(r["ci_low"], r["ci_high"], ind, lang),
                "num_shown": "" if r["suppressed"] else count(r["numerator"], lang),
                "den_shown": supp if r["suppressed"] else count(r["denominator"], lang),
                "target_shown": fmt_target(r["target"], ind, lang, row_rule(r, L, lang)),
                "meets_shown": meets_words(r, L),
            }
        )
    sign = -1 if ind.higher_is_better else 1
    rows.sort(key=lambda r: (r["value"] is None, sign * (r["value"] or 0), r["name"]))
    return {
        "level": compare,
        "period": label,
        "rows": rows,
        "interval": has_interval(ind),
        # the rules of relative targets among the rows, for a heading (the Excel sheet's target column is
        # a number)
        "rules": sorted({row_rule(r, L, lang) for r in rows} - {""}),
        # whether any row has a target to be judged against (the table's "meets" column)
        "judged": any(r["meets_target"] is not None for r in rows),
        "svg": svg_hbars(rows, ind=ind, lang=lang, suppressed_mark=supp) if rows else "",
    }


def svg_hbars(rows: list[dict[str, Any]], *, ind: Indicator, lang: str, suppressed_mark: str) -> str:
    """One horizontal bar per scope, named on the left (names are too long under vertical bars), with its
    95 % interval as a whisker and its target as a tick on the bar's row: targets may differ per scope. The
    scale is round (``nice_scale``), and a bar's value is written after its bar, its whisker and its target's
    tick, so neither line runs through the figure."""
    vals = [v for r in rows for v in (r["value"], r.get("target"), r.get("ci_high")) if v is not None]
    scale = nice_scale(max([*vals, 0.0]), ind.unit)
    top = scale[-1]
    height = ROW_H * len(rows) + 16
    width = NAME_W + BARS_W + 50
    axis = height - 14
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
        f'<line x1="{NAME_W}" x2="{NAME_W}" y1="0" y2="{axis}" stroke="#999"/>',
    ]
    for v in scale:
        x = NAME_W + BARS_W * v / top
        anchor = "start" if v == 0 else "end" if v == top else "middle"
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{axis}" y2="{axis + 2}" stroke="#999"/>'
            f'<text x="{x:.1f}" y="{height - 3}" font-size="7" text-anchor="{anchor}">'
            f"{esc(tick_label(v, scale, ind, lang))}</text>"
        )
    for i, r in enumerate(rows):
        y = i * ROW_H
        name = r["name"] if len(r["name"]) <= 40 else r["name"][:39] + "…"
        parts.append(
            f'<text x="{NAME_W - 4}" y="{y + 10}" font-size="8" text-anchor="end">{esc(name)}</text>'
        )
        if r["value"] is None:
            mark = suppressed_mark if r["suppressed"] else "–"
            parts.append(f'<text x="{NAME_W + 3}" y="{y + 10}" font-size="8" fill="#888">{esc(mark)}</text>')
            continue
        w = BARS_W * min(r["value"], top) / top
        colour = "#b23b3b" if r.get("meets_target") is False else "#2f6f9f"
        whisker, end = _whisker(r, top, y)
        tick = NAME_W + BARS_W * min(r["target"], top) / top if r.get("target") is not None else 0.0
        parts.append(
            f'<rect x="{NAME_W}" y="{y + 2}" width="{w:.1f}" height="{ROW_H - 4}" fill="{colour}"/>{whisker}'
            f'<text x="{max(NAME_W + w, end, tick) + 3:.1f}" y="{y + 10}" font-size="7">'
            f"{esc(fmt_value(r['value'], ind, lang))}</text>"
        )
        if r.get("target") is not None:
            parts.append(f'<line x1="{tick:.1f}" x2="{tick:.1f}" y1="{y}" y2="{y + ROW_H}" stroke="#333"/>')
    parts.append("</svg>")
    return "".join(parts)


def _whisker(r: dict[str, Any], top: float, y: int) -> tuple[str, float]:
    """A row's 95 % interval as a capped line across its bar, and where it ends (the value's label goes
    after it); nothing where the row has no interval."""
    if r.get("ci_low") is None or r.get("ci_high") is None:
        return "", 0.0
    lo, hi, mid = NAME_W + BARS_W * r["ci_low"] / top, NAME_W + BARS_W * r["ci_high"] / top, y + ROW_H / 2
    line = 'stroke="#333" stroke-width="0.8"'
    return (
        f'<line x1="{lo:.1f}" x2="{hi:.1f}" y1="{mid}" y2="{mid}" {line}/>'
        + "".join(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{mid - 3}" y2="{mid + 3}" {line}/>' for x in (lo, hi))
    ), hi
