"""The demo region: a synthetic Region Gävleborg written into the database, deterministic from a seed.

Organisations, units, staff and users are a fixed picture of the county (reference.py); the population is
a sample of `persons` people with the county's age-sex structure and municipality sizes. Staff numbers do
not scale with `persons`: a small demo population meets a full-size region.

Every random choice comes from `random.Random` streams seeded from `seed` and a part name (ids, staff,
population, access facts, users), so one run equals the next, ids included, and a change in one part does
not reshuffle the others. Nothing here is real: identity numbers come from the test series of
`patients.identity.generate_identity`, phone numbers from PTS' series for fiction (070-174 06 05 to 99).

This module is the entry point and the order of the parts; each part is its own module:
region_orgs (organisations and units), region_staff (practitioners), region_population (people,
personnummer and listings), region_access (care relationships, consents, blocks), region_users (demo
accounts), region_contacts (fixed contacts and their notices), all adding rows to one
region_rows.RegionRows, whose single id stream makes the order matter.

The rows reach the database through one documented seeding interface (`naravard.seeding`): each context's
service ends with ``seed_rows(session, *, actor, <table>=rows, ...)``, which bulk-inserts its own tables as
given (ids included), for the system actor only, with one audit row per table. This package imports no
context's models: it knows the tables only by those keywords, and the kinds and professions through
`organizations.service`; the real reference lists (the region, its municipalities) are the product's own,
`naravard.reference`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from naravard.accounts import service as accounts_service
from naravard.actor import Actor, system_actor
from naravard.consent import service as consent_service
from naravard.contacts import service as contacts_service
from naravard.errors import Conflict
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service
from naravard.reference import REGION_HSA, REGION_ORG_NUMBER
from naravard.synth.region_access import RECORDED_BY, add_access_facts
from naravard.synth.region_careplans import add_careplan_consent, seed_careplans
from naravard.synth.region_contacts import add_fixed_contacts
from naravard.synth.region_coordination import seed_coordination
from naravard.synth.region_governance import seed_governance
from naravard.synth.region_orgs import ADMIN_UNIT_NAME, add_organizations, add_units
from naravard.synth.region_population import add_population
from naravard.synth.region_rows import RegionRows
from naravard.synth.region_staff import add_staff
from naravard.synth.region_users import DemoUser, add_demo_users

__all__ = [
    "ADMIN_UNIT_NAME",
    "RECORDED_BY",
    "REGION_HSA",
    "REGION_ORG_NUMBER",
    "DemoSummary",
    "DemoUser",
    "create_demo_region",
    "region_exists",
]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    organizations: int
    units: int
    practitioners: int
    persons: int
    listings: int
    fixed_contacts: int
    notices: int
    care_relationships: int
    consents: int
    blocks: int
    users: list[DemoUser]


def region_exists(session: Session) -> bool:
    """True when the demo region (or the real one) is already in the database."""
    return org_service.organization_exists(session, org_number=REGION_ORG_NUMBER)


def create_demo_region(
    session: Session,
    *,
    persons: int = 3000,
    seed: int = 1,
    demo_password_hash: str,
    today: date | None = None,
    actor: Actor | None = None,
) -> DemoSummary:
    """Write the demo region into `session` through the contexts' seeding interface, as `actor` (the system
    actor "demo" unless given), with one audit row per table; no commit: the caller owns the transaction.

    Raises `Conflict` if the region is already there; callers check `region_exists` first.
    """
    if persons < 1:
        raise ValueError("persons must be at least 1")
    if region_exists(session):
        raise Conflict("the demo region already exists")
    rows = RegionRows(seed=seed, today=today or date.today())
    users = _build(rows, persons=persons, password_hash=demo_password_hash)
    _seed(session, rows, actor or system_actor("demo"))
    return DemoSummary(
        organizations=rows.count("organizations"),
        units=rows.count("care_units"),
        practitioners=rows.count("practitioners"),
        persons=rows.count("persons"),
        listings=rows.count("listings"),
        fixed_contacts=rows.count("fixed_contacts"),
        notices=rows.count("notices"),
        care_relationships=rows.count("care_relationships"),
        consents=rows.count("consents"),
        blocks=rows.count("blocks"),
        users=users,
    )


def _build(rows: RegionRows, *, persons: int, password_hash: str) -> list[DemoUser]:
    """Adds every part in a fixed order (the ids come from one stream, so the order is part of the
    output); returns the demo users."""
    orgs = add_organizations(rows)
    units = add_units(rows, orgs)
    staff_by_unit = add_staff(rows, units)
    population = add_population(rows, units, persons)
    add_access_facts(rows, orgs, units, population.people)
    users = add_demo_users(rows, units, staff_by_unit, population, password_hash)
    add_fixed_contacts(rows, population, staff_by_unit)  # last: the ids of the other parts do not move
    add_careplan_consent(rows)  # uuid5 ids: moves no other id
    return users


def _seed(session: Session, rows: RegionRows, actor: Actor) -> None:
    """Hands each context its tables, parents before children (the order of region_rows.Table)."""
    r = rows.rows
    org_service.seed_rows(
        session,
        actor=actor,
        organizations=r["organizations"],
        care_units=r["care_units"],
        practitioners=r["practitioners"],
        practitioner_roles=r["practitioner_roles"],
    )
    patients_service.seed_rows(session, actor=actor, persons=r["persons"])
    contacts_service.seed_rows(
        session,
        actor=actor,
        listings=r["listings"],
        fixed_contacts=r["fixed_contacts"],
        notices=r["notices"],
    )
    consent_service.seed_rows(
        session,
        actor=actor,
        care_relationships=r["care_relationships"],
        consents=r["consents"],
        blocks=r["blocks"],
    )
    accounts_service.seed_rows(session, actor=actor, users=r["users"], memberships=r["memberships"])
    seed_governance(session, rows, actor)  # after the users: members and owners point at them
    seed_coordination(session, rows, actor)  # after the users and access facts (issue 16)
    seed_careplans(session, rows, actor)  # after the users and consents: plans point at both
