"""A task made from a care plan activity links to it, and the plan's coordinator follows its status (issue 16,
gap 2: `careplans.service.activity_ref`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from naravard.careplans import service as careplans_service
from naravard.careplans.schemas import CreatePlan
from naravard.coordination import service
from naravard.coordination.schemas import TaskChange, TaskIn
from tests.integration.careplans.helpers import content, plan_env


def test_a_task_from_a_plan_activity_links_to_it_and_its_coordinator_sees_the_status(db: Session) -> None:
    e = plan_env(db)
    plan = careplans_service.create_plan(
        db,
        actor=e.coordinator.actor,
        request=CreatePlan.model_validate({"person_id": e.patient.id, "content": content(e)}),
    )
    activity = plan.content.activities[1]
    task = service.create_task(
        db,
        actor=e.coordinator.actor,
        data=TaskIn(
            person_id=e.patient.id,
            to_unit_id=e.home_care.id,
            what="Såromläggning",
            why="Enligt vårdplanen",
            due_date=date.today() + timedelta(days=2),
            activity_id=activity.id,
        ),
    )
    assert (task.careplan_id, task.activity_id) == (plan.id, activity.id)
    service.change_task(
        db, actor=e.municipal.actor, task_id=task.id, change=TaskChange(to="accepted"), base_version=1
    )
    items = service.worklist(db, actor=e.coordinator.actor).items
    assert [(i.id, i.status) for i in items] == [(task.id, "accepted")]
