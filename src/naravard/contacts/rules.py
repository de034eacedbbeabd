"""The contacts service's inner helpers: the rows in force, a unit's doctors and their room, the output
shapes. Only `contacts.service` imports this module; other contexts use the service."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Select, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from naravard.contacts.models import (
    DoctorFte,
    FixedContact,
    FixedContactKind,
    FixedContactReason,
    Listing,
    UnitContactSettings,
)
from naravard.contacts.proposal import DoctorSlot
from naravard.contacts.schemas import DoctorList, FixedContactOut, UnitSettings
from naravard.errors import Conflict, Invalid
from naravard.organizations import service as org_service

DOCTOR = FixedContactKind.DOCTOR.value
CARE_CONTACT = FixedContactKind.CARE_CONTACT.value

# Legitimationsyrken (Patientsäkerhetslagen 2010:659 4 kap. 1 §) among the platform's professions: a fast
# vårdkontakt may be any of them (PL 6 kap. 2 §; domain.md 2.1). Assistant nurses (yrkesskydd, not legitimation),
# care assessors and the administrative professions are not; counsellors follow naravard.reference (not licensed).
LICENSED = frozenset(
    {
        "doctor",
        "nurse",
        "physiotherapist",
        "occupational_therapist",
        "psychologist",
        "dietitian",
        "pharmacist",
    }
)
# the platform's professions as the lake's codes (naravard.reference.PROFESSIONS)
LAKE_PROFESSION = {
    "doctor": "LK",
    "nurse": "SSK",
    "physiotherapist": "FT",
    "occupational_therapist": "AT",
    "psychologist": "PSY",
    "counsellor": "KUR",
    "assistant_nurse": "USK",
    "dietitian": "DIET",
    "pharmacist": "FARM",
}
START_REASONS = frozenset(
    {
        FixedContactReason.PATIENT_REQUEST,
        FixedContactReason.NEED,
        FixedContactReason.DISCHARGE,
        FixedContactReason.LIFE_THREATENING,
        FixedContactReason.UNIT_PROPOSAL,
        FixedContactReason.IMPORT,
        FixedContactReason.CHANGE,
    }
)
END_REASONS = frozenset(
    {
        FixedContactReason.PATIENT_REQUEST,
        FixedContactReason.PRACTITIONER_LEFT,
        FixedContactReason.NO_LONGER_NEEDED,
        FixedContactReason.CHANGE,
        FixedContactReason.OTHER,
    }
)


def reason(value: str, allowed: frozenset[FixedContactReason]) -> FixedContactReason:
    try:
        parsed = FixedContactReason(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed not in allowed:
        raise Invalid(
            "unknown reason %(reason)r (one of %(allowed)s)",
            field="reason",
            params={"reason": value, "allowed": sorted(r.value for r in allowed)},
        )
    return parsed


def listed_ids(unit_id: uuid.UUID) -> Select[uuid.UUID]:
    return select(Listing.person_id).where(Listing.unit_id == unit_id, Listing.end_date.is_(None))


def active_listing(session: Session, person_id: uuid.UUID) -> Listing | None:
    return session.scalars(
        select(Listing)
        .where(Listing.person_id == person_id, Listing.end_date.is_(None))
        .order_by(Listing.start_date.desc())
        .limit(1)
    ).first()


def active_contacts(session: Session, person_ids: Select[uuid.UUID] | list[uuid.UUID]) -> list[FixedContact]:
    return list(
        session.scalars(
            select(FixedContact).where(
                FixedContact.person_id.in_(person_ids), FixedContact.valid_to.is_(None)
            )
        )
    )


def unit_settings(session: Session, unit_id: uuid.UUID) -> UnitSettings:
    row = session.scalar(select(UnitContactSettings).where(UnitContactSettings.unit_id == unit_id))
    if row is None:
        return UnitSettings()
    return UnitSettings(
        capacity_per_fte=row.capacity_per_fte,
        need_min_age=row.need_min_age,
        need_home_health_care=row.need_home_health_care,
        need_min_contacts=row.need_min_contacts,
        version=row.version,
    )


def doctor_lists(session: Session, unit_id: uuid.UUID, settings: UnitSettings) -> list[DoctorList]:
    """The unit's doctors, each with the share of full time, the capacity and the list (fast läkarkontakt in
    force at this unit), by name."""
    doctors = [
        p for p in org_service.practitioners(session, unit_ids={unit_id}).values() if p.profession == "doctor"
    ]
    fte = dict(
        session.execute(
            select(DoctorFte.practitioner_id, DoctorFte.percent).where(DoctorFte.unit_id == unit_id)
        ).all()
    )
    loads = dict(
        session.execute(
            select(FixedContact.practitioner_id, func.count())
            .where(
                FixedContact.unit_id == unit_id, FixedContact.kind == DOCTOR, FixedContact.valid_to.is_(None)
            )
            .group_by(FixedContact.practitioner_id)
        ).all()
    )
    out = []
    for d in sorted(doctors, key=lambda p: p.name):
        percent = int(fte.get(d.id, 100))
        out.append(
            DoctorList(
                practitioner_id=d.id,
                name=d.name,
                profession=d.profession,
                fte_percent=percent,
                capacity=settings.capacity_per_fte * percent // 100,
                listed=int(loads.get(d.id, 0)),
                kind=DOCTOR,
            )
        )
    return out


def slots(lists: list[DoctorList]) -> list[DoctorSlot]:
    return [DoctorSlot(d.practitioner_id, d.capacity, d.listed) for d in lists]


def outs(session: Session, rows: list[FixedContact]) -> list[FixedContactOut]:
    """The output shape of rows, with practitioner and unit names (two queries for any number of rows)."""
    people = org_service.practitioners(session, ids={r.practitioner_id for r in rows})
    units = org_service.get_units(session, {r.unit_id for r in rows})
    result = []
    for r in rows:
        p, u = people.get(r.practitioner_id), units.get(r.unit_id)
        result.append(
            FixedContactOut(
                id=r.id,
                person_id=r.person_id,
                kind=r.kind,
                practitioner_id=r.practitioner_id,
                practitioner_name=p.name if p else "",
                profession=p.profession if p else "",
                unit_id=r.unit_id,
                unit_name=u.name if u else "",
                organization_name=u.organization_name if u else "",
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                active=r.valid_to is None,
                reason=r.reason,
                note=r.note,
                end_reason=r.end_reason,
                informed_at=r.informed_at,
                informed_how=r.informed_how,
                version=r.version,
            )
        )
    return result


def insert(session: Session, rows: list[FixedContact]) -> None:
    """Insert in a savepoint: the partial unique index refusing a second fast läkarkontakt in force (another
    manager was first) is a conflict, and the savepoint leaves the caller's transaction usable."""
    try:
        with session.begin_nested():
            session.add_all(rows)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "the patient already has a fast läkarkontakt (someone else assigned one just now); reload and try again"
        ) from exc


def lock_unit(session: Session, unit_id: uuid.UUID) -> None:
    """Serialise the writes of one unit's lists (capacity is a sum over rows, which no index can hold): a
    transaction-scoped advisory lock on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(unit_id.bytes[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def end_row(
    row: FixedContact, *, on: date, why: FixedContactReason, by: str, note: str | None = None
) -> None:
    """End a row: its last day in force is the day before `on` (replaced on its first day: the day before)."""
    from naravard.db import utcnow

    row.valid_to = date.fromordinal(on.toordinal() - 1)
    row.end_reason = why.value
    row.ended_at = utcnow()
    row.ended_by = by
    if note:
        row.note = note if not row.note else f"{row.note} | {note}"[:500]
