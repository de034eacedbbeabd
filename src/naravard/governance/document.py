"""The action plan as a Swedish document for its national recipient (HTML, and PDF through WeasyPrint)."""

from __future__ import annotations

import datetime as dt
from html import escape
from io import BytesIO

from naravard.errors import Unavailable
from naravard.governance.schemas import ActionPlanOut

STATUS_SV = {"planned": "Planerad", "ongoing": "Pågår", "done": "Klar", "cancelled": "Avbruten"}
LIGHT_SV = {"green": "Grönt", "yellow": "Gult", "red": "Rött"}
TREND_SV = {"up": "ökar", "down": "minskar", "flat": "oförändrad"}


def _num(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}".replace(".", ",")


def action_plan_html(ap: ActionPlanOut, body: str) -> str:
    rows = []
    for a in ap.actions:
        figs = (
            "<br>".join(
                f"{escape(f.name)}: {_num(f.latest)} ({escape(TREND_SV.get(f.trend or '', 'ingen trend'))}), "
                f"mål {_num(f.target)}"
                for f in a.figures
            )
            or "–"
        )
        rows.append(
            f"<tr><td>{escape(a.title)}</td><td>{escape(a.owner)}</td><td>{a.due_date.isoformat()}</td>"
            f"<td>{STATUS_SV.get(a.status, a.status)}</td><td>{LIGHT_SV.get(a.light, a.light)}</td><td>{figs}</td></tr>"
        )
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Handlingsplan</title>'
        "<style>body{font-family:sans-serif;font-size:11pt}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #999;padding:4px;vertical-align:top;text-align:left}</style></head><body>"
        f"<h1>{escape(ap.title)}</h1>"
        f"<p>Till: {escape(ap.recipient)}<br>Senast: {ap.deadline.isoformat()}<br>Avsändare: {escape(body)}</p>"
        f"<h2>Fokus</h2><p>{escape(ap.focus)}</p>"
        "<h2>Åtgärder</h2><table><thead><tr><th>Åtgärd</th><th>Ansvarig</th><th>Klart senast</th><th>Status</th>"
        f"<th>Läge</th><th>Indikatorer (senaste värde, trend, mål)</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p>Upprättad {dt.date.today().isoformat()} i naravard.</p></body></html>"
    )


def to_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML  # slow to import; only documents need it
    except (ImportError, OSError) as exc:
        raise Unavailable("PDF documents need WeasyPrint and the Pango libraries") from exc
    buf = BytesIO()
    HTML(string=html).write_pdf(buf)
    return buf.getvalue()
