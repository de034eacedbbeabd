"""The foundation's authorization matrix extended to the fixed-contact routes that read or write a patient, on
both databases: every role x {assign a fast läkarkontakt, end it, read the history, the patient's own page}.

Every request answers the expected status and writes exactly one audit row (allowed or denied), by the
caller, with the request's id. The patient is listed at the health centre; the clinician and one manager
work there, another manager at another health centre of the same region, the municipal nurse at the home
health care (no care relationship with the patient)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.contacts import service
from naravard.contacts.schemas import AssignRequest
from tests import factories
from tests.integration.contacts.helpers import Env, env

CALLERS = [
    "clinician",
    "manager",
    "other_manager",
    "municipal_staff",
    "analyst",
    "administrator",
    "log_reviewer",
    "patient",
    "other_patient",
]
ROUTES = ["assign", "end", "history", "mine"]

# The status each caller gets on each route; anything not listed is 403.
ALLOWED = {
    ("manager", "assign"): 201,
    ("manager", "end"): 200,
    ("clinician", "history"): 200,
    ("manager", "history"): 200,
    ("patient", "history"): 200,  # the patient's own history (policy: self)
    ("patient", "mine"): 200,
    ("other_patient", "mine"): 200,  # their own page: nothing of the patient's
}
ACTIONS = {
    "assign": "contacts:fixed_contact:assign",
    "end": "contacts:fixed_contact:end",
    "history": "contacts:fixed_contact:read",
    "mine": "contacts:mine:read",
}


@dataclass
class World:
    e: Env
    patient: uuid.UUID
    contact: service.FixedContactOut  # the patient's fast läkarkontakt, for "end"
    callers: dict[str, factories.LoggedIn]


def build(db: Session) -> World:
    e = env(db, patients=3)
    patient, other = e.patients[0].id, e.patients[1].id
    contact = service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=AssignRequest(
            person_id=patient, kind="doctor", practitioner_id=e.doctors[0].id, reason="need"
        ),
    )
    admin = factories.unit(db, e.region, name="HS-förvaltningen", kind="administration")
    callers = {
        "clinician": factories.user(db, role=Role.CLINICIAN, at=e.hc),
        "manager": e.manager,
        "other_manager": e.other_manager,
        "municipal_staff": factories.user(db, role=Role.MUNICIPAL_STAFF, at=e.home_care),
        "analyst": factories.user(db, role=Role.ANALYST, at=admin),
        "administrator": factories.user(db, role=Role.ADMINISTRATOR, at=admin),
        "log_reviewer": factories.user(db, role=Role.LOG_REVIEWER, at=admin),
        "patient": factories.user(db, role=Role.PATIENT, at=None, person_id=patient),
        "other_patient": factories.user(db, role=Role.PATIENT, at=None, person_id=other),
    }
    db.commit()
    return World(e, patient, contact, callers)


def call(client: TestClient, w: World, route: str, login: factories.LoggedIn) -> Response:
    h = login.headers
    if route == "assign":  # the third patient, without a fixed doctor
        body = {
            "person_id": str(w.e.patients[2].id),
            "kind": "doctor",
            "practitioner_id": str(w.e.doctors[1].id),
            "reason": "patient_request",
        }
        return client.post("/api/contacts/fixed", json=body, headers=h)
    if route == "end":
        body = {"reason": "patient_request", "version": w.contact.version}
        return client.post(f"/api/contacts/fixed/{w.contact.id}/end", json=body, headers=h)
    if route == "history":
        return client.get(f"/api/contacts/persons/{w.patient}", headers=h)
    return client.get("/api/contacts/mine", headers=h)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("caller", CALLERS)
def test_contacts_matrix(client: TestClient, db: Session, caller: str, route: str) -> None:
    w = build(db)
    login = w.callers[caller]
    before = db.scalar(select(func.max(AuditEvent.seq))) or 0
    response = call(client, w, route, login)
    new = list(db.scalars(select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)))
    assert len(new) == 1, ("exactly one audit row per request", [(r.action, r.outcome) for r in new])
    [row] = new
    assert row.action == ACTIONS[route]
    assert row.username == login.user.username and row.role == login.actor.role.value
    assert row.request_id == response.headers["X-Request-Id"]
    status = ALLOWED.get((caller, route), 403)
    assert response.status_code == status, response.text
    if status == 403:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert row.outcome == "denied" and row.reason
        return
    assert row.outcome == "allowed"
    body = response.json()
    if route == "assign":
        assert row.patient_id == w.e.patients[2].id and body["practitioner_id"] == str(w.e.doctors[1].id)
    elif route == "end":
        assert row.patient_id == w.patient and body["valid_to"] is not None
    elif route == "history":
        assert row.patient_id == w.patient and [c["id"] for c in body] == [str(w.contact.id)]
    elif caller == "patient":
        assert row.patient_id == w.patient and body["doctor"]["id"] == str(w.contact.id)
    else:  # another patient's own page shows nothing of the patient's
        assert row.patient_id == w.e.patients[1].id
        assert body["doctor"] is None and body["history"] == []
