"""Every role x every relation to the patient x {read overview, read access log, write} on the patient routes.

Allowed cases write exactly one audit row for the patient (outcome allowed); refused cases answer 403
and write exactly one refusal row. The world is built relative to the actor's own unit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.patients.identity import format_identifier
from naravard.patients.models import Person
from tests import factories as f

SCENARIOS = [
    "own_unit",
    "same_org_other_unit",
    "other_org_consent",
    "other_org_no_consent",
    "blocked",
    "protected_identity",
]
ROLES = [
    Role.CLINICIAN,
    Role.UNIT_MANAGER,
    Role.MUNICIPAL_STAFF,
    Role.ANALYST,
    Role.ADMINISTRATOR,
    Role.LOG_REVIEWER,
]

CARE_EXPECTED = {
    ("own_unit", "read"): True,
    ("own_unit", "write"): True,
    ("same_org_other_unit", "read"): False,
    ("same_org_other_unit", "write"): False,
    ("other_org_consent", "read"): True,
    ("other_org_consent", "write"): False,
    ("other_org_no_consent", "read"): False,
    ("other_org_no_consent", "write"): False,
    ("blocked", "read"): False,
    ("blocked", "write"): False,
    ("protected_identity", "read"): False,
    ("protected_identity", "write"): False,
}


def expected(role: Role, scenario: str, access: str) -> bool:
    if role in (Role.CLINICIAN, Role.UNIT_MANAGER, Role.MUNICIPAL_STAFF):
        return CARE_EXPECTED[(scenario, "read" if access == "read_access_log" else access)]
    return False


@dataclass
class World:
    login: f.LoggedIn
    patient_id: uuid.UUID


def build(db: Session, role: Role, scenario: str) -> World:
    region = f.organization(db, name="Region Gävleborg")
    municipality = f.organization(db, name="Gävle kommun", kind="municipality")
    private = f.organization(db, name="Privat Vård AB", kind="private_provider")
    if role is Role.MUNICIPAL_STAFF:
        home = f.unit(db, municipality, name="Hemsjukvård Gävle", kind="home_health_care")
        sibling = f.unit(db, municipality, name="Socialtjänst Gävle", kind="social_services")
        own_org = municipality
    elif role in (Role.CLINICIAN, Role.UNIT_MANAGER):
        home = f.unit(db, region, name="Strand hälsocentral")
        sibling = f.unit(db, region, name="Andersberg hälsocentral")
        own_org = region
    else:
        home = f.unit(db, region, name="HS-förvaltningen", kind="administration")
        sibling = f.unit(db, region, name="Strand hälsocentral")
        own_org = region
    elsewhere = f.unit(db, private, name="Privat hälsocentral")
    login = f.user(db, role=role, at=home)

    if scenario == "own_unit":
        patient = f.person(db, listed_at=home if home.accepts_listing else elsewhere)
        if not home.accepts_listing:
            f.relationship(db, patient, home)
    elif scenario == "same_org_other_unit":
        patient = f.person(db, listed_at=sibling if sibling.accepts_listing else elsewhere)
        if not sibling.accepts_listing:
            f.relationship(db, patient, sibling)
    elif scenario == "other_org_consent":
        patient = f.person(db, listed_at=elsewhere)
        f.consent(db, patient, own_org)
    elif scenario == "other_org_no_consent":
        patient = f.person(db, listed_at=elsewhere)
    elif scenario == "blocked":
        patient = f.person(db, listed_at=elsewhere)
        f.consent(db, patient, own_org)
        f.block(db, patient, own_org)
    else:  # protected identity: consent would open it if it were not protected
        patient = f.person(db, listed_at=elsewhere, protected=True)
        f.consent(db, patient, own_org)
    db.commit()
    return World(login, patient.id)


def audit_rows(db: Session, patient_id: uuid.UUID) -> list[AuditEvent]:
    return list(
        db.scalars(select(AuditEvent).where(AuditEvent.patient_id == patient_id).order_by(AuditEvent.seq))
    )


@pytest.mark.parametrize("access", ["read", "read_access_log", "write"])
@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_matrix(client: TestClient, db: Session, role: Role, scenario: str, access: str) -> None:
    world = build(db, role, scenario)
    before = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    url = f"/api/patients/{world.patient_id}"
    if access == "read":
        response = client.get(url, headers=world.login.headers)
        action = "patient:overview:read"
    elif access == "read_access_log":
        response = client.get(f"{url}/access-log", headers=world.login.headers)
        action = "patient:access-log:read"
    else:
        response = client.patch(url, json={"phone": "070-123 45 67"}, headers=world.login.headers)
        action = "patient:contact:update"
    rows = audit_rows(db, world.patient_id)
    after = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    assert after - before == 1, "exactly one audit row per request"
    assert len(rows) == 1
    row = rows[0]
    assert row.action == action
    assert row.username == world.login.user.username
    assert row.role == role.value
    assert row.unit_id == world.login.actor.unit_id
    assert row.request_id == response.headers["X-Request-Id"]
    if expected(role, scenario, access):
        assert response.status_code == 200, response.text
        assert row.outcome == "allowed"
        body = response.json()
        if access == "read_access_log":
            assert isinstance(body, list)
            return
        assert body["id"] == str(world.patient_id)
        if access == "write":
            assert body["phone"] == "070-123 45 67"
    else:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"]
        assert row.outcome == "denied"
        assert row.reason


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_lookup_matrix(client: TestClient, db: Session, role: Role, scenario: str) -> None:
    """An identity lookup by personnummer: care roles find the person (so emergency access can be asked
    for) with exactly what opening would show, a blocked or protected patient without details; other roles
    are refused. One audit row per lookup either way."""
    world = build(db, role, scenario)
    person = db.get(Person, world.patient_id)
    assert person is not None
    before = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    response = client.get(
        "/api/patients", params={"q": format_identifier(person.identifier)}, headers=world.login.headers
    )
    new = list(db.scalars(select(AuditEvent).where(AuditEvent.seq > before)))
    assert len(new) == 1 and new[0].action == "patient:search"
    assert new[0].request_id == response.headers["X-Request-Id"]
    if role not in (Role.CLINICIAN, Role.UNIT_MANAGER, Role.MUNICIPAL_STAFF):
        assert response.status_code == 403 and new[0].outcome == "denied"
        return
    assert response.status_code == 200, response.text
    [hit] = response.json()
    readable = expected(role, scenario, "read")
    assert hit["accessible"] is readable
    assert hit["blocked"] is (scenario == "blocked")
    hidden = scenario in ("blocked", "protected_identity") and not readable
    assert (hit["birth_date"] is None) is hidden and (hit["listed_unit"] is None) is hidden
    assert (person.family_name in hit["name"]) is not hidden
    assert new[0].patient_id == world.patient_id
    assert new[0].outcome == ("denied" if scenario == "blocked" else "allowed")
