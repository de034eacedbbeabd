"""The patient's plan as a PDF to print: HTML from a template, printed by WeasyPrint (as the follow-up's
report, `followup/reports/pdf.py`)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from jinja2 import Environment, PackageLoader, select_autoescape

from naravard.careplans.schemas import PlanOut
from naravard.errors import Unavailable
from naravard.web.i18n import translate


def plan_html(plan: PlanOut, lang: str) -> str:
    env = Environment(loader=PackageLoader("naravard.careplans", "templates"), autoescape=select_autoescape())
    return env.get_template("careplans/print.html").render(
        plan=plan, t=lambda text: translate(text, lang), lang=lang, created=dt.date.today().isoformat()
    )


def plan_pdf(plan: PlanOut, lang: str) -> bytes:
    html = plan_html(plan, lang)
    try:
        from weasyprint import HTML  # slow to import; only the print needs it
    except (ImportError, OSError) as exc:
        raise Unavailable("printing the plan needs WeasyPrint and the Pango libraries") from exc
    buf = BytesIO()
    HTML(string=html).write_pdf(buf)
    return buf.getvalue()
