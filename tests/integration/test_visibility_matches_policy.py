"""A list can never show a row that opening it would refuse, and never hides one it would allow: the SQL
restriction used by searches agrees with `policy.decide` on randomly built worlds."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.consent import service as consent_service
from naravard.consent.policy import Access, decide
from naravard.patients.models import Person
from tests import factories as f


@pytest.mark.parametrize("seed", range(6))
def test_sql_visibility_equals_policy(db: Session, seed: int) -> None:
    rng = random.Random(seed)
    orgs = [f.organization(db, name=f"Org {i}") for i in range(3)]
    units = [f.unit(db, org, name=f"Unit {i}-{j}") for i, org in enumerate(orgs) for j in range(2)]
    homecare = [f.unit(db, org, name=f"Home care {i}", kind="home_health_care") for i, org in enumerate(orgs)]
    social = [
        f.unit(db, org, name=f"Social services {i}", kind="social_services") for i, org in enumerate(orgs)
    ]
    persons = []
    for _ in range(40):
        p = f.person(db, listed_at=rng.choice(units), protected=rng.random() < 0.15, family="Visibilitysson")
        if rng.random() < 0.3:
            f.relationship(db, p, rng.choice(homecare + social + units))
        for org in orgs:
            if rng.random() < 0.3:
                f.consent(db, p, org)
        if rng.random() < 0.15:
            f.block(db, p, rng.choice([*orgs, None]))
        persons.append(p)
    db.commit()
    for at, role in [
        (units[0], Role.CLINICIAN),
        (units[3], Role.UNIT_MANAGER),
        (homecare[1], Role.MUNICIPAL_STAFF),
        (social[1], Role.MUNICIPAL_STAFF),  # another care domain of the same organisation (ADR 0004)
    ]:
        actor = f.user(db, role=role, at=at).actor
        stmt = consent_service.restrict_to_visible(
            select(Person.id), actor=actor, person_id_col=Person.id, protected_col=Person.protected_identity
        )
        visible = set(db.scalars(stmt))
        allowed = set()
        for p in persons:
            facts = consent_service.gather_facts(
                db, actor=actor, person_id=p.id, protected_identity=p.protected_identity
            )
            if decide(actor, facts, Access.READ).allowed:
                allowed.add(p.id)
        assert visible & {p.id for p in persons} == allowed
