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
accounts), all adding rows to one region_rows.RegionRows, whose single id stream makes the order matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from naravard.consent.models import Block, CareRelationship, Consent
from naravard.contacts.models import Listing
from naravard.errors import Conflict
from naravard.organizations.models import CareUnit, Organization, Practitioner
from naravard.patients.models import Person
from naravard.synth.region_access import RECORDED_BY, add_access_facts
from naravard.synth.region_orgs import (
    ADMIN_UNIT_NAME,
    REGION_HSA,
    REGION_ORG_NUMBER,
    add_organizations,
    add_units,
)
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

_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class DemoSummary:
    organizations: int
    units: int
    practitioners: int
    persons: int
    listings: int
    care_relationships: int
    consents: int
    blocks: int
    users: list[DemoUser]


def region_exists(session: Session) -> bool:
    """True when the demo region (or the real one) is already in the database."""
    return bool(session.scalar(select(exists().where(Organization.org_number == REGION_ORG_NUMBER))))


def create_demo_region(
    session: Session,
    *,
    persons: int = 3000,
    seed: int = 1,
    demo_password_hash: str,
    today: date | None = None,
) -> DemoSummary:
    """Write the demo region into `session` (no commit: the caller owns the transaction).

    Raises `Conflict` if the region is already there; callers check `region_exists` first.
    """
    if persons < 1:
        raise ValueError("persons must be at least 1")
    if region_exists(session):
        raise Conflict("the demo region already exists")
    rows = RegionRows(seed=seed, today=today or date.today())
    users = _build(rows, persons=persons, password_hash=demo_password_hash)
    for model, table_rows in rows.tables():
        # Core insert on the table: one executemany per chunk. The ORM bulk path drops None values from
        # each row and so splits rows with different None columns into thousands of small statements.
        for start in range(0, len(table_rows), _CHUNK):
            session.execute(insert(model.__table__), table_rows[start : start + _CHUNK])
    return DemoSummary(
        organizations=rows.count(Organization),
        units=rows.count(CareUnit),
        practitioners=rows.count(Practitioner),
        persons=rows.count(Person),
        listings=rows.count(Listing),
        care_relationships=rows.count(CareRelationship),
        consents=rows.count(Consent),
        blocks=rows.count(Block),
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
    return add_demo_users(rows, units, staff_by_unit, population, password_hash)
