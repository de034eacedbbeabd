"""The authorization matrix extended to coordination (issue 16), on both databases: every role x {send a task,
read it, accept it, the worklist, register an admission, read the discharge plan, the municipality's
acceptance}. Each request answers the expected status and leaves its audit row (allowed or denied) by the
caller under the route's action.

The patient is listed at the hälsocentral, which has sent a task to the patient's municipality's home health
care; the hospital has registered the patient's admission (so the notice gave the municipality its care
relationship). Another municipality's home health care and the patient's municipality's social services are
no party to either."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.coordination import service
from naravard.coordination.schemas import AdmissionIn, TaskIn
from tests import factories
from tests.integration.coordination.helpers import World as Env
from tests.integration.coordination.helpers import world

CALLERS = [
    "hospital_nurse",
    "hc_nurse",
    "municipal",
    "other_municipal",
    "social_worker",
    "analyst",
    "administrator",
    "log_reviewer",
    "patient",
]
ROUTES = ["create_task", "read_task", "accept_task", "worklist", "admit", "read_discharge", "accept_notice"]
ALLOWED = {
    ("hospital_nurse", "create_task"): 201,
    ("hc_nurse", "create_task"): 201,
    ("municipal", "create_task"): 201,
    ("hc_nurse", "read_task"): 200,
    ("municipal", "read_task"): 200,
    ("municipal", "accept_task"): 200,
    ("hc_nurse", "accept_task"): 409,  # the sender sees the task but does not answer it
    ("hospital_nurse", "worklist"): 200,
    ("hc_nurse", "worklist"): 200,
    ("municipal", "worklist"): 200,
    ("other_municipal", "worklist"): 200,
    ("social_worker", "worklist"): 200,
    ("hospital_nurse", "admit"): 201,
    ("hc_nurse", "admit"): 422,  # admissions are a hospital unit's
    ("municipal", "admit"): 422,
    ("other_municipal", "admit"): 422,
    ("social_worker", "admit"): 422,
    ("hospital_nurse", "read_discharge"): 200,
    ("hc_nurse", "read_discharge"): 200,
    ("municipal", "read_discharge"): 200,
    ("municipal", "accept_notice"): 200,
    ("hospital_nurse", "accept_notice"): 409,  # not the hospital's step
    ("hc_nurse", "accept_notice"): 409,
}
ACTIONS = {
    "create_task": "coordination:task:create",
    "read_task": "coordination:task:read",
    "accept_task": "coordination:task:change",
    "worklist": "coordination:worklist:read",
    "admit": "coordination:discharge:admit",
    "read_discharge": "coordination:discharge:read",
    "accept_notice": "coordination:discharge:change",
}


@dataclass
class World:
    e: Env
    task_id: uuid.UUID
    discharge_id: uuid.UUID
    mobile_team: uuid.UUID
    callers: dict[str, factories.LoggedIn]


def build(db: Session) -> World:
    e = world(db)
    task = service.create_task(
        db,
        actor=e.hc_nurse.actor,
        data=TaskIn(
            person_id=e.patient.id,
            to_unit_id=e.home_care.id,
            what="Såromläggning",
            why="Efter operation",
            due_date=date.today() + timedelta(days=2),
        ),
    )
    discharge, _ = service.admit(
        db,
        actor=e.nurse.actor,
        data=AdmissionIn(person_id=e.patient.id, admitted_at=datetime.now(UTC) - timedelta(hours=3)),
    )
    team = factories.unit(db, e.region, name="Mobilt team Test", kind="mobile_team", municipality_code=e.code)
    admin = factories.unit(
        db, e.region, name="HS-förvaltningen", kind="administration", municipality_code=e.code
    )
    callers = {
        "hospital_nurse": e.nurse,
        "hc_nurse": e.hc_nurse,
        "municipal": e.municipal,
        "other_municipal": e.other_municipal,
        "social_worker": e.social_worker,
        "analyst": factories.user(db, role=Role.ANALYST, at=admin),
        "administrator": factories.user(db, role=Role.ADMINISTRATOR, at=admin),
        "log_reviewer": factories.user(db, role=Role.LOG_REVIEWER, at=admin),
        "patient": factories.user(db, role=Role.PATIENT, at=None, person_id=e.patient.id),
    }
    db.commit()
    return World(e, task.id, discharge.id, team.id, callers)


def call(client: TestClient, w: World, route: str, login: factories.LoggedIn) -> Response:
    h = login.headers
    if route == "create_task":
        body = {
            "person_id": str(w.e.patient.id),
            "to_unit_id": str(w.mobile_team),
            "what": "Hembesök",
            "why": "Uppföljning",
            "due_date": (date.today() + timedelta(days=1)).isoformat(),
        }
        return client.post("/api/coordination/tasks", json=body, headers=h)
    if route == "read_task":
        return client.get(f"/api/coordination/tasks/{w.task_id}", headers=h)
    if route == "accept_task":
        return client.post(
            f"/api/coordination/tasks/{w.task_id}/status",
            json={"to": "accepted"},
            headers={**h, "If-Match": '"1"'},
        )
    if route == "worklist":
        return client.get("/api/coordination/worklist", headers=h)
    if route == "admit":
        body = {
            "person_id": str(w.e.patient.id),
            "admitted_at": datetime.now(UTC).isoformat(),
            "sender": "x",
            "message_id": "m1",
        }
        return client.post("/api/coordination/admissions", json=body, headers=h)
    if route == "read_discharge":
        return client.get(f"/api/coordination/discharges/{w.discharge_id}", headers=h)
    return client.post(
        f"/api/coordination/discharges/{w.discharge_id}/steps",
        json={"step": "accept", "text": "Hemsjukvård"},
        headers={**h, "If-Match": '"1"'},
    )


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("caller", CALLERS)
def test_coordination_matrix(client: TestClient, db: Session, caller: str, route: str) -> None:
    w = build(db)
    login = w.callers[caller]
    before = db.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0
    response = call(client, w, route, login)
    status = ALLOWED.get((caller, route), 403)
    assert response.status_code == status, response.text
    db.expire_all()
    rows = list(
        db.scalars(select(AuditEvent).where(AuditEvent.seq > before, AuditEvent.action == ACTIONS[route]))
    )
    if status == 403:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [(r.outcome, r.username) for r in rows] == [("denied", login.user.username)]
        assert rows[0].request_id == response.headers["X-Request-Id"]
    elif status < 300:
        assert [(r.outcome, r.username) for r in rows] == [("allowed", login.user.username)]
        assert rows[0].request_id == response.headers["X-Request-Id"]
