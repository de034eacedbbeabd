"""The seeding interface (naravard.seeding) on both databases: the demo region goes in through each context's
`seed_rows`, with one audit row per table, and only the system actor seeds."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard.actor import Actor, Purpose, Role, system_actor
from naravard.audit import service as audit_service
from naravard.audit.models import AuditEvent
from naravard.errors import Forbidden
from naravard.patients import service as patients_service
from naravard.patients.models import Person
from naravard.synth.region import create_demo_region

TODAY = date(2026, 11, 23)


def _seed_events(db: Session, actor: Actor) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.request_id == actor.request_id).order_by(AuditEvent.seq)
        )
    )


def test_the_demo_region_is_seeded_table_by_table_with_one_audit_row_each(db: Session) -> None:
    actor = system_actor("demo")
    summary = create_demo_region(db, persons=60, seed=1, demo_password_hash="x", today=TODAY, actor=actor)
    events = _seed_events(db, actor)
    rows = {e.action: json.loads(e.detail or "{}")["rows"] for e in events}
    actions = [e.action for e in events]
    assert actions[:13] == [
        "organizations:organization:seed",
        "organizations:care_unit:seed",
        "organizations:practitioner:seed",
        "organizations:practitioner_role:seed",
        "patients:person:seed",
        "contacts:listing:seed",
        "contacts:fixed_contact:seed",
        "contacts:notice:seed",
        "consent:care_relationship:seed",
        "consent:consent:seed",
        "consent:access_block:seed",
        "accounts:user_account:seed",
        "accounts:membership:seed",
    ]
    # then the contexts built on them, each table by its own tag (a context may seed in more than one step)
    later = [a.split(":") for a in actions[13:]]
    # coordination seeds only where a hälsocentral has enough listed patients, more than 60 persons give
    assert {context for context, _, _ in later} == {"governance", "careplans"}
    assert all(step == "seed" for _, _, step in later)
    assert {table for context, table, _ in later if context == "careplans"} == {
        "care_plan",
        "care_plan_version",
    }
    assert Counter(e.role for e in events) == {"system": len(events)}
    assert all(e.outcome == "allowed" and e.patient_id is None for e in events)
    assert rows["organizations:organization:seed"] == summary.organizations
    assert rows["organizations:care_unit:seed"] == summary.units
    assert rows["organizations:practitioner:seed"] == summary.practitioners
    assert rows["patients:person:seed"] == summary.persons == 60
    assert rows["contacts:listing:seed"] == summary.listings
    assert rows["contacts:fixed_contact:seed"] == summary.fixed_contacts > 0
    assert rows["contacts:notice:seed"] == summary.notices == summary.fixed_contacts
    assert rows["consent:care_relationship:seed"] == summary.care_relationships
    assert rows["consent:consent:seed"] == summary.consents
    assert rows["consent:access_block:seed"] == summary.blocks
    assert rows["accounts:user_account:seed"] == len(summary.users)
    assert audit_service.verify(db).ok


def test_only_the_system_actor_seeds(db: Session) -> None:
    clinician = Actor(
        user_id=uuid.uuid4(),
        username="lakare",
        role=Role.CLINICIAN,
        unit_id=uuid.uuid4(),
        organization_id=uuid.uuid4(),
        purpose=Purpose.CARE,
    )
    before = db.scalar(select(func.count()).select_from(Person))
    person = {
        "identifier": "191212121212",
        "identifier_kind": "personnummer",
        "given_name": "Tolvan",
        "family_name": "Tolvansson",
        "birth_date": date(1912, 12, 12),
        "sex": "male",
        "version": 1,
    }
    with pytest.raises(Forbidden):
        patients_service.seed_rows(db, actor=clinician, persons=[{"id": uuid.uuid4(), **person}])
    assert db.scalar(select(func.count()).select_from(Person)) == before
    assert _seed_events(db, clinician) == []


def test_nothing_to_seed_writes_nothing(db: Session) -> None:
    actor = system_actor("demo")
    patients_service.seed_rows(db, actor=actor, persons=[])
    assert _seed_events(db, actor) == []
