"""Consent is the patient's act (issue 22): self-granted consent opened any patient; now only the patient,
or staff of a unit with a care relationship, may record one; consent never opens another unit of an
organisation that holds the patient; staff-recorded consents are flagged for the log reviewer and the
patient sees and withdraws every consent. Each case runs on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.consent.models import Consent
from tests import factories as f

STAFF = [Role.CLINICIAN, Role.MUNICIPAL_STAFF, Role.UNIT_MANAGER]
VERBAL = {"method": "verbal", "given_by": "patient"}


def _rows(db: Session, patient_id: uuid.UUID, action: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.patient_id == patient_id, AuditEvent.action == action)
    return list(db.scalars(stmt.order_by(AuditEvent.seq)))


def _consents(db: Session, patient_id: uuid.UUID) -> int:
    return db.scalar(select(func.count()).select_from(Consent).where(Consent.person_id == patient_id)) or 0


@pytest.mark.parametrize("role", STAFF, ids=[r.value for r in STAFF])
def test_self_granted_consent_no_longer_opens_a_patient_of_another_unit(
    client: TestClient, db: Session, role: Role
) -> None:
    """The reported hole: 403, POST consents {} 201, then 200 with access_basis consent."""
    kind = "home_health_care" if role is Role.MUNICIPAL_STAFF else "health_centre"
    org = f.organization(
        db, name="Region Gävleborg", kind="municipality" if kind != "health_centre" else "region"
    )
    mine, other = f.unit(db, org, name="Min enhet", kind=kind), f.unit(db, org, name="Annan enhet", kind=kind)
    patient = f.person(db, listed_at=other if other.accepts_listing else None)
    if not other.accepts_listing:
        f.relationship(db, patient, other)
    staff = f.user(db, role=role, at=mine)
    db.commit()
    url = f"/api/patients/{patient.id}"
    assert client.get(url, headers=staff.headers).status_code == 403
    for body in ({}, VERBAL, {**VERBAL, "organization_id": str(org.id)}):
        refused = client.post(f"{url}/consents", json=body, headers=staff.headers)
        assert refused.status_code == 403, refused.text
        assert "care relationship" in refused.json()["detail"]
    assert _consents(db, patient.id) == 0
    denied = _rows(db, patient.id, "consent:consent:record")
    assert [r.outcome for r in denied] == ["denied"] * 3
    assert {r.reason for r in denied} == {"consent_needs_care_relationship"}
    again = client.get(url, headers=staff.headers)
    assert again.status_code == 403


def test_consent_does_not_open_another_unit_of_an_organisation_that_holds_the_patient(
    client: TestClient, db: Session
) -> None:
    region = f.organization(db, name="Region Gävleborg")
    mine, other = f.unit(db, region, name="Strand hälsocentral"), f.unit(db, region, name="Andersberg")
    patient = f.person(db, listed_at=other)
    f.consent(db, patient, region)  # even a genuine consent for the region
    doctor = f.user(db, role=Role.CLINICIAN, at=mine)
    db.commit()
    refused = client.get(f"/api/patients/{patient.id}", headers=doctor.headers)
    assert refused.status_code == 403
    assert (
        _rows(db, patient.id, "patient:overview:read")[-1].reason
        == "same_organisation_needs_care_relationship"
    )
    # A name search agrees with opening: the patient is not listed.
    hits = client.get("/api/patients", params={"q": patient.family_name}, headers=doctor.headers).json()
    assert str(patient.id) not in {h["id"] for h in hits}


def test_staff_with_a_care_relationship_record_how_and_by_whom_and_the_reviewer_sees_it(
    client: TestClient, db: Session
) -> None:
    municipality = f.organization(db, name="Gävle kommun", kind="municipality")
    region = f.organization(db, name="Region Gävleborg")
    home = f.unit(db, municipality, name="Hemsjukvård Gävle", kind="home_health_care")
    health_centre = f.unit(db, region, name="Strand hälsocentral")
    patient = f.person(db, listed_at=health_centre)
    f.relationship(db, patient, home)
    nurse = f.user(db, role=Role.MUNICIPAL_STAFF, at=home)
    reviewer = f.user(db, role=Role.LOG_REVIEWER, at=home)
    person_login = f.user(db, role=Role.PATIENT, at=None, person_id=patient.id)
    db.commit()
    url = f"/api/patients/{patient.id}/consents"
    missing = client.post(url, json={}, headers=nurse.headers)
    assert missing.status_code == 422 and "verbal or written" in missing.json()["detail"]
    no_giver = client.post(url, json={"method": "written"}, headers=nurse.headers)
    assert no_giver.status_code == 422 and no_giver.json()["field"] == "given_by"
    other_org = client.post(url, json={**VERBAL, "organization_id": str(region.id)}, headers=nurse.headers)
    assert other_org.status_code == 422
    created = client.post(url, json={"method": "written", "given_by": "guardian"}, headers=nurse.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["organization_id"] == str(municipality.id) and body["flagged"] and body["active"]
    assert (body["method"], body["given_by"], body["recorded_by_unit"]) == ("written", "guardian", home.name)
    row = _rows(db, patient.id, "consent:consent:record")[-1]
    assert row.outcome == "allowed" and row.username == nurse.user.username

    flagged = client.get("/api/consents/flagged", headers=reviewer.headers)
    assert flagged.status_code == 200 and body["id"] in {c["id"] for c in flagged.json()}
    assert client.get("/api/consents/flagged", headers=nurse.headers).status_code == 403
    reviewed = client.post(
        f"/api/consents/{body['id']}/review", json={"note": "Kontrollerat"}, headers=reviewer.headers
    )
    assert reviewed.status_code == 200 and reviewed.json()["reviewed_by"] == reviewer.user.username
    assert body["id"] not in {
        c["id"] for c in client.get("/api/consents/flagged", headers=reviewer.headers).json()
    }
    assert (
        client.post(f"/api/consents/{body['id']}/review", json={}, headers=reviewer.headers).status_code
        == 409
    )

    # The patient sees it, with who recorded it, and withdraws it.
    own = client.get(url, headers=person_login.headers)
    assert own.status_code == 200
    [seen] = own.json()
    assert seen["recorded_by"] == nurse.user.username and seen["organization_name"] == "Gävle kommun"
    withdrawn = client.post(f"{url}/{body['id']}/withdraw", headers=person_login.headers)
    assert withdrawn.status_code == 200 and not withdrawn.json()["active"]
    assert client.post(f"{url}/{body['id']}/withdraw", headers=person_login.headers).status_code == 409
    assert [r.outcome for r in _rows(db, patient.id, "consent:consent:withdraw")] == ["allowed"]


def test_the_patient_gives_consent_through_their_own_login(client: TestClient, db: Session) -> None:
    """Consent for another organisation opens reading there (cross-provider), not writing."""
    region = f.organization(db, name="Region Gävleborg")
    private = f.organization(db, name="Privat Vård AB", kind="private_provider")
    listed = f.unit(db, private, name="Privat hälsocentral")
    hospital = f.unit(db, region, name="Medicinklinik Gävle", kind="clinic")
    patient, someone_else = f.person(db, listed_at=listed), f.person(db, listed_at=listed)
    me = f.user(db, role=Role.PATIENT, at=None, person_id=patient.id)
    doctor = f.user(db, role=Role.CLINICIAN, at=hospital)
    db.commit()
    assert client.get(f"/api/patients/{patient.id}", headers=doctor.headers).status_code == 403
    need_org = client.post(f"/api/patients/{patient.id}/consents", json={}, headers=me.headers)
    assert need_org.status_code == 422
    not_mine = client.post(
        f"/api/patients/{someone_else.id}/consents",
        json={"organization_id": str(region.id)},
        headers=me.headers,
    )
    assert not_mine.status_code == 403 and _consents(db, someone_else.id) == 0
    given = client.post(
        f"/api/patients/{patient.id}/consents", json={"organization_id": str(region.id)}, headers=me.headers
    )
    assert given.status_code == 201, given.text
    assert (given.json()["method"], given.json()["given_by"], given.json()["flagged"]) == (
        "self_service",
        "patient",
        False,
    )
    read = client.get(f"/api/patients/{patient.id}", headers=doctor.headers)
    assert read.status_code == 200 and read.json()["access_basis"] == "consent"
    write = client.patch(f"/api/patients/{patient.id}", json={"phone": "070-1"}, headers=doctor.headers)
    assert write.status_code == 403
    unknown = client.post(
        f"/api/patients/{patient.id}/consents",
        json={"organization_id": str(uuid.uuid4())},
        headers=me.headers,
    )
    assert unknown.status_code == 404


# --- the authorization matrix, extended by recording consent --------------------------------------------

RELATIONS = [
    "own_unit",
    "same_org_other_unit",
    "other_org",
    "blocked",
    "protected_identity",
    "self",
    "other_person",
]
ROLES = [
    Role.CLINICIAN,
    Role.UNIT_MANAGER,
    Role.MUNICIPAL_STAFF,
    Role.ANALYST,
    Role.ADMINISTRATOR,
    Role.LOG_REVIEWER,
    Role.PATIENT,
]


def may_record(role: Role, relation: str) -> bool:
    if role is Role.PATIENT:
        return relation == "self"
    return role in STAFF and relation == "own_unit"


@dataclass
class World:
    login: f.LoggedIn
    patient_id: uuid.UUID
    org_id: uuid.UUID


def build(db: Session, role: Role, relation: str) -> World:
    region = f.organization(db, name="Region Gävleborg")
    municipality = f.organization(db, name="Gävle kommun", kind="municipality")
    private = f.organization(db, name="Privat Vård AB", kind="private_provider")
    own_org = municipality if role is Role.MUNICIPAL_STAFF else region
    if role is Role.MUNICIPAL_STAFF:
        home = f.unit(db, municipality, name="Hemsjukvård Gävle", kind="home_health_care")
        sibling = f.unit(db, municipality, name="Socialtjänst Gävle", kind="social_services")
    else:
        home = f.unit(db, region, name="Strand hälsocentral")
        sibling = f.unit(db, region, name="Andersberg hälsocentral")
    elsewhere = f.unit(db, private, name="Privat hälsocentral")
    if relation == "own_unit":
        patient = f.person(db, listed_at=home if home.accepts_listing else elsewhere)
        if not home.accepts_listing:
            f.relationship(db, patient, home)
    elif relation == "same_org_other_unit":
        patient = f.person(db, listed_at=sibling if sibling.accepts_listing else elsewhere)
        if not sibling.accepts_listing:
            f.relationship(db, patient, sibling)
    elif relation == "blocked":
        patient = f.person(db, listed_at=elsewhere)
        f.block(db, patient, own_org)
    else:
        patient = f.person(db, listed_at=elsewhere, protected=relation == "protected_identity")
    if role is Role.PATIENT:
        own = patient if relation == "self" else f.person(db, listed_at=elsewhere)
        login = f.user(db, role=role, at=None, person_id=own.id)
    else:
        login = f.user(db, role=role, at=home)
    db.commit()
    return World(login, patient.id, own_org.id)


# "self" and "other_person" are relations of the patient role only: staff have no own person.
CASES = [
    (role, relation)
    for role in ROLES
    for relation in RELATIONS
    if role is Role.PATIENT or relation not in ("self", "other_person")
]


@pytest.mark.parametrize(("role", "relation"), CASES, ids=[f"{r.value}-{rel}" for r, rel in CASES])
def test_consent_matrix(client: TestClient, db: Session, role: Role, relation: str) -> None:
    world = build(db, role, relation)
    before = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    body = {"organization_id": str(world.org_id)} if role is Role.PATIENT else VERBAL
    response = client.post(
        f"/api/patients/{world.patient_id}/consents", json=body, headers=world.login.headers
    )
    after = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    assert after - before == 1, "exactly one audit row per request"
    [row] = _rows(db, world.patient_id, "consent:consent:record")
    assert row.username == world.login.user.username and row.request_id == response.headers["X-Request-Id"]
    if may_record(role, relation):
        assert response.status_code == 201, response.text
        assert row.outcome == "allowed" and _consents(db, world.patient_id) == 1
    else:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert row.outcome == "denied" and row.reason and _consents(db, world.patient_id) == 0
