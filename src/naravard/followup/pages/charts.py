"""Targets in words and the Plotly charts of the follow-up pages, in the page's language (numbers and dates
are written by ``formats``, shared with the reports), kept apart from the request handlers in ``web``."""

from __future__ import annotations

import json
from html import escape, unescape
from typing import Any

import plotly.graph_objects as go

from naravard.followup.indicators import INDICATORS, strata
from naravard.followup.indicators.base import Indicator
from naravard.followup.indicators.intervals import has_interval
from naravard.followup.pages.formats import DECIMAL, fmt_count, fmt_interval, fmt_value
from naravard.followup.results.targets import change_words

STRATUM_NAMES = {"F": "Women", "M": "Men"}  # age bands are shown as they are, with "years"
MISS, MEETS, NEUTRAL = "#a4262c", "#00605f", "#7a8693"
STRATUM_COLORS = ("#00605f", "#5c4a9e", "#b05f00", "#2f6eb5", "#7a8693")


def target_rule(p: dict[str, Any], t: Any, lang: str) -> str:
    """A relative target's rule in words, ``+20 % mot 2024``; "" for an absolute target or none."""
    factor, baseline = p.get("target_factor"), p.get("target_baseline")
    if factor is None or baseline is None:
        return ""
    change = change_words(factor, DECIMAL[lang])
    return str(t("%(change)s vs %(baseline)s") % {"change": change, "baseline": baseline})


def fmt_target(p: dict[str, Any], ind: Indicator, t: Any, lang: str) -> str:
    """A row's target as the pages show it: its value, and a relative target's rule after it, ``0,62 (+20 %
    mot 2024)`` ("–" for the value when the baseline has none); "" without a target."""
    rule = target_rule(p, t, lang)
    if p.get("target") is None:
        return f"– ({rule})" if rule else ""
    shown = fmt_value(p["target"], ind, lang)
    return f"{shown} ({rule})" if rule else shown


def fmt_change(p: dict[str, Any], lang: str) -> str:
    """Under a relative target, the value's change since the baseline as the rule writes a change
    (``−1,7 %``), so the two read side by side; "" otherwise."""
    change = p.get("change_since_baseline")
    return "" if change is None else change_words(1 + change, DECIMAL[lang])


def _hover_value(ind: Indicator, lang: str) -> str:
    """The Plotly hover format of a value, as precise as the tables."""
    if ind.unit == "share":
        return "%{y:.1%}"
    if ind.unit == "days":
        return f"%{{y:.{0 if ind.quantile is not None else 1}f}} {'dagar' if lang == 'sv' else 'days'}"
    return "%{y:.2f}"


def _hover_counts(ind: Indicator, t: Any) -> str:
    """The hover lines under the value: numerator / denominator, or only the count of a quantile, and the
    95 % interval where the indicator has one (``customdata`` is ``_customdata``'s)."""
    if ind.quantile is not None:
        return f"{t('Denominator')}: %{{customdata[1]}}"
    counts = f"{t('Numerator')} / {t('denominator')}: %{{customdata[0]}} / %{{customdata[1]}}"
    return counts + (f"<br>{t('95 % CI')}: %{{customdata[2]}}" if has_interval(ind) else "")


def _customdata(points: list[dict[str, Any]], ind: Indicator, lang: str) -> list[list[str]]:
    """Per point the numerator, the denominator and the interval as the tables show them."""
    return [
        [
            fmt_count(p["numerator"], lang),
            fmt_count(p["denominator"], lang),
            _interval(p, ind, lang),
        ]
        for p in points
    ]


def _interval(p: dict[str, Any], ind: Indicator, lang: str) -> str:
    """A point's interval as shown (points built without one, e.g. in tests, show "–")."""
    return fmt_interval(p.get("ci_low"), p.get("ci_high"), ind, lang)


def _error_bars(points: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Plotly's ``error_y`` drawing each point's 95 % interval (distances below and above its value, none
    where it has no interval); None when no point has one."""
    has = [p.get("ci_low") is not None and p["value"] is not None for p in points]
    if not any(has):
        return None
    return {
        "type": "data",
        "symmetric": False,
        "array": [p["ci_high"] - p["value"] if h else None for p, h in zip(points, has, strict=True)],
        "arrayminus": [p["value"] - p["ci_low"] if h else None for p, h in zip(points, has, strict=True)],
        "color": "#3b4450",
        "thickness": 1.2,
        "width": 4,
    }


def _axis(fig: go.Figure, unit: str, axis: str = "yaxis") -> None:
    fig.update_layout(**{axis: {"tickformat": ".0%" if unit == "share" else None, "rangemode": "tozero"}})


def _html(fig: go.Figure, div_id: str, lang: str) -> str:
    fig.update_layout(
        height=320,
        # the legend sits above the plot: below it, rotated category ticks ran into it
        margin={"l": 50, "r": 20, "t": 30, "b": 10},
        template="plotly_white",
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        # decimal and thousands separators: "1 234,5" in Swedish, "1,234.5" in English
        separators=", " if lang == "sv" else ".,",
    )
    fig.update_xaxes(automargin=True)
    # width 100 %: the card decides; a fixed width would overflow the dashboard grid. No inline script (the
    # Content-Security-Policy refuses it): the figure travels in data attributes, /static/charts.js draws it.
    config = json.dumps({"displaylogo": False, "responsive": True})
    return (
        f'<div id="{escape(div_id)}" class="plotly-graph-div js-plotly-chart" style="height:320px; width:100%;"'
        f' data-figure="{escape(fig.to_json())}" data-config="{escape(config)}"></div>'
    )


def figure_of(html: str, div_id: str) -> dict[str, Any]:
    """The figure (``data``, ``layout``) a chart of `_html` carries, for tests and tools that read a page."""
    tag = html[html.index(f'id="{div_id}"') :].split(">", 1)[0]
    figure: dict[str, Any] = json.loads(unescape(tag.split('data-figure="', 1)[1].split('"', 1)[0]))
    return figure


def _marker_colors(points: list[dict[str, Any]]) -> list[str]:
    return [NEUTRAL if p["meets_target"] is None else MEETS if p["meets_target"] else MISS for p in points]


def _marker_symbols(points: list[dict[str, Any]]) -> list[str]:
    """A ring where a period misses its target only within the margin of error, a filled dot elsewhere: the
    chart tells a miss chance may explain from one it does not, as the table says in words."""
    near = [p["meets_target"] is False and p.get("beyond_chance") is False for p in points]
    return ["circle-open" if n else "circle" for n in near]


def stratum_name(stratum: str, t: Any, stratum_type: str = "age_band", lang: str = "sv") -> str:
    if stratum_type not in ("age_band", "sex"):  # a breakdown (A3 by profession, ...) in words
        return strata.stratum_name(stratum_type, stratum, lang)
    if stratum in STRATUM_NAMES:
        return str(t(STRATUM_NAMES[stratum]))
    return f"{stratum} {t('years')}"


def _stratum_of(p: dict[str, Any]) -> str:
    return str(p.get("stratum", "all"))


def trend_chart(
    code: str,
    points: list[dict[str, Any]],
    t: Any,
    lang: str,
    stratum_type: str = "age_band",
    *,
    periods: list[str] | None = None,
    partial: str | None = None,
) -> str:
    """One line per stratum ('all' unless the page asks for age bands, sex or a breakdown); each marker is
    coloured by whether that period meets its target, so misses stand out in the chart as well as in the
    heading, and on a single line a miss within the margin of error is a ring rather than a dot.

    ``periods`` is the time axis (``headline.time_axis``): a period without a row keeps its place and the
    line breaks there rather than joining its neighbours over it. ``partial`` is the incomplete last period:
    its points are left off the lines and drawn apart, as grey rings named for it, not judged by colour."""
    ind = INDICATORS[code]
    x = (
        periods
        or [p["period"] for p in points if _stratum_of(p) == "all"]
        or sorted({p["period"] for p in points})
    )
    hover = f"%{{x}}: {_hover_value(ind, lang)}<br>{_hover_counts(ind, t)}<extra>%{{fullData.name}}</extra>"
    strata = sorted({_stratum_of(p) for p in points})
    single = strata == ["all"]
    fig = go.Figure()
    for i, stratum in enumerate(strata):
        by_period = {p["period"]: p for p in points if _stratum_of(p) == stratum}
        # the line's points: every period of the axis, none where there is no row or the period is partial
        own = [by_period[k] if k in by_period and k != partial else _blank(k) for k in x]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[p["value"] for p in own],
                mode="lines+markers",
                name=t("Result") if single else stratum_name(stratum, t, stratum_type, lang),
                line={"color": MEETS if single else STRATUM_COLORS[i % len(STRATUM_COLORS)]},
                marker=(
                    {"color": _marker_colors(own), "symbol": _marker_symbols(own), "size": 7}
                    if single
                    # a stratum keeps its colour; a miss gets a red ring
                    else {
                        "size": 7,
                        "line": {
                            "width": 2,
                            "color": [MISS if p["meets_target"] is False else "white" for p in own],
                        },
                    }
                ),
                customdata=_customdata(own, ind, lang),
                hovertemplate=hover,
                # the interval as error bars on a single line; on several lines they would hide each other
                error_y=_error_bars(own) if single else None,
            )
        )
    _partial_trace(fig, points, partial, strata, ind, t, lang, stratum_type)
    _target_lines(fig, x, points, strata, ind, t, lang, stratum_type)
    fig.update_layout(xaxis={"type": "category", "tickangle": -45, "nticks": 12, "categoryarray": x})
    _axis(fig, ind.unit)
    return _html(fig, f"chart-{code}", lang)


def _blank(period: str) -> dict[str, Any]:
    """A period of the axis without a point on the line: a gap."""
    return {
        "period": period,
        "value": None,
        "numerator": None,
        "denominator": None,
        "suppressed": False,
        "meets_target": None,
    }


def _partial_trace(
    fig: go.Figure,
    points: list[dict[str, Any]],
    partial: str | None,
    strata: list[str],
    ind: Indicator,
    t: Any,
    lang: str,
    stratum_type: str,
) -> None:
    """The incomplete period's values, apart from the lines: grey rings, not coloured by the target (a few
    days' figures are not a period's), named "Ofullständig period" in the legend and the hover."""
    shown = [p for p in points if p["period"] == partial and p["value"] is not None]
    if not shown:
        return
    single = strata == ["all"]
    names = [t("Result") if single else stratum_name(_stratum_of(p), t, stratum_type, lang) for p in shown]
    fig.add_trace(
        go.Scatter(
            x=[p["period"] for p in shown],
            y=[p["value"] for p in shown],
            mode="markers",
            name=t("Incomplete period"),
            marker={"color": NEUTRAL, "symbol": "circle-open", "size": 9, "line": {"width": 2}},
            customdata=[[*c, n] for c, n in zip(_customdata(shown, ind, lang), names, strict=True)],
            hovertemplate=f"%{{x}} ({t('Incomplete period').lower()}), %{{customdata[3]}}: "
            f"{_hover_value(ind, lang)}<br>{_hover_counts(ind, t)}<extra></extra>",
            error_y=_error_bars(shown) if single else None,
        )
    )


def _target_lines(
    fig: go.Figure,
    x: list[str],
    points: list[dict[str, Any]],
    strata: list[str],
    ind: Indicator,
    t: Any,
    lang: str,
    stratum_type: str,
) -> None:
    """The target as a dashed line over the periods (its value per period: a relative target's effective
    value, named with its rule). One line while every stratum has the same target; a relative target gives
    each stratum its own (its own baseline), so then one line per stratum in the stratum's colour."""
    by_stratum: dict[str, dict[str, float]] = {}
    for p in points:
        if p["target"] is not None:
            by_stratum.setdefault(p.get("stratum", "all"), {})[p["period"]] = p["target"]
    if not by_stratum:
        return
    merged: dict[str, float] = {}
    for targets in by_stratum.values():
        merged.update(targets)
    same = all(merged[k] == v for targets in by_stratum.values() for k, v in targets.items())
    rules = {target_rule(p, t, lang) for p in points} - {""}
    rule = f" ({rules.pop()})" if len(rules) == 1 else ""
    lines = (
        [(t("Target") + rule, MISS, merged)]
        if same
        else [
            (
                f"{t('Target')}{rule}: {stratum_name(s, t, stratum_type, lang)}",
                STRATUM_COLORS[strata.index(s) % len(STRATUM_COLORS)],
                by_stratum[s],
            )
            for s in strata
            if s in by_stratum
        ]
    )
    for name, colour, targets in lines:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[targets.get(p) for p in x],
                mode="lines",
                name=name,
                line={"color": colour, "dash": "dash"},
                # a target is a level, not a measurement: it runs on over a period without data
                connectgaps=True,
                hovertemplate=f"%{{x}}: {_hover_value(ind, lang)}<extra>%{{fullData.name}}</extra>",
            )
        )


def bar_chart(rows: list[dict[str, Any]], ind: Indicator, div_id: str, t: Any, lang: str) -> str:
    shown = [r for r in rows if not r["suppressed"] and r["value"] is not None]
    colors = [NEUTRAL if r["meets_target"] is None else MEETS if r["meets_target"] else MISS for r in shown]
    fig = go.Figure(
        go.Bar(
            x=[r["name"] for r in shown],
            y=[r["value"] for r in shown],
            marker_color=colors,
            name=t("Result"),
            error_y=_error_bars(shown),
            customdata=_customdata(shown, ind, lang),
            hovertemplate=f"%{{x}}: {_hover_value(ind, lang)}<br>{_hover_counts(ind, t)}<extra></extra>",
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
                hovertemplate=f"%{{x}}: {_hover_value(ind, lang)}<extra>%{{fullData.name}}</extra>",
            )
        )
    fig.update_layout(xaxis={"type": "category", "tickangle": -35}, showlegend=False)
    _axis(fig, ind.unit)
    return _html(fig, div_id, lang)


def target_words(p: dict[str, Any], t: Any) -> str:
    """Whether a result meets its target, in words, adding "within the margin of error" where its 95 %
    interval reaches the target (``beyond_chance`` false): a small unit's miss may be chance alone."""
    if p["meets_target"] is None:
        return ""
    words = t("target met") if p["meets_target"] else t("target not met")
    return f"{words} ({t('within the margin of error')})" if p.get("beyond_chance") is False else words


def trend_table(
    code: str,
    points: list[dict[str, Any]],
    t: Any,
    lang: str,
    stratum_type: str = "age_band",
    *,
    periods: list[str] | None = None,
    partial: str | None = None,
    partial_note: str = "",
) -> dict[str, Any]:
    """The chart's figures as a table, the text alternative a screen reader or a printout needs (WCAG 2.1
    1.1.1; the Swedish public sector's DOS-lagen requires level AA): one row per period and stratum, its
    95 % interval where the indicator has one, the target and whether it is met in words, not only as a
    marker's colour (1.4.1).

    As on the chart, every period of the axis ``periods`` has its row ("saknas" where there is none), and
    the incomplete period ``partial`` is not judged: its last cell says it is incomplete (``partial_note``)."""
    ind = INDICATORS[code]
    split = any(_stratum_of(p) != "all" for p in points)
    strata = sorted({_stratum_of(p) for p in points})
    by_key = {(p["period"], _stratum_of(p)): p for p in points}
    axis = periods or list(dict.fromkeys(p["period"] for p in points))
    rows = []
    for period in axis:
        for stratum in strata:
            p = by_key.get((period, stratum))
            name = stratum_name(stratum, t, stratum_type, lang) if split else None
            if p is None:  # no row at all: no case in the scope, or a family that leaves the period out
                blank = dict.fromkeys(("interval", "numerator", "denominator", "target", "meets"), "")
                rows.append(
                    {
                        **blank,
                        "period": period,
                        "stratum": name,
                        "value": t("no data"),
                        "miss": False,
                        "partial": False,
                        "missing": True,
                    }
                )
                continue
            incomplete = period == partial
            rows.append(
                {
                    "period": period,
                    "stratum": name,
                    "value": t("suppressed") if p["suppressed"] else fmt_value(p["value"], ind, lang),
                    "interval": "" if p["suppressed"] else _interval(p, ind, lang),
                    "numerator": "" if p["suppressed"] else fmt_count(p["numerator"], lang),
                    "denominator": "" if p["suppressed"] else fmt_count(p["denominator"], lang),
                    "target": fmt_target(p, ind, t, lang),
                    "meets": partial_note if incomplete else "" if p["suppressed"] else target_words(p, t),
                    "miss": p["meets_target"] is False and not p["suppressed"] and not incomplete,
                    "partial": incomplete,
                    "missing": False,
                }
            )
    return {"split": split, "quantile": ind.quantile is not None, "interval": has_interval(ind), "rows": rows}
