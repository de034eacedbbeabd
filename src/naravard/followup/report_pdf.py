"""The PDF of a steering-group report: HTML from a Jinja template, bar charts as inline SVG (WeasyPrint draws
no JavaScript), printed by WeasyPrint."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from naravard.errors import Unavailable
from naravard.followup.formats import fmt_value
from naravard.followup.indicators.base import Indicator
from naravard.followup.report_text import esc

BAR_W, BAR_H = 560, 160


def svg_bars(
    rows: list[dict[str, Any]],
    target: float | None,
    *,
    ind: Indicator,
    lang: str,
    suppressed_mark: str = "–",
    target_label: str = "",
    target_rule: str = "",
) -> str:
    """A small bar chart as SVG markup: one bar per period, a scale (0 and the top), a dashed labelled line
    at the target (a relative target's ``target_rule`` in its label), and ``suppressed_mark`` where a cell
    is suppressed ("–" where it has no value). A share's scale ends at 100 % at most: a share cannot be more."""
    vals = [r["value"] for r in rows if r["value"] is not None]
    top = max([*vals, target or 0.0, 1e-9]) * 1.1
    if ind.unit == "share":
        top = min(top, 1.0)
    n = max(len(rows), 1)
    left = 40
    step = (BAR_W - left) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BAR_W}" height="{BAR_H + 30}" '
        f'viewBox="0 0 {BAR_W} {BAR_H + 30}" role="img">',
        f'<line x1="{left - 2}" x2="{left - 2}" y1="0" y2="{BAR_H}" stroke="#999"/>',
        f'<line x1="{left - 2}" x2="{BAR_W}" y1="{BAR_H}" y2="{BAR_H}" stroke="#999"/>',
        f'<text x="{left - 5}" y="9" font-size="8" text-anchor="end">{esc(fmt_value(top, ind, lang))}</text>',
        f'<text x="{left - 5}" y="{BAR_H}" font-size="8" text-anchor="end">0</text>',
    ]
    for i, r in enumerate(rows):
        x = left + i * step + step * 0.15
        if r["value"] is None:
            mark = suppressed_mark if r.get("suppressed") else "" if r.get("missing") else "–"
            parts.append(f'<text x="{x:.1f}" y="{BAR_H - 4}" font-size="8" fill="#888">{esc(mark)}</text>')
        else:
            h = BAR_H * r["value"] / top
            colour = "#b23b3b" if r.get("meets_target") is False else "#2f6f9f"
            parts.append(
                f'<rect x="{x:.1f}" y="{BAR_H - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
        if n <= 12 or i % max(1, -(-n // 8)) == 0:
            parts.append(f'<text x="{x:.1f}" y="{BAR_H + 14}" font-size="8">{esc(str(r["period"]))}</text>')
    if target is not None:
        y = BAR_H - BAR_H * target / top
        parts.append(
            f'<line x1="{left - 2}" x2="{BAR_W}" y1="{y:.1f}" y2="{y:.1f}" stroke="#333" '
            f'stroke-dasharray="4 3"/>'
        )
        label = f"{target_label} {fmt_value(target, ind, lang)}".strip() + (
            f" ({target_rule})" if target_rule else ""
        )
        parts.append(
            f'<text x="{BAR_W - 2}" y="{max(y - 3, 8):.1f}" font-size="8" text-anchor="end">{esc(label)}</text>'
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
