"""Listing queries used by the access policy and the patient overview."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from naravard import seeding
from naravard.actor import Actor
from naravard.contacts.actions import ContactAction
from naravard.contacts.models import Listing


def listed_person_ids(unit_id: uuid.UUID) -> Select[uuid.UUID]:
    """A subquery for the access policy: persons with an active listing at the unit."""
    return select(Listing.person_id).where(Listing.unit_id == unit_id, Listing.end_date.is_(None))


def listed_person_ids_in(unit_ids: Select[uuid.UUID]) -> Select[uuid.UUID]:
    """A subquery for the access policy: persons with an active listing at any of the units."""
    return select(Listing.person_id).where(Listing.unit_id.in_(unit_ids), Listing.end_date.is_(None))


def listed_unit_ids(person_ids: list[uuid.UUID]) -> Select[uuid.UUID, uuid.UUID]:
    """A subquery for the access policy: (person, unit) of the persons' active listings."""
    return select(Listing.person_id, Listing.unit_id).where(
        Listing.person_id.in_(person_ids), Listing.end_date.is_(None)
    )


def active_listing(session: Session, person_id: uuid.UUID) -> tuple[uuid.UUID, date] | None:
    """(unit id, listed since) of the person's one active listing, if any."""
    row = session.execute(
        select(Listing.unit_id, Listing.start_date)
        .where(Listing.person_id == person_id, Listing.end_date.is_(None))
        .order_by(Listing.start_date.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def listing_units_for(session: Session, person_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    if not person_ids:
        return {}
    rows = session.execute(
        select(Listing.person_id, Listing.unit_id).where(
            Listing.person_id.in_(person_ids), Listing.end_date.is_(None)
        )
    )
    return {p: u for p, u in rows}


def all_listings(session: Session) -> list[tuple[uuid.UUID, uuid.UUID, date, date | None]]:
    """Every listing, ended ones too (person, unit, start, end), for the follow-up extract: the lake's
    month-end snapshots of past months need the listing history, not only today's listings."""
    rows = session.execute(
        select(Listing.person_id, Listing.unit_id, Listing.start_date, Listing.end_date).order_by(
            Listing.person_id, Listing.start_date
        )
    )
    return [(p, u, s, e) for p, u, s, e in rows]


# --- Seeding (naravard.seeding) ----------------------------------------------------------------------------


def seed_rows(session: Session, *, actor: Actor, listings: seeding.Rows = ()) -> None:
    """Seeding interface (`naravard.seeding`): listings, ended ones too, inserted as given, by the system
    actor only, with one audit row for the table."""
    seeding.insert_rows(session, actor=actor, model=Listing, rows=listings, action=ContactAction.LISTING_SEED)
