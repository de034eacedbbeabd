"""The steering-group pack's and the action plan document's rendering, without a database."""

from __future__ import annotations

import datetime as dt
import uuid
from io import BytesIO

from openpyxl import load_workbook

from naravard.governance import document, pack
from naravard.governance.schemas import (
    ActionOut,
    ActionPlanOut,
    Deadline,
    IndicatorFigure,
    Pack,
    Portfolio,
)


def _plan() -> ActionPlanOut:
    fig = IndicatorFigure(
        code="C_OWNDR",
        name="Andel med fast läkare",
        latest=0.42,
        trend="up",
        target=0.6,
        series=[0.3, 0.35, 0.42],
    )
    action = ActionOut(
        id=uuid.uuid4(),
        title="Fast läkarkontakt",
        owner="PO",
        due_date=dt.date(2022, 6, 30),
        status="ongoing",
        light="yellow",
        indicators=["C_OWNDR"],
        version=1,
        figures=[fig],
    )
    return ActionPlanOut(
        id=uuid.uuid4(),
        body_id=uuid.uuid4(),
        title="Handlingsplan <kontinuitet>",
        recipient="Socialstyrelsen",
        deadline=dt.date(2021, 9, 30),
        focus="Kontinuitet",
        owner="PO",
        state="sent",
        version=2,
        actions=[action],
    )


def test_the_action_plan_document_is_swedish_and_escaped() -> None:
    html = document.action_plan_html(_plan(), "Programkontor")
    assert "Till: Socialstyrelsen" in html and "Senast: 2021-09-30" in html
    assert "&lt;kontinuitet&gt;" in html and "<kontinuitet>" not in html
    assert "0,42 (ökar), mål 0,60" in html and "Pågår" in html and "Gult" in html


def test_the_sparkline_draws_the_values_and_the_target() -> None:
    svg = pack.sparkline(_plan().actions[0].figures[0])
    assert svg.startswith("<svg") and "polyline" in svg and "stroke-dasharray" in svg
    assert pack.sparkline(IndicatorFigure(code="X", name="X")) == ""


def test_the_pack_workbook_marks_missed_deadlines() -> None:
    missed = Deadline(
        key="k",
        kind="action_plan",
        title="Handlingsplan",
        body="PO",
        due=dt.date(2021, 9, 30),
        owner="PO",
        owner_user_id=None,
        overdue=True,
        link="/styrning",
    )
    p = Pack(
        created=dt.date(2021, 10, 1),
        since=None,
        portfolio=Portfolio(directives=[], plans=[], action_plans=[], deadlines=[missed]),
        decisions=[],
        action_plans=[_plan()],
    )
    wb = load_workbook(BytesIO(pack.pack_xlsx(p)))
    rows = list(wb["Tidsfrister"].iter_rows(values_only=True))
    assert rows[1][1] == "Handlingsplan" and rows[1][5] == "ja"
    assert wb["Indikatorer"]._charts  # one chart for the action's indicator
    assert "MISSAD" in pack.pack_html(p)
