"""The steering-group pack as a PDF (HTML through WeasyPrint) and an Excel workbook (openpyxl), in Swedish:
the portfolio, deadlines, decisions since the last meeting and each action's indicator chart (a small SVG of
the yearly values)."""

from __future__ import annotations

from html import escape
from io import BytesIO

from naravard.governance.document import LIGHT_SV, STATUS_SV, TREND_SV, _num, to_pdf
from naravard.governance.schemas import DecisionOut, IndicatorFigure, Pack

STATE_SV = {
    "draft": "utkast",
    "approved": "fastställt",
    "under_review": "under revidering",
    "replaced": "ersatt",
    "ready": "klar att skicka",
    "sent": "skickad",
    "closed": "avslutad",
}
KIND_SV = {
    "directive_registration": "registrera direktiv",
    "directive_review": "revidera direktiv",
    "plan": "plan",
    "action_plan": "handlingsplan",
    "action": "åtgärd",
    "directive_approved": "direktiv fastställt",
    "priority_list": "projekt prioriterade",
    "action_plan_sent": "handlingsplan skickad",
    "other": "annat",
}


def sparkline(f: IndicatorFigure, width: int = 160, height: int = 40) -> str:
    """The yearly values as a line, the target as a dashed line; empty without values."""
    values = f.series
    if not values:
        return ""
    top = max([*values, f.target or 0.0]) or 1.0
    step = width / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return height - 4 - (height - 8) * v / top

    points = " ".join(f"{i * step:.1f},{y(v):.1f}" for i, v in enumerate(values))
    target = (
        f'<line x1="0" x2="{width}" y1="{y(f.target):.1f}" y2="{y(f.target):.1f}" stroke="#b00020" '
        'stroke-dasharray="4 3"/>'
        if f.target is not None
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(f.name)}">{target}<polyline fill="none" stroke="#1f5f8b" stroke-width="2" '
        f'points="{points}"/></svg>'
    )


def pack_html(pack: Pack) -> str:
    p = pack.portfolio
    dl = "".join(
        f"<tr><td>{d.due.isoformat()}{' <b>MISSAD</b>' if d.overdue else ''}</td><td>{escape(d.title)}</td>"
        f"<td>{escape(d.body)}</td><td>{escape(KIND_SV.get(d.kind, d.kind))}</td><td>{escape(d.owner)}</td></tr>"
        for d in p.deadlines
    )
    dirs = "".join(
        f"<tr><td>{escape(d.title)}</td><td>{escape(d.external_ref or '')}</td>"
        f"<td>{STATE_SV.get(d.state, d.state)}</td><td>{'MISSAD' if d.overdue else ''}</td></tr>"
        for d in p.directives
    )
    plans = "".join(
        f"<h3>{escape(pl.title)} {pl.first_year}–{pl.last_year}</h3><ol>"
        + "".join(f"<li>{escape(r.title)} ({r.total:.2f})</li>" for r in pl.ranking)
        + "</ol>"
        for pl in p.plans
    )
    decs = "".join(
        f"<tr><td>{d.decided_on.isoformat()}</td><td>{escape(d.body)}</td><td>{escape(KIND_SV.get(d.kind, d.kind))}</td>"
        f"<td>{escape(d.text)}</td></tr>"
        for d in pack.decisions
    )
    aps = []
    for ap in pack.action_plans:
        rows = "".join(
            f"<tr><td>{escape(a.title)}</td><td>{escape(a.owner)}</td><td>{a.due_date.isoformat()}</td>"
            f"<td>{STATUS_SV.get(a.status, a.status)}</td><td>{LIGHT_SV.get(a.light, a.light)}</td><td>"
            + "".join(
                f"<div>{escape(f.name)}: {_num(f.latest)} ({TREND_SV.get(f.trend or '', 'ingen trend')}), "
                f"mål {_num(f.target)}<br>{sparkline(f)}</div>"
                for f in a.figures
            )
            + "</td></tr>"
            for a in ap.actions
        )
        aps.append(
            f"<h3>{escape(ap.title)} – till {escape(ap.recipient)} senast {ap.deadline.isoformat()} "
            f"({STATE_SV.get(ap.state, ap.state)})</h3><table><thead><tr><th>Åtgärd</th><th>Ansvarig</th>"
            f"<th>Klart senast</th><th>Status</th><th>Läge</th><th>Indikatorer</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    since = f"sedan {pack.since.isoformat()}" if pack.since else "alla"
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Styrgruppsunderlag</title>'
        "<style>body{font-family:sans-serif;font-size:10pt}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #999;padding:3px;vertical-align:top;text-align:left}</style></head><body>"
        f"<h1>Underlag till styrgruppen {pack.created.isoformat()}</h1>"
        f"<h2>Tidsfrister</h2><table><thead><tr><th>Datum</th><th>Vad</th><th>Organ</th><th>Slag</th>"
        f"<th>Ansvarig</th></tr></thead><tbody>{dl}</tbody></table>"
        f"<h2>Programdirektiv</h2><table><thead><tr><th>Direktiv</th><th>Diarienummer</th><th>Läge</th>"
        f"<th>Tidsfrist</th></tr></thead><tbody>{dirs}</tbody></table>"
        f"<h2>Planer och prioriterade projekt</h2>{plans}"
        f"<h2>Beslut ({since})</h2><table><thead><tr><th>Datum</th><th>Organ</th><th>Slag</th><th>Beslut</th>"
        f"</tr></thead><tbody>{decs}</tbody></table>"
        f"<h2>Handlingsplaner</h2>{''.join(aps)}</body></html>"
    )


def pack_pdf(pack: Pack) -> bytes:
    return to_pdf(pack_html(pack))


def pack_xlsx(pack: Pack) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    missed = PatternFill("solid", fgColor="FDE7EA")
    ws = wb.active
    assert ws is not None
    ws.title = "Tidsfrister"
    ws.append(["Datum", "Vad", "Organ", "Slag", "Ansvarig", "Missad"])
    for d in pack.portfolio.deadlines:
        ws.append([d.due, d.title, d.body, KIND_SV.get(d.kind, d.kind), d.owner, "ja" if d.overdue else ""])
        if d.overdue:
            for cell in ws[ws.max_row]:
                cell.fill = missed
    ws = wb.create_sheet("Programdirektiv")
    ws.append(["Direktiv", "Diarienummer", "Läge", "Registreras senast", "Revideras senast"])
    for dr in pack.portfolio.directives:
        ws.append(
            [
                dr.title,
                dr.external_ref or "",
                STATE_SV.get(dr.state, dr.state),
                dr.registration_due,
                dr.review_date,
            ]
        )
    ws = wb.create_sheet("Projekt")
    ws.append(["Plan", "Rang", "Projekt", "Poäng"])
    for pl in pack.portfolio.plans:
        for r in pl.ranking:
            ws.append([pl.title, r.rank, r.title, r.total])
    ws = wb.create_sheet("Beslut")
    ws.append(["Datum", "Organ", "Slag", "Beslut"])
    for dc in pack.decisions:
        ws.append([dc.decided_on, dc.body, KIND_SV.get(dc.kind, dc.kind), dc.text])
    ws = wb.create_sheet("Åtgärder")
    ws.append(
        [
            "Handlingsplan",
            "Åtgärd",
            "Ansvarig",
            "Klart senast",
            "Status",
            "Läge",
            "Indikator",
            "Senaste",
            "Mål",
        ]
    )
    charts = wb.create_sheet("Indikatorer")
    row = 1
    for ap in pack.action_plans:
        for a in ap.actions:
            figs: list[IndicatorFigure | None] = [*a.figures] or [None]
            for f in figs:
                ws.append(
                    [
                        ap.title,
                        a.title,
                        a.owner,
                        a.due_date,
                        STATUS_SV.get(a.status, a.status),
                        LIGHT_SV.get(a.light, a.light),
                        f.name if f else "",
                        f.latest if f else None,
                        f.target if f else None,
                    ]
                )
                if f and f.series:
                    charts.cell(row=row, column=1, value=f"{a.title}: {f.name}").font = Font(bold=True)
                    for i, v in enumerate(f.series):
                        charts.cell(row=row + 1, column=i + 1, value=v)
                    chart = LineChart()
                    chart.title = f.name[:60]
                    chart.height, chart.width = 5, 12
                    chart.add_data(
                        Reference(charts, min_col=1, max_col=len(f.series), min_row=row + 1), from_rows=True
                    )
                    charts.add_chart(chart, f"A{row + 2}")
                    row += 14
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def decisions_xlsx(rows: list[DecisionOut]) -> bytes:
    """The decision log as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Beslutslogg"
    ws.append(["Datum", "Organ", "Slag", "Beslut"])
    for d in rows:
        ws.append([d.decided_on, d.body, KIND_SV.get(d.kind, d.kind), d.text])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
