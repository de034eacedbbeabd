"""Deadline reminders through the notifications outbox, on both databases: owners of deadlines within N days
(and missed ones) are notified once per deadline and day; the command runs it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard.actor import system_actor
from naravard.errors import Forbidden
from naravard.governance import service
from naravard.governance.schemas import ActionIn, ActionPlanIn
from naravard.notifications.models import Notification
from tests.api.governance_env import gov_env


def test_remind_is_idempotent_per_deadline_and_day(db: Session) -> None:
    e = gov_env(db)
    sys = system_actor()
    owner = e.officer.user.id
    ap = service.create_action_plan(
        db,
        actor=sys,
        data=ActionPlanIn(
            body_id=e.body.id,
            title="Handlingsplan",
            recipient="Socialstyrelsen",
            deadline=dt.date(2021, 9, 30),
            owner="PO",
            owner_user_id=owner,
        ),
    )
    service.add_action(
        db,
        actor=sys,
        action_plan_id=ap.id,
        data=ActionIn(title="Långt fram", owner="PO", owner_user_id=owner, due_date=dt.date(2021, 12, 1)),
    )
    on = dt.date(2021, 9, 20)
    assert service.remind(db, actor=sys, within_days=14, on=on) == 1  # the plan, not the action in December
    assert service.remind(db, actor=sys, within_days=14, on=on) == 0
    assert service.remind(db, actor=sys, within_days=14, on=on + dt.timedelta(days=1)) == 1
    rows = db.scalars(select(Notification).where(Notification.to_user_id == owner)).all()
    assert len(rows) == 2 and all(r.link and r.link.startswith("/styrning/") for r in rows)
    assert (
        db.scalar(
            select(func.count()).select_from(Notification).where(Notification.kind == "governance_deadline")
        )
        == 2
    )
    with pytest.raises(Forbidden):
        service.remind(db, actor=e.analyst.actor, within_days=14, on=on)
