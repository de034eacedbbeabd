"""The demo region's governance on both databases: the 2021 history as the presentation tells it (long
missed) beside a current period with deadlines both met and missed, with stable ids."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from naravard.actor import system_actor
from naravard.governance import service
from naravard.synth.region_governance import governance_rows


def _rows() -> Any:
    return SimpleNamespace(rows={"users": []})


def test_the_demo_portfolio_shows_what_is_on_time_and_what_is_missed(db: Session) -> None:
    rows = governance_rows(_rows())
    assert governance_rows(_rows())["directives"][0]["id"] == rows["directives"][0]["id"]  # uuid5: stable
    service.seed_rows(db, actor=system_actor(), **rows)
    db.flush()
    p = service.portfolio(db, actor=system_actor(), on=dt.date(2026, 12, 4))
    by_title = {d.title: d for d in p.directives}
    # the presentation's 2021 directives are kept as they were: missed today
    assert by_title["Programdirektiv Vårdform 4: Närvårdscenter"].overdue == [
        "registration_due",
        "review_date",
    ]
    # the revised 2025–27 directives: on time, but for the one not registered by 31 October 2026
    current = [d for d in p.directives if d.title.endswith("2025–2027")]
    assert len(current) == 7 and {d.state for d in current} == {"approved", "under_review"}
    assert [d.title for d in current if d.overdue] == [
        "Programdirektiv Vårdform 5: Specialiserad sjukhusvård 2025–2027"
    ]
    assert any(d.review_date and d.review_date.year == 2027 and not d.overdue for d in current)
    plan = next(pl for pl in p.plans if pl.first_year == 2025)
    assert plan.last_year == 2027 and plan.frozen_decision_id and len(plan.decided) == 4
    on_time = [d for d in p.deadlines if not d.overdue]
    missed = [d for d in p.deadlines if d.overdue]
    assert {d.kind for d in on_time} >= {"directive_review", "action_plan", "action"}
    assert any(d.kind == "action" and d.due.year == 2027 for d in on_time)
    assert any(d.kind == "action" and d.due == dt.date(2026, 11, 30) for d in missed)
    assert any(d.kind == "action" and d.due.year == 2022 for d in missed)  # 2021's plans, as they were
