"""The governance tests' world: a steering group with a member who has an account, and a user of each role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.governance.models import GovBody, GovMember
from tests import factories


@dataclass
class GovEnv:
    body: GovBody
    other_body: GovBody
    officer: factories.LoggedIn
    officer2: factories.LoggedIn
    member: factories.LoggedIn
    analyst: factories.LoggedIn
    manager: factories.LoggedIn
    clinician: factories.LoggedIn
    patient: factories.LoggedIn


def gov_env(db: Session) -> GovEnv:
    org = factories.organization(db)
    hc = factories.unit(db, org)
    person = factories.person(db)
    member = factories.user(db, role=Role.CLINICIAN, at=hc)
    body = GovBody(name="Styrgrupp Nära vård test", kind="steering_group", programme_area="Nära vård")
    other = GovBody(name="Programkontoret test", kind="programme_office")
    db.add_all([body, other])
    db.flush()
    db.add(
        GovMember(
            body_id=body.id, user_id=member.user.id, name="Ann Ledamot", organisation="region", role="chair"
        )
    )
    env = GovEnv(
        body=body,
        other_body=other,
        officer=factories.user(db, role=Role.GOVERNANCE_OFFICER, at=hc),
        officer2=factories.user(db, role=Role.GOVERNANCE_OFFICER, at=hc),
        member=member,
        analyst=factories.user(db, role=Role.ANALYST, at=hc),
        manager=factories.user(db, role=Role.UNIT_MANAGER, at=hc),
        clinician=factories.user(db, role=Role.CLINICIAN, at=hc),
        patient=factories.user(db, role=Role.PATIENT, at=None, person_id=person.id),
    )
    db.commit()
    return env
