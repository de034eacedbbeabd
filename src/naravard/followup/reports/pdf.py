"""The PDF of a steering-group report: HTML from a Jinja template, bar charts as inline SVG (WeasyPrint draws
no JavaScript), printed by WeasyPrint."""

from __future__ import annotations

import datetime as dt
import math
from io import BytesIO
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from naravard.errors import Unavailable
from naravard.followup.indicators.base import Indicator
from naravard.followup.pages.formats import fmt_value, number
from naravard.followup.reports.text import esc

BAR_W, BAR_H = 560, 160
LEFT, RIGHT, TOP = 44, 8, 16  # room for the scale's labels, the last period's label and the legend
FONT = 8
CHAR_W = 0.62  # a DejaVu Sans character's width in ems (digits 0.64, "-" 0.36): wide enough to be safe


def text_width(text: str, size: float = FONT) -> float:
    """How wide ``text`` is drawn at ``size`` (an estimate on the safe side: WeasyPrint lays out no SVG
    text for us to measure), to keep a label inside the drawing and clear of the lines."""
    return len(text) * size * CHAR_W


def nice_scale(peak: float, unit: str, ticks: int = 4) -> list[float]:
    """The scale of an axis reaching ``peak``: round values from 0 in steps of 1, 2, 2.5 or 5 times a power
    of ten, about ``ticks`` of them, its last (the axis' top) at or above ``peak``; a share's ends at 100 %
    at most, as a share cannot be more. ``[0, 0.1, 0.2, 0.3, 0.4, 0.5]`` for a share peaking at 48,9 %."""
    peak = peak if peak > 0 else 1.0  # nothing to show but zeros: a scale of 0 to 1
    raw = peak / ticks
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))
    n = math.ceil(peak / step * (1 - 1e-9))
    if unit == "share":
        n = min(n, math.ceil(1 / step - 1e-9))
    return [round(i * step, 12) for i in range(n + 1)]


def tick_label(v: float, scale: list[float], ind: Indicator, lang: str) -> str:
    """A scale value as round as its step: ``50 %``, ``2,5 %``, ``0,25``, ``30`` (no unit but per cent)."""
    k = 100 if ind.unit == "share" else 1
    step = (scale[1] - scale[0]) * k if len(scale) > 1 else 1
    decimals = next((d for d in range(4) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 3)
    return number(v * k, decimals, lang) + (" %" if ind.unit == "share" else "")


def _x_labels(centres: list[float], labels: list[str]) -> list[tuple[float, str]]:
    """Which periods are named under the bars, and where: as many as fit without touching, the last always
    (the latest period is the one read first), each centred on its bar but kept inside the drawing."""
    if not labels:
        return []
    width = max(text_width(x) for x in labels) + 6
    step = centres[1] - centres[0] if len(centres) > 1 else width
    stride = max(1, math.ceil(width / step))
    last = len(labels) - 1
    chosen = [i for i in range(0, last + 1, stride) if last - i >= stride or i == last]
    if last not in chosen:
        chosen.append(last)
    out = []
    for i in chosen:
        half = text_width(labels[i]) / 2
        out.append((min(max(centres[i], half + 1), BAR_W - half - 1), labels[i]))
    return out


def svg_bars(
    rows: list[dict[str, Any]],
    target: float | None,
    *,
    ind: Indicator,
    lang: str,
    suppressed_mark: str = "–",
    target_label: str = "",
    target_rule: str = "",
    partial_label: str = "",
) -> str:
    """A small bar chart as SVG markup: one bar per period, a round scale with its grid, a dashed line at the
    target named in a legend above the plot (a relative target's ``target_rule`` in its label), and
    ``suppressed_mark`` where a cell is suppressed ("–" where it has no value). A row marked ``partial`` (the
    incomplete last period) is a pale bar, named ``partial_label`` in the legend, not judged by colour.
    Nothing is written where a line runs: the scale left of the plot, the periods under it, the legend above
    it, so no line crosses a label and the last period's label is not cut at the drawing's edge."""
    vals = [r["value"] for r in rows if r["value"] is not None]
    scale = nice_scale(max([*vals, target or 0.0]), ind.unit)
    top = scale[-1]
    n = max(len(rows), 1)
    plot_w = BAR_W - LEFT - RIGHT
    step = plot_w / n
    bottom = TOP + BAR_H

    def y(v: float) -> float:
        return bottom - BAR_H * min(v, top) / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BAR_W}" height="{bottom + 16}" '
        f'viewBox="0 0 {BAR_W} {bottom + 16}" role="img">'
    ]
    for v in scale:
        parts.append(
            f'<line x1="{LEFT - 2}" x2="{BAR_W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="{"#999" if v == 0 else "#e2e2e2"}" stroke-width="0.6"/>'
            f'<text x="{LEFT - 5}" y="{y(v) + 3:.1f}" font-size="{FONT}" text-anchor="end">'
            f"{esc(tick_label(v, scale, ind, lang))}</text>"
        )
    parts.append(f'<line x1="{LEFT - 2}" x2="{LEFT - 2}" y1="{TOP}" y2="{bottom}" stroke="#999"/>')
    target_y = y(target) if target is not None else None
    centres = []
    for i, r in enumerate(rows):
        x = LEFT + i * step + step * 0.15
        centres.append(LEFT + (i + 0.5) * step)
        if r["value"] is None:
            mark = suppressed_mark if r.get("suppressed") else "" if r.get("missing") else "–"
            # above the target's line where it would run through the mark
            my = bottom - 4 if target_y is None or not bottom - 14 < target_y < bottom + 1 else target_y - 4
            parts.append(f'<text x="{x:.1f}" y="{my:.1f}" font-size="{FONT}" fill="#888">{esc(mark)}</text>')
        else:
            h = bottom - y(r["value"])
            colour = (
                "#c9d3dc" if r.get("partial") else "#b23b3b" if r.get("meets_target") is False else "#2f6f9f"
            )
            parts.append(
                f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
    for x, label in _x_labels(centres, [str(r["period"]) for r in rows]):
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 12}" font-size="{FONT}" text-anchor="middle">{esc(label)}</text>'
        )
    legend_x: float = LEFT
    if target_y is not None:
        parts.append(
            f'<line x1="{LEFT - 2}" x2="{BAR_W - RIGHT}" y1="{target_y:.1f}" y2="{target_y:.1f}" stroke="#333" '
            f'stroke-dasharray="4 3"/>'
        )
        label = f"{target_label} {fmt_value(target, ind, lang)}".strip() + (
            f" ({target_rule})" if target_rule else ""
        )
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 14}" y1="6" y2="6" stroke="#333" stroke-dasharray="4 3"/>'
            f'<text x="{legend_x + 18}" y="9" font-size="{FONT}">{esc(label)}</text>'
        )
        legend_x += 18 + text_width(label) + 12
    if partial_label and any(r.get("partial") and r["value"] is not None for r in rows):
        parts.append(
            f'<rect x="{legend_x:.1f}" y="2" width="10" height="8" fill="#c9d3dc"/>'
            f'<text x="{legend_x + 14:.1f}" y="9" font-size="{FONT}">{esc(partial_label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def pdf_bytes(
    sections: list[dict[str, Any]], *, heading: str, legend: str, L: dict[str, str], lang: str
) -> bytes:
    """The report as PDF bytes."""
    env = Environment(loader=PackageLoader("naravard.followup", "templates"), autoescape=select_autoescape())
    html = env.get_template("followup/report.html").render(
        sections=sections,
        L=L,
        lang=lang,
        heading=heading,
        legend=legend,
        created=dt.date.today().isoformat(),
    )
    try:
        from weasyprint import HTML  # slow to import; only reports need it
    except (ImportError, OSError) as exc:  # the package, or the Pango libraries it loads, are missing
        raise Unavailable(
            "PDF reports need WeasyPrint and the Pango libraries (apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0); the Excel report works without them"
        ) from exc

    buf = BytesIO()
    HTML(string=html).write_pdf(buf)
    return buf.getvalue()
