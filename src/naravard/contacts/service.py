"""Listings, and the fixed contacts: fast läkarkontakt (HSL 7 kap. 3 §, PL 6 kap. 3 §) and fast vårdkontakt
(PL 6 kap. 2 §), assigned, changed and ended by the unit's manager (HSF 2017:80 4 kap.), with their history, the
unit's lists and proposal, and the notices that tell the patient (PL 3 kap. 2 §).

Every function that touches a patient opens them through `consent.service.open_patient` (lists through
`restrict_to_visible`, in `patients.service.visible_briefs`) and writes its audit row in the caller's
transaction; refusals go through `audit.service.refuse`; nothing here commits.

The unit's lists and proposal (`proposal_service`) and the notices (`notice_service`) are modules of their own,
re-exported here: other contexts and the entry points reach them through this module only. Who may act is
`guards`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from naravard import seeding
from naravard.actor import Actor, Role
from naravard.audit import service as audit_service
from naravard.consent import service as consent_service
from naravard.contacts import notices, rules
from naravard.contacts.actions import ContactAction
from naravard.contacts.guards import flush_versioned as _flush_versioned
from naravard.contacts.guards import manager as _manager
from naravard.contacts.guards import notifier as _notifier
from naravard.contacts.guards import open_person as _open
from naravard.contacts.guards import own_unit as _own_unit
from naravard.contacts.models import (
    DoctorFte,
    FixedContact,
    FixedContactReason,
    Listing,
    UnitContactSettings,
)
from naravard.contacts.notice_service import (  # noqa: F401 - re-exported: reached through this module
    claim_notices,
    deliver_notices,
    letter_for,
    record_delivery,
    resend_notice,
    undelivered_notices,
)
from naravard.contacts.proposal_service import (  # noqa: F401 - re-exported: reached through this module
    INFORMED_WITHIN,
    SHOWN,
    confirm_proposal,
    propose_for_unit,
    unit_overview,
)
from naravard.contacts.schemas import (
    AssignRequest,
    BadRow,
    ChangeRequest,
    ChangeResult,
    DoctorList,
    EndRequest,
    ExtractRow,
    FixedContactOut,
    ImportReport,
    ImportRow,
    MyContacts,
    UnitSettings,
)
from naravard.db import utcnow
from naravard.errors import BusinessRule, Conflict, Invalid, NotFound
from naravard.organizations import service as org_service

DOCTOR, CARE_CONTACT = rules.DOCTOR, rules.CARE_CONTACT
MAX_LISTING_CHANGES = 2  # HSL 7 kap. 3 a §, prop. 2021/22:72: at most two changes of provider in 12 months

# --- Listing queries used by the access policy and the patient overview ---------------------------------------


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
    row = rules.active_listing(session, person_id)
    return (row.unit_id, row.start_date) if row else None


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


# --- Assign, change, end ----------------------------------------------------------------------------------------


def _check_doctor(
    session: Session, *, actor_unit: uuid.UUID, person_id: uuid.UUID, practitioner_id: uuid.UUID
) -> Listing:
    """PL 6 kap. 3 §: the fast läkarkontakt is a doctor at the unit the patient is listed with; the listing
    unit's manager appoints; one in force per patient; within the doctor's capacity."""
    listing = rules.active_listing(session, person_id)
    if listing is None:
        raise BusinessRule("fixed_doctor_needs_listing: a fast läkarkontakt needs an active listing")
    if listing.unit_id != actor_unit:
        raise BusinessRule(
            "fixed_doctor_by_listing_unit: the fast läkarkontakt is appointed by the unit the patient is listed with"
        )
    doctor = org_service.practitioners(session, ids={practitioner_id}).get(practitioner_id)
    if doctor is None:
        raise NotFound("no practitioner %(id)s", params={"id": practitioner_id})
    if doctor.profession != "doctor" or listing.unit_id not in doctor.unit_ids:
        raise BusinessRule(
            "fixed_doctor_at_listing_unit: a fast läkarkontakt must be a doctor at the patient's listing unit"
        )
    if session.scalar(
        select(FixedContact.id).where(
            FixedContact.person_id == person_id, FixedContact.kind == DOCTOR, FixedContact.valid_to.is_(None)
        )
    ):
        raise Conflict("one_fixed_doctor: the patient already has a fast läkarkontakt; change it instead")
    lists = {
        d.practitioner_id: d
        for d in rules.doctor_lists(session, listing.unit_id, rules.unit_settings(session, listing.unit_id))
    }
    mine = lists.get(practitioner_id)
    if mine is not None and mine.listed >= mine.capacity:
        raise BusinessRule(
            "doctor_list_full: %(name)s has %(listed)s patients, the capacity is %(capacity)s",
            params={"name": mine.name, "listed": mine.listed, "capacity": mine.capacity},
        )
    return listing


def _care_contact_unit(
    session: Session, *, practitioner_id: uuid.UUID, unit_id: uuid.UUID | None, why: FixedContactReason
) -> uuid.UUID:
    """A fast vårdkontakt may be of any licensed profession, at any unit, of any organisation (the municipality's
    home health care too); for a life-threatening condition a doctor (SOSFS 2011:7)."""
    person = org_service.practitioners(session, ids={practitioner_id}).get(practitioner_id)
    if person is None:
        raise NotFound("no practitioner %(id)s", params={"id": practitioner_id})
    if person.profession not in rules.LICENSED:
        raise BusinessRule("care_contact_licensed: a fast vårdkontakt must have a licensed profession")
    if why is FixedContactReason.LIFE_THREATENING and person.profession != "doctor":
        raise BusinessRule(
            "life_threatening_needs_doctor: for a life-threatening condition the fast vårdkontakt is a doctor"
        )
    if unit_id is None:
        if len(person.unit_ids) != 1:
            raise Invalid("name the unit the practitioner acts for", field="unit_id")
        unit_id = next(iter(person.unit_ids))
    if unit_id not in person.unit_ids:
        raise BusinessRule("care_contact_at_unit: the practitioner does not work at that unit")
    return unit_id


def assign_fixed_contact(
    session: Session,
    *,
    actor: Actor,
    request: AssignRequest,
    today: date | None = None,
    notifier: notices.Notifier | None = None,
) -> FixedContactOut:
    """Appoint a fast läkarkontakt or a fast vårdkontakt, with its reason; the patient gets a notice."""
    today = today or date.today()
    unit = _manager(session, actor, ContactAction.FIXED_ASSIGN, request.person_id)
    grant, _ = _open(
        session, actor, request.person_id, consent_service.Access.WRITE, ContactAction.FIXED_ASSIGN
    )
    why = rules.reason(request.reason, rules.START_REASONS)
    row = _new_row(
        session,
        actor=actor,
        unit=unit,
        person_id=request.person_id,
        kind=request.kind,
        practitioner_id=request.practitioner_id,
        unit_id=request.unit_id,
        why=why,
        note=request.note,
        today=today,
    )
    rules.insert(session, [row])
    _notifier(notifier).notify(session, contact=row, event="assigned", by=actor.username)
    grant.record(detail={"fixed_contact_id": str(row.id), "kind": row.kind, "reason": row.reason})
    return rules.outs(session, [row])[0]


def _new_row(
    session: Session,
    *,
    actor: Actor,
    unit: uuid.UUID,
    person_id: uuid.UUID,
    kind: str,
    practitioner_id: uuid.UUID,
    unit_id: uuid.UUID | None,
    why: FixedContactReason,
    note: str | None,
    today: date,
) -> FixedContact:
    listing_id = None
    if kind == DOCTOR:
        listing = _check_doctor(
            session, actor_unit=unit, person_id=person_id, practitioner_id=practitioner_id
        )
        unit_id, listing_id = listing.unit_id, listing.id
    elif kind == CARE_CONTACT:
        unit_id = _care_contact_unit(session, practitioner_id=practitioner_id, unit_id=unit_id, why=why)
        if session.scalar(
            select(FixedContact.id).where(
                FixedContact.person_id == person_id,
                FixedContact.kind == CARE_CONTACT,
                FixedContact.practitioner_id == practitioner_id,
                FixedContact.valid_to.is_(None),
            )
        ):
            raise Conflict("the practitioner is already the patient's fast vårdkontakt")
    else:
        raise Invalid("kind must be doctor or care_contact", field="kind")
    return FixedContact(
        id=uuid.uuid4(),
        person_id=person_id,
        kind=kind,
        practitioner_id=practitioner_id,
        unit_id=unit_id,
        listing_id=listing_id,
        valid_from=today,
        valid_to=None,
        reason=why.value,
        note=(note or "").strip() or None,
        created_by=actor.username,
    )


def _current(session: Session, contact_id: uuid.UUID, version: int) -> FixedContact:
    row = session.get(FixedContact, contact_id)
    if row is None:
        raise NotFound("no fixed contact %(id)s", params={"id": contact_id})
    if row.valid_to is not None:
        raise Conflict("the fixed contact has already ended")
    if row.version != version:
        raise Conflict(
            "the fixed contact was changed by someone else (version %(current)s, you edited %(edited)s)",
            params={"current": row.version, "edited": version},
        )
    return row


def change_fixed_contact(
    session: Session,
    *,
    actor: Actor,
    contact_id: uuid.UUID,
    request: ChangeRequest,
    today: date | None = None,
    notifier: notices.Notifier | None = None,
) -> ChangeResult:
    """Another practitioner takes over: the row in force ends (the day before today) and a new one starts
    today, in one transaction; a stale `version` is a conflict."""
    today = today or date.today()
    unit = _manager(session, actor, ContactAction.FIXED_CHANGE)
    row = session.get(FixedContact, contact_id)
    if row is None:
        raise NotFound("no fixed contact %(id)s", params={"id": contact_id})
    grant, _ = _open(session, actor, row.person_id, consent_service.Access.WRITE, ContactAction.FIXED_CHANGE)
    row = _current(session, contact_id, request.version)
    why = rules.reason(request.reason, rules.START_REASONS)
    rules.end_row(row, on=today, why=FixedContactReason.CHANGE, by=actor.username)
    _flush_versioned(session)
    new = _new_row(
        session,
        actor=actor,
        unit=unit,
        person_id=row.person_id,
        kind=row.kind,
        practitioner_id=request.practitioner_id,
        unit_id=request.unit_id,
        why=why,
        note=request.note,
        today=today,
    )
    rules.insert(session, [new])
    _notifier(notifier).notify(session, contact=new, event="changed", by=actor.username)
    grant.record(detail={"ended": str(row.id), "fixed_contact_id": str(new.id), "kind": new.kind})
    old, made = rules.outs(session, [row, new])
    return ChangeResult(contact=made, ended=[old])


def end_fixed_contact(
    session: Session,
    *,
    actor: Actor,
    contact_id: uuid.UUID,
    request: EndRequest,
    today: date | None = None,
    notifier: notices.Notifier | None = None,
) -> FixedContactOut:
    today = today or date.today()
    _manager(session, actor, ContactAction.FIXED_END)
    row = session.get(FixedContact, contact_id)
    if row is None:
        raise NotFound("no fixed contact %(id)s", params={"id": contact_id})
    grant, _ = _open(session, actor, row.person_id, consent_service.Access.WRITE, ContactAction.FIXED_END)
    row = _current(session, contact_id, request.version)
    why = rules.reason(request.reason, rules.END_REASONS)
    rules.end_row(row, on=today, why=why, by=actor.username, note=request.note)
    _flush_versioned(session)
    _notifier(notifier).notify(session, contact=row, event="ended", by=actor.username)
    grant.record(detail={"fixed_contact_id": str(row.id), "reason": why.value})
    return rules.outs(session, [row])[0]


def fixed_contacts_of(session: Session, *, actor: Actor, person_id: uuid.UUID) -> list[FixedContactOut]:
    """A patient's fixed contacts, those in force and the history, newest first; audited as a read."""
    grant, _ = _open(session, actor, person_id, consent_service.Access.READ, ContactAction.FIXED_READ)
    rows = list(
        session.scalars(
            select(FixedContact)
            .where(FixedContact.person_id == person_id)
            .order_by(FixedContact.valid_from.desc(), FixedContact.created_at.desc())
        )
    )
    grant.record(detail={"rows": len(rows)})
    return rules.outs(session, rows)


# --- Listing changes end the fixed doctor that depended on them -------------------------------------------------


def _end_dependent_doctor(
    session: Session, *, actor: Actor, listing: Listing, notifier: notices.Notifier | None
) -> list[FixedContact]:
    """PL 6 kap. 3 §: the fast läkarkontakt belongs to the listing unit, so a listing that ends takes its
    fixed doctor with it, in the same transaction; the patient is told."""
    assert listing.end_date is not None
    rows = list(
        session.scalars(
            select(FixedContact).where(
                FixedContact.person_id == listing.person_id,
                FixedContact.kind == DOCTOR,
                FixedContact.valid_to.is_(None),
                FixedContact.unit_id == listing.unit_id,
            )
        )
    )
    for row in rows:
        rules.end_row(
            row,
            on=listing.end_date + timedelta(days=1),
            why=FixedContactReason.LISTING_ENDED,
            by=actor.username,
        )
        _notifier(notifier).notify(session, contact=row, event="ended", by=actor.username)
    _flush_versioned(session)
    return rows


def _listing_message(ended: list[FixedContactOut]) -> str:
    if not ended:
        return "The listing was changed."
    return "The listing was changed and the fast läkarkontakt that depended on it has ended."


def end_listing(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    today: date | None = None,
    notifier: notices.Notifier | None = None,
) -> ChangeResult:
    """End the patient's listing (the patient's own choice, or the listing unit's manager when the patient has
    moved away or died): the fixed doctor who depended on it ends with it, and the result says so."""
    today = today or date.today()
    if actor.role not in (Role.PATIENT, Role.UNIT_MANAGER):
        audit_service.refuse(
            session,
            actor=actor,
            action=ContactAction.LISTING_END,
            reason="role_not_permitted",
            message="a listing is ended by the patient or the listing unit's manager",
            patient_id=person_id,
        )
    grant, _ = _open(session, actor, person_id, consent_service.Access.WRITE, ContactAction.LISTING_END)
    listing = rules.active_listing(session, person_id)
    if listing is None:
        raise BusinessRule("no_active_listing: the patient is not listed anywhere")
    if actor.role is Role.UNIT_MANAGER and listing.unit_id != actor.unit_id:
        raise BusinessRule("listing_other_unit: only the listing unit's manager ends a listing")
    listing.end_date = today - timedelta(days=1)
    ended = rules.outs(
        session, _end_dependent_doctor(session, actor=actor, listing=listing, notifier=notifier)
    )
    grant.record(detail={"listing_id": str(listing.id), "ended_fixed_contacts": [str(e.id) for e in ended]})
    return ChangeResult(ended=ended, message=_listing_message(ended))


def move_listing(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    unit_id: uuid.UUID,
    today: date | None = None,
    notifier: notices.Notifier | None = None,
) -> ChangeResult:
    """The patient lists with another unit (the region's listing service, HSL 7 kap. 3 a §): at most two
    changes in 12 months; the old listing ends the day before, and its fixed doctor with it."""
    today = today or date.today()
    if actor.role is not Role.PATIENT:
        audit_service.refuse(
            session,
            actor=actor,
            action=ContactAction.LISTING_MOVE,
            reason="role_not_permitted",
            message="only the patient chooses where to be listed",
            patient_id=person_id,
        )
    grant, _ = _open(session, actor, person_id, consent_service.Access.WRITE, ContactAction.LISTING_MOVE)
    target = org_service.get_unit(session, unit_id)
    if target.kind != "health_centre":
        raise BusinessRule("listing_unit_kind: a listing is with a hälsocentral that accepts listings")
    old = rules.active_listing(session, person_id)
    if old is not None and old.unit_id == unit_id:
        raise BusinessRule("listing_same_unit: the patient is already listed there")
    year_ago = today - timedelta(days=365)
    changes = session.scalars(
        select(Listing.id).where(Listing.person_id == person_id, Listing.start_date > year_ago)
    ).all()
    if old is not None and len(changes) >= MAX_LISTING_CHANGES:
        raise BusinessRule(
            "listing_changes: at most %(max)s changes of listing in 12 months",
            params={"max": MAX_LISTING_CHANGES},
        )
    ended: list[FixedContactOut] = []
    if old is not None:
        old.end_date = today - timedelta(days=1)
        ended = rules.outs(
            session, _end_dependent_doctor(session, actor=actor, listing=old, notifier=notifier)
        )
    session.add(Listing(person_id=person_id, unit_id=unit_id, start_date=today, end_date=None, source="1177"))
    session.flush()
    grant.record(detail={"unit_id": str(unit_id), "ended_fixed_contacts": [str(e.id) for e in ended]})
    return ChangeResult(ended=ended, message=_listing_message(ended))


# --- The unit's settings ----------------------------------------------------------------------------------------


def get_unit_settings(session: Session, *, actor: Actor, unit_id: uuid.UUID) -> UnitSettings:
    _own_unit(session, actor, unit_id, ContactAction.UNIT_SETTINGS)
    return rules.unit_settings(session, unit_id)


def update_unit_settings(
    session: Session, *, actor: Actor, unit_id: uuid.UUID, settings: UnitSettings
) -> UnitSettings:
    """Save the unit's capacity and need rule; `settings.version` is the version edited (0: the defaults), and
    a save based on an older one is a conflict."""
    _own_unit(session, actor, unit_id, ContactAction.UNIT_SETTINGS)
    row = session.scalar(select(UnitContactSettings).where(UnitContactSettings.unit_id == unit_id))
    current = row.version if row is not None else 0
    if settings.version != current:
        raise Conflict(
            "the unit's settings were changed by someone else (version %(current)s, you edited %(edited)s)",
            params={"current": current, "edited": settings.version},
        )
    values = settings.model_dump(exclude={"version"})
    if row is None:
        row = UnitContactSettings(unit_id=unit_id, updated_by=actor.username, **values)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError as exc:  # another manager saved the first settings just now
            raise Conflict("the unit's settings were changed by someone else; reload and try again") from exc
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_by, row.updated_at = actor.username, utcnow()
        try:
            session.flush()
        except StaleDataError as exc:
            raise Conflict("the unit's settings were changed by someone else; reload and try again") from exc
    audit_service.record(
        session, actor=actor, action=ContactAction.UNIT_SETTINGS, detail={"unit_id": str(unit_id), **values}
    )
    return rules.unit_settings(session, unit_id)


def set_doctor_fte(
    session: Session, *, actor: Actor, unit_id: uuid.UUID, practitioner_id: uuid.UUID, percent: int
) -> DoctorList:
    """A doctor's share of full time at the unit (capacity = the unit's capacity per full-time doctor x share)."""
    _own_unit(session, actor, unit_id, ContactAction.UNIT_SETTINGS)
    if not 0 <= percent <= 100:
        raise Invalid("the share of full time is 0-100 %", field="percent")
    row = session.scalar(
        select(DoctorFte).where(DoctorFte.unit_id == unit_id, DoctorFte.practitioner_id == practitioner_id)
    )
    if row is None:
        session.add(DoctorFte(unit_id=unit_id, practitioner_id=practitioner_id, percent=percent))
    else:
        row.percent = percent
    session.flush()
    lists = {
        d.practitioner_id: d
        for d in rules.doctor_lists(session, unit_id, rules.unit_settings(session, unit_id))
    }
    if practitioner_id not in lists:
        raise BusinessRule("fixed_doctor_at_listing_unit: not a doctor at this unit")
    audit_service.record(
        session,
        actor=actor,
        action=ContactAction.UNIT_SETTINGS,
        detail={"unit_id": str(unit_id), "practitioner_id": str(practitioner_id), "percent": percent},
    )
    return lists[practitioner_id]


# --- Import from a records system ---------------------------------------------------------------------------------


def import_assignments(
    session: Session,
    *,
    actor: Actor,
    rows: Sequence[ImportRow],
    bad: Sequence[BadRow] = (),
    skip_invalid: bool = False,
) -> ImportReport:
    """Existing assignments from a records system (`naravard contacts import`), as the system actor (a batch
    job). Every row is checked against the register (patient, practitioner, unit, profession, listing, one
    fast läkarkontakt at a time, in the file and in the database); with any bad row nothing is written unless
    `skip_invalid`. The patient was informed on `informed_date` when the file says so."""
    if actor.role is not Role.SYSTEM:
        audit_service.refuse(
            session,
            actor=actor,
            action=ContactAction.FIXED_IMPORT,
            reason="role_not_permitted",
            message="imports run as a batch job",
        )
    from naravard.contacts import importer

    problems = list(bad)
    good = importer.check(session, rows, problems)
    if problems and not skip_invalid:
        return ImportReport(imported=0, bad=sorted(problems, key=lambda b: b.line), written=False)
    for row in good:
        audit_service.record(
            session,
            actor=actor,
            action=ContactAction.FIXED_IMPORT,
            patient_id=row.person_id,
            detail={"fixed_contact_id": str(row.id), "kind": row.kind},
        )
    rules.insert(session, good)
    return ImportReport(imported=len(good), bad=sorted(problems, key=lambda b: b.line), written=True)


# --- The patient's own page ----------------------------------------------------------------------------------------


def my_contacts(session: Session, *, actor: Actor) -> MyContacts:
    """The patient's fast läkare, fast vårdkontakter, listing unit and history; audited as a read."""
    if actor.role is not Role.PATIENT or actor.person_id is None:
        audit_service.refuse(
            session,
            actor=actor,
            action=ContactAction.MINE_READ,
            reason="role_not_permitted",
            message="these pages are the patient's own",
        )
    grant, _ = _open(session, actor, actor.person_id, consent_service.Access.READ, ContactAction.MINE_READ)
    rows = list(
        session.scalars(
            select(FixedContact)
            .where(FixedContact.person_id == actor.person_id)
            .order_by(FixedContact.valid_from.desc(), FixedContact.created_at.desc())
        )
    )
    history = rules.outs(session, rows)
    listing = rules.active_listing(session, actor.person_id)
    unit = org_service.get_unit(session, listing.unit_id) if listing else None
    grant.record(detail={"rows": len(rows)})
    return MyContacts(
        listed_unit=unit.name if unit else None,
        listed_organization=unit.organization_name if unit else None,
        doctor=next((h for h in history if h.active and h.kind == DOCTOR), None),
        care_contacts=[h for h in history if h.active and h.kind == CARE_CONTACT],
        history=history,
    )


# --- The follow-up's extract ------------------------------------------------------------------------------------


def export_fixed_contacts(session: Session, *, actor: Actor) -> list[ExtractRow]:
    """Every fixed contact, ended ones too, for the follow-up lake (`fixed_contacts`, with `informed_date`): the
    follow-up purpose only (`consent.service.may_export_population`), one audit row."""
    consent_service.may_export_population(session, actor=actor, action=ContactAction.FIXED_EXPORT)
    rows = list(
        session.scalars(select(FixedContact).order_by(FixedContact.person_id, FixedContact.valid_from))
    )
    professions = org_service.professions(session, {r.practitioner_id for r in rows})
    out = [
        ExtractRow(
            person_id=r.person_id,
            practitioner_id=r.practitioner_id,
            profession=rules.LAKE_PROFESSION.get(professions.get(r.practitioner_id, ""), "OVR"),
            kind=r.kind,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            informed_date=r.informed_at.date() if r.informed_at else None,
        )
        for r in rows
    ]
    audit_service.record(session, actor=actor, action=ContactAction.FIXED_EXPORT, detail={"rows": len(out)})
    return out


# --- Seeding (naravard.seeding) ----------------------------------------------------------------------------------


def seed_rows(
    session: Session,
    *,
    actor: Actor,
    listings: seeding.Rows = (),
    fixed_contacts: seeding.Rows = (),
    notices: seeding.Rows = (),
) -> None:
    """Seeding interface (`naravard.seeding`): listings (ended ones too), fixed contacts (with `kind`,
    `reason` and `informed_at` as the models take them) and their notices, inserted as given, by the system
    actor only, with one audit row per table."""
    from naravard.contacts.models import Notice as NoticeModel

    seeding.insert_rows(session, actor=actor, model=Listing, rows=listings, action=ContactAction.LISTING_SEED)
    seeding.insert_rows(
        session, actor=actor, model=FixedContact, rows=fixed_contacts, action=ContactAction.FIXED_SEED
    )
    seeding.insert_rows(
        session, actor=actor, model=NoticeModel, rows=notices, action=ContactAction.NOTICE_SEED
    )
