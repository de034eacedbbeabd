"""The Excel workbook of a steering-group report (openpyxl): per indicator a sheet with the figures as numbers
in the indicator's format, suppressed cells as text, and a bar chart."""

from __future__ import annotations

from io import BytesIO
from typing import Any

# Excel number formats per indicator unit; counts are whole numbers
XLSX_FORMATS = {"share": "0.0%", "index": "0.00", "rate": "0.00", "days": "0.0"}
COUNT_FORMAT = "#,##0"


def xlsx_bytes(sections: list[dict[str, Any]], *, heading: str, legend: str, L: dict[str, str]) -> bytes:
    """The report as an Excel workbook: one sheet per indicator, named by its code."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    wb.remove(wb.active)
    for s in sections:
        ind = s["ind"]
        ws = wb.create_sheet(ind.code[:31])
        ws.append([f"{ind.code} {ind.name_sv} / {ind.name_en}"])
        # C2: the target as a number (a relative one's effective value), D2: a relative target's rule
        ws.append([heading, L["target"], s["target"], *([s["rule"]] if s.get("rule") else [])])
        fmt = XLSX_FORMATS.get(ind.unit, "0.0")
        ws.cell(row=2, column=3).number_format = fmt
        ws.append([L["period"], L["value"], L["numerator"], L["denominator"], L["suppressed"], L["meets"]])
        for r in s["rows"]:
            ws.append(
                [
                    r["period"],
                    r["shown"] if r["suppressed"] or r.get("missing") else r["value"],
                    r["numerator"],
                    r["shown"] if r["suppressed"] else r["denominator"],
                    L["yes"] if r["suppressed"] else L["no"],
                    # an incomplete period is not judged: a few days' figures are not a period's
                    L["partial"] if r.get("partial") else _yes_no(r["meets_target"], L),
                ]
            )
            row = ws.max_row
            ws.cell(row=row, column=2).number_format = fmt
            ws.cell(row=row, column=3).number_format = COUNT_FORMAT
            ws.cell(row=row, column=4).number_format = COUNT_FORMAT
        ws.append([])
        ws.append([legend])
        tx = s["texts"]
        ws.append([f"{L['definition']}: {tx.definition}"])
        ws.append([f"{L['numerator']}: {tx.numerator or '–'}; {L['denominator'].lower()}: {tx.denominator}."])
        ws.column_dimensions["A"].width = 14
        if s["rows"]:
            chart = BarChart()
            chart.title = s["name"]
            last = 3 + len(s["rows"])
            chart.add_data(Reference(ws, min_col=2, min_row=3, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=last))
            chart.y_axis.number_format = fmt
            ws.add_chart(chart, f"{_chart_column(s)}3")
        if s.get("compare"):
            _compare(ws, s, L, fmt)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _yes_no(flag: bool | None, L: dict[str, str]) -> str | None:
    return None if flag is None else L["yes"] if flag else L["no"]


def _chart_column(s: dict[str, Any]) -> str:
    """Where a sheet's charts start: right of its widest table (the comparison's interval columns, H and I,
    and whether a target is missed beyond chance, J, would otherwise sit under the trend chart when the
    trend is short)."""
    return "K" if s.get("compare") and s["compare"]["interval"] else "H"


def _compare(ws: Any, s: dict[str, Any], L: dict[str, str], fmt: str) -> None:
    """The side-by-side scopes below the trend: a heading row, then one row per scope, best first, and a
    bar chart of their values. A share's or rate's 95 % interval is in two columns after the target, so the
    columns before keep their places."""
    from openpyxl.chart import BarChart, Reference

    c = s["compare"]
    ci = ["ci_low", "ci_high"] if c["interval"] else []
    # whether the target is missed (or met) beyond chance, where there is an interval to judge it by
    beyond = [L["beyond"]] if c["interval"] else []
    ws.append([])
    rules = f" · {L['target']}: {'; '.join(c['rules'])}" if c.get("rules") else ""
    ws.append([f"{L['compare']}: {L['level_' + c['level']]}, {c['period']}{rules}"])
    ws.append(
        [
            L["name"],
            L["value"],
            L["numerator"],
            L["denominator"],
            L["suppressed"],
            L["meets"],
            L["target"],
            *(L[k] for k in ci),
            *beyond,
        ]
    )
    head = ws.max_row
    ws.column_dimensions["A"].width = 32
    for r in c["rows"]:
        ws.append(
            [
                r["name"],
                r["shown"] if r["suppressed"] else r["value"],
                r["numerator"],
                r["shown"] if r["suppressed"] else r["denominator"],
                L["yes"] if r["suppressed"] else L["no"],
                _yes_no(r["meets_target"], L),
                r["target"],
                *(r[k] for k in ci),
                *([_yes_no(r.get("beyond_chance"), L)] if beyond else []),
            ]
        )
        row = ws.max_row
        for col, f in ((2, fmt), (3, COUNT_FORMAT), (4, COUNT_FORMAT), (7, fmt), (8, fmt), (9, fmt)):
            ws.cell(row=row, column=col).number_format = f
    if c["rows"]:
        chart = BarChart()
        chart.type = "bar"  # horizontal: the names are long
        chart.title = f"{s['name']} ({c['period']})"
        last = head + len(c["rows"])
        chart.add_data(Reference(ws, min_col=2, min_row=head, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=last))
        chart.y_axis.number_format = fmt
        chart.height = max(7.5, 0.5 * len(c["rows"]))
        ws.add_chart(chart, f"{_chart_column(s)}{head}")
