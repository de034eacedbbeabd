"""Small builders of a region for tests: explicit data, so each test states what it relies on."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from naravard.accounts.models import LoginSession, Membership, User
from naravard.actor import DEFAULT_PURPOSE, Actor, CareDomain, Role
from naravard.consent.models import Block, CareRelationship, Consent
from naravard.contacts.models import Listing
from naravard.db import utcnow
from naravard.organizations.models import CareUnit, Organization
from naravard.patients.identity import generate_identity, parse_identifier
from naravard.patients.models import Person

_rng = random.Random(4242)
# One argon2 hash computed once: hashing per test would dominate the suite's time.
_PASSWORD = "correct horse battery"
_PASSWORD_HASH: str | None = None


def password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        from naravard.accounts.passwords import hash_password

        _PASSWORD_HASH = hash_password(_PASSWORD)
    return _PASSWORD_HASH


def password() -> str:
    return _PASSWORD


def _suffix() -> str:
    return uuid.uuid4().hex[:10]


def organization(db: Session, *, name: str = "Region Test", kind: str = "region") -> Organization:
    digits = f"{_rng.randrange(10**9, 10**10)}"
    org = Organization(
        name=name, kind=kind, org_number=f"{digits[:6]}-{digits[6:]}", hsa_id=f"SE{digits}-{_suffix()}"
    )
    db.add(org)
    db.flush()
    return org


def unit(
    db: Session,
    org: Organization,
    *,
    name: str = "Testby hälsocentral",
    kind: str = "health_centre",
    municipality_code: str = "2180",
    hsa_id: str | None = None,
) -> CareUnit:
    u = CareUnit(
        organization_id=org.id,
        name=name,
        kind=kind,
        hsa_id=hsa_id or f"SE2321000198-{_suffix()}",
        municipality_code=municipality_code,
        accepts_listing=kind == "health_centre",
    )
    db.add(u)
    db.flush()
    return u


def person(
    db: Session,
    *,
    listed_at: CareUnit | None = None,
    protected: bool = False,
    given: str = "Test",
    family: str | None = None,
    birth: date | None = None,
    sex: str = "female",
) -> Person:
    # A random birth date unless given: the test series has only ten birth numbers per date and sex.
    for _ in range(1000):
        day = birth or date(1930, 1, 1) + timedelta(days=_rng.randrange(30000))
        identifier = generate_identity(_rng, birth_date=day, sex=sex)
        if db.query(Person.id).filter(Person.identifier == identifier).first() is None:
            break
    else:
        raise RuntimeError("no free test personnummer for this birth date and sex")
    ident = parse_identifier(identifier)
    p = Person(
        identifier=ident.canonical,
        identifier_kind=ident.kind,
        given_name=given,
        family_name=family or f"Person{_suffix()[:5]}",
        birth_date=ident.birth_date,
        sex=ident.sex,
        protected_identity=protected,
        municipality_code="2180",
        address=None if protected else "Storgatan 1",
        postal_code=None if protected else "80320",
        city=None if protected else "Gävle",
    )
    db.add(p)
    db.flush()
    if listed_at is not None:
        db.add(
            Listing(
                person_id=p.id,
                unit_id=listed_at.id,
                start_date=date.today() - timedelta(days=400),
                end_date=None,
            )
        )
        db.flush()
    return p


def consent(db: Session, p: Person, org: Organization) -> Consent:
    c = Consent(
        person_id=p.id,
        organization_id=org.id,
        given_at=utcnow(),
        valid_until=None,
        withdrawn_at=None,
        recorded_by="test",
    )
    db.add(c)
    db.flush()
    return c


def block(db: Session, p: Person, org: Organization | None) -> Block:
    b = Block(
        person_id=p.id, blocked_organization_id=org.id if org else None, recorded_by="test", lifted_at=None
    )
    db.add(b)
    db.flush()
    return b


def relationship(db: Session, p: Person, u: CareUnit) -> CareRelationship:
    r = CareRelationship(
        person_id=p.id, unit_id=u.id, reason="test", started_at=utcnow(), ended_at=None, recorded_by="test"
    )
    db.add(r)
    db.flush()
    return r


@dataclass
class LoggedIn:
    user: User
    membership: Membership
    token: str
    csrf: str
    actor: Actor
    headers: dict[str, str] = field(default_factory=dict)


def user(
    db: Session,
    *,
    role: Role,
    at: CareUnit | None,
    person_id: uuid.UUID | None = None,
    username: str | None = None,
) -> LoggedIn:
    """A user with one assignment and an open session (no argon2 work: the session row is made here)."""
    from naravard.accounts.service import _token_hash

    u = User(
        username=username or f"{role.value}-{_suffix()}",
        display_name=f"Test {role.value}",
        password_hash=password_hash(),
        person_id=person_id,
    )
    db.add(u)
    db.flush()
    m = Membership(user_id=u.id, unit_id=at.id if at else None, role=role.value)
    db.add(m)
    db.flush()
    token, csrf = f"tok-{uuid.uuid4().hex}", f"csrf-{uuid.uuid4().hex}"
    db.add(
        LoginSession(
            token_hash=_token_hash(token),
            user_id=u.id,
            membership_id=m.id,
            csrf_token=csrf,
            expires_at=utcnow() + timedelta(hours=1),
            revoked_at=None,
        )
    )
    db.flush()
    actor = Actor(
        user_id=u.id,
        username=u.username,
        role=role,
        unit_id=at.id if at else None,
        organization_id=at.organization_id if at else None,
        purpose=DEFAULT_PURPOSE[role],
        display_name=u.display_name,
        person_id=person_id if role is Role.PATIENT else None,
        care_domain=CareDomain.SOCIAL
        if at is not None and at.kind == "social_services"
        else CareDomain.HEALTH,
    )
    return LoggedIn(u, m, token, csrf, actor, {"Authorization": f"Bearer {token}"})


class TestAction(StrEnum):
    """The tests' own audit action (services take enums, never free strings)."""

    ROW_WRITE = "test:row:write"
