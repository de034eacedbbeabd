"""The authorization matrix extended to care plans, on both databases: reading a plan over HTTP as a
participant or not, with consent or not, after withdrawal, under a block, for a protected identity and with
emergency access. Every request writes exactly one audit row for the plan read, by the caller: allowed
(or emergency) when it was let through, denied with the reason when it was refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.careplans import service
from naravard.careplans.schemas import CreatePlan
from naravard.consent import service as consent_service
from naravard.db import utcnow
from tests import factories
from tests.integration.careplans.helpers import PlanEnv, content, plan_env, sip_section


@dataclass(frozen=True)
class Case:
    status: int
    outcome: str  # allowed | emergency | denied
    reason: str


def _plan(db: Session, e: PlanEnv, *, municipality: bool = True, sip: bool = False) -> str:
    body = content(e, with_municipality=municipality)
    if sip:
        body["sip"] = sip_section(e)
    request = CreatePlan.model_validate(
        {"person_id": e.patient.id, "kind": "sip" if sip else "patientkontrakt", "content": body}
    )
    return str(service.create_plan(db, actor=e.coordinator.actor, request=request).id)


def coordinator(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    return e.coordinator, _plan(db, e)


def participant_with_consent(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    return e.municipal, _plan(db, e)


def sip_participant_with_consent(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    return e.municipal, _plan(db, e, sip=True)


def not_participant_with_consent(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    return e.municipal, _plan(db, e, municipality=False)


def stranger_without_consent(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    """Another municipality: neither a participant nor consented to (a plan cannot name it: 422)."""
    plan = _plan(db, e)
    other = factories.organization(db, name="Annanby kommun", kind="municipality")
    unit = factories.unit(db, other, name="Annanby hemtjänst", kind="home_health_care")
    return factories.user(db, role=Role.MUNICIPAL_STAFF, at=unit), plan


def participant_consent_withdrawn(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    plan = _plan(db, e)
    from naravard.consent.models import Consent

    for c in db.scalars(select(Consent).where(Consent.person_id == e.patient.id)):
        c.withdrawn_at = utcnow()
    db.flush()
    return e.municipal, plan


def participant_blocked(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    plan = _plan(db, e)
    factories.block(db, e.patient, e.municipality)
    return e.municipal, plan


def participant_protected_identity(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    plan = _plan(db, e)
    e.patient.protected_identity = True
    db.flush()
    return e.municipal, plan


def same_region_other_unit(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    return factories.user(db, role=Role.CLINICIAN, at=e.other_hc), _plan(db, e)


def emergency_access(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    plan = _plan(db, e)
    hospital_org = factories.organization(db, name="Annan region")
    hospital = factories.unit(db, hospital_org, name="Akutmottagningen", kind="emergency")
    doctor = factories.user(db, role=Role.CLINICIAN, at=hospital)
    consent_service.open_emergency_access(
        db, actor=doctor.actor, person_id=e.patient.id, protected_identity=False, reason="medvetslös patient"
    )
    return doctor, plan


def the_patient(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    return e.patient_user, _plan(db, e)


def another_patient(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    other = factories.person(db, listed_at=e.hc)
    return factories.user(db, role=Role.PATIENT, at=None, person_id=other.id), _plan(db, e)


def analyst(db: Session, e: PlanEnv) -> tuple[factories.LoggedIn, str]:
    admin = factories.unit(db, e.region, name="HS-förvaltningen", kind="administration")
    return factories.user(db, role=Role.ANALYST, at=admin), _plan(db, e)


MATRIX: dict[Callable[[Session, PlanEnv], tuple[factories.LoggedIn, str]], Case] = {
    coordinator: Case(200, "allowed", "care_relationship"),
    participant_with_consent: Case(200, "allowed", "consent"),
    sip_participant_with_consent: Case(200, "allowed", "consent"),
    not_participant_with_consent: Case(403, "denied", "not_a_plan_participant"),
    stranger_without_consent: Case(403, "denied", "no_care_relationship_or_consent"),
    participant_consent_withdrawn: Case(403, "denied", "no_care_relationship_or_consent"),
    participant_blocked: Case(403, "denied", "blocked"),
    participant_protected_identity: Case(403, "denied", "protected_identity"),
    same_region_other_unit: Case(403, "denied", "same_organisation_needs_care_relationship"),
    emergency_access: Case(200, "emergency", "emergency_access"),
    the_patient: Case(200, "allowed", "own_data"),
    another_patient: Case(403, "denied", "not_own_data"),
    analyst: Case(403, "denied", "role_not_permitted"),
}


@pytest.mark.parametrize("setup", list(MATRIX), ids=[f.__name__ for f in MATRIX])
def test_plan_read_matrix(
    client: TestClient, db: Session, setup: Callable[[Session, PlanEnv], tuple[factories.LoggedIn, str]]
) -> None:
    e = plan_env(db)
    caller, plan_id = setup(db, e)
    db.commit()
    case = MATRIX[setup]
    before = db.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0
    r = client.get(f"/api/careplans/{plan_id}", headers=caller.headers)
    assert r.status_code == case.status, r.text
    db.expire_all()
    rows = list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.seq > before, AuditEvent.action == "careplans:plan:read")
        )
    )
    assert len(rows) == 1, [(x.action, x.outcome) for x in rows]
    assert rows[0].username == caller.user.username and rows[0].patient_id == e.patient.id
    assert rows[0].outcome == case.outcome and rows[0].reason == case.reason
