"""Steering-group reports from a results dataset: a PDF (HTML/Jinja rendered by WeasyPrint, bar charts drawn
as inline SVG) or an Excel workbook (openpyxl, one sheet with the figures and a bar chart per indicator)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from naravard.errors import Invalid
from naravard.followup.indicators import INDICATORS
from naravard.followup.service import query_results

BAR_W, BAR_H = 560, 160


def svg_bars(rows: list[dict[str, Any]], target: float | None) -> str:
    """A small bar chart as SVG markup: one bar per period, a dashed line at the target."""
    vals = [r["value"] for r in rows if r["value"] is not None]
    top = max([*vals, target or 0.0, 1e-9]) * 1.1
    n = max(len(rows), 1)
    step = BAR_W / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BAR_W}" height="{BAR_H + 30}" '
        f'viewBox="0 0 {BAR_W} {BAR_H + 30}" role="img">'
    ]
    for i, r in enumerate(rows):
        x = i * step + step * 0.15
        if r["value"] is None:
            parts.append(f'<text x="{x:.1f}" y="{BAR_H - 4}" font-size="9" fill="#888">–</text>')
        else:
            h = BAR_H * r["value"] / top
            colour = "#b23b3b" if r.get("meets_target") is False else "#2f6f9f"
            parts.append(
                f'<rect x="{x:.1f}" y="{BAR_H - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
        if n <= 12 or i % max(1, -(-n // 8)) == 0:
            parts.append(f'<text x="{x:.1f}" y="{BAR_H + 14}" font-size="8">{r["period"]}</text>')
    if target is not None:
        y = BAR_H - BAR_H * target / top
        parts.append(
            f'<line x1="0" x2="{BAR_W}" y1="{y:.1f}" y2="{y:.1f}" stroke="#333" stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return (
        f"{value * 100:.1f} %"
        if unit == "share"
        else f"{value:.2f}"
        if unit in ("index", "rate")
        else f"{value:.1f}"
    )


def collect(
    results_dir: Path, indicators: list[str], period: str, scope_type: str, scope_id: str | None
) -> list[dict[str, Any]]:
    sections = []
    for code in indicators:
        if code not in INDICATORS:
            raise Invalid(f"unknown indicator {code!r}", field="indicators")
        rows = query_results(results_dir, code, period, scope_type, scope_id)
        ind = INDICATORS[code]
        target = next((r["target"] for r in rows if r["target"] is not None), None)
        for r in rows:
            r["shown"] = _fmt(r["value"], ind.unit)
        sections.append(
            {
                "ind": ind,
                "rows": rows,
                "target": target,
                "svg": svg_bars(rows, target),
                "target_shown": _fmt(target, ind.unit) if target is not None else "–",
            }
        )
    return sections


def write_report(
    *,
    results_dir: Path,
    indicators: list[str],
    period: str,
    scope_type: str,
    scope_id: str | None,
    fmt: str,
    out: Path,
) -> Path:
    sections = collect(results_dir, indicators, period, scope_type, scope_id)
    if fmt == "pdf":
        env = Environment(
            loader=PackageLoader("naravard.followup", "templates"), autoescape=select_autoescape()
        )
        html = env.get_template("followup/report.html").render(
            sections=sections,
            period=period,
            scope_type=scope_type,
            scope_id=scope_id or "all",
            created=dt.date.today().isoformat(),
        )
        from weasyprint import HTML

        HTML(string=html).write_pdf(out)
    elif fmt == "xlsx":
        _xlsx(sections, out, f"{scope_type} {scope_id or 'all'}, per {period}")
    else:
        raise Invalid(f"unknown format {fmt!r}; choose pdf or xlsx", field="format")
    return out


def _xlsx(sections: list[dict[str, Any]], out: Path, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    wb.remove(wb.active)
    for s in sections:
        ind = s["ind"]
        ws = wb.create_sheet(ind.code[:31])
        ws.append([f"{ind.code} {ind.name_sv} / {ind.name_en}"])
        ws.append([title, "target", s["target"]])
        ws.append(["period", "value", "numerator", "denominator", "suppressed", "meets target"])
        for r in s["rows"]:
            ws.append(
                [
                    r["period"],
                    r["value"],
                    r["numerator"],
                    r["denominator"],
                    r["suppressed"],
                    r["meets_target"],
                ]
            )
        if s["rows"]:
            chart = BarChart()
            chart.title = ind.name_en
            last = 3 + len(s["rows"])
            chart.add_data(Reference(ws, min_col=2, min_row=3, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=last))
            ws.add_chart(chart, "H3")
    wb.save(out)
