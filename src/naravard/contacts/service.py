"""Listings, and the fixed contacts: fast läkarkontakt (HSL 7 kap. 3 §, PL 6 kap. 3 §) and fast vårdkontakt
(PL 6 kap. 2 §), assigned, changed and ended by the unit's manager (HSF 2017:80 4 kap.), with their history, the
unit's lists and proposal, and the notices that tell the patient (PL 3 kap. 2 §).

Every function that touches a patient opens them through `consent.service.open_patient` (lists through
`restrict_to_visible`, in `patients.service.visible_briefs`) and writes its audit row in the caller's
transaction; refusals go through `audit.service.refuse`; nothing here commits."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

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
from naravard.contacts.continuity import ContinuitySource, NullContinuity
from naravard.contacts.models import (
    DoctorFte,
    FixedContact,
    FixedContactReason,
    Listing,
    Notice,
    NoticeStatus,
    UnitContactSettings,
)
from naravard.contacts.needs import NeedFacts, age_on, need_reasons
from naravard.contacts.proposal import Candidate, propose
from naravard.contacts.schemas import (
    AssignRequest,
    BadRow,
    ChangeRequest,
    ChangeResult,
    ConfirmResult,
    ConfirmRow,
    DoctorList,
    EndRequest,
    ExtractRow,
    FixedContactOut,
    ImportReport,
    ImportRow,
    MyContacts,
    NoticeOut,
    PopulationRow,
    Proposal,
    ProposalEffect,
    ProposalRow,
    UnitFigures,
    UnitOverview,
    UnitSettings,
)
from naravard.db import utcnow
from naravard.errors import BusinessRule, Conflict, Invalid, NotFound
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service

DOCTOR, CARE_CONTACT = rules.DOCTOR, rules.CARE_CONTACT
INFORMED_WITHIN = timedelta(days=14)  # ÖK 2021's follow-up of "informed about the fixed contact" (C_FLK_INF)
SHOWN = 500  # rows of a list on the manager's page
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


# --- Who may act ------------------------------------------------------------------------------------------------


def _manager(
    session: Session, actor: Actor, action: ContactAction, person_id: uuid.UUID | None = None
) -> uuid.UUID:
    """The verksamhetschef appoints the fixed contacts (HSF 2017:80 4 kap.): a unit manager acting for a unit."""
    if actor.role is not Role.UNIT_MANAGER or actor.unit_id is None:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="only a unit manager appoints fixed contacts",
            patient_id=person_id,
        )
    return actor.unit_id


def _own_unit(session: Session, actor: Actor, unit_id: uuid.UUID, action: ContactAction) -> None:
    if _manager(session, actor, action) != unit_id:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="not_own_unit",
            message="a unit manager sees and changes the lists of their own unit only",
        )


def _open(
    session: Session,
    actor: Actor,
    person_id: uuid.UUID,
    access: consent_service.Access,
    action: ContactAction,
) -> tuple[consent_service.PatientGrant, patients_service.PersonBrief]:
    brief = patients_service.brief_for_grant(session, person_id)
    grant = consent_service.open_patient(
        session,
        actor=actor,
        person_id=person_id,
        protected_identity=brief.protected_identity,
        access=access,
        action=action,
    )
    return grant, brief


def _notifier(notifier: notices.Notifier | None) -> notices.Notifier:
    return notifier or notices.OutboxNotifier()


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


def _flush_versioned(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:  # a concurrent writer committed between our read and our write
        raise Conflict("the fixed contact was changed by someone else; reload and try again") from exc


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


# --- The unit's population, lists and figures ---------------------------------------------------------------------


def _population(
    session: Session,
    *,
    actor: Actor,
    unit_id: uuid.UUID,
    settings: UnitSettings,
    continuity: ContinuitySource,
    today: date,
) -> tuple[
    list[PopulationRow],
    dict[uuid.UUID, patients_service.PersonBrief],
    list[FixedContact],
    dict[uuid.UUID, date],
]:
    """Every listed person the manager may see, with fixed contacts and need reasons."""
    listed = rules.listed_ids(unit_id)
    briefs = patients_service.visible_briefs(session, actor=actor, person_ids=listed)
    since = dict(
        session.execute(
            select(Listing.person_id, Listing.start_date).where(
                Listing.unit_id == unit_id, Listing.end_date.is_(None)
            )
        ).all()
    )
    active = [c for c in rules.active_contacts(session, listed) if c.person_id in briefs]
    people = org_service.practitioners(session, ids={c.practitioner_id for c in active})
    home_care = {u.id for u in org_service.list_units(session) if u.kind == "home_health_care"}
    relations = (
        consent_service.care_relationship_units(session, person_ids=listed)
        if settings.need_home_health_care
        else {}
    )
    contacts = (
        continuity.contact_counts(list(briefs), since=today - timedelta(days=365))
        if settings.need_min_contacts is not None
        else None
    )
    doctor: dict[uuid.UUID, FixedContact] = {}
    care: dict[uuid.UUID, list[FixedContact]] = {}
    for c in active:
        if c.kind == DOCTOR:
            doctor[c.person_id] = c
        else:
            care.setdefault(c.person_id, []).append(c)
    rows = []
    for pid, b in briefs.items():
        facts = NeedFacts(
            birth_date=b.birth_date,
            in_home_health_care=bool(relations.get(pid, set()) & home_care),
            contacts_12m=None if contacts is None else contacts.get(pid, 0),
        )
        d = doctor.get(pid)
        mine = [d, *care.get(pid, [])] if d else care.get(pid, [])
        rows.append(
            PopulationRow(
                person_id=pid,
                name=b.name,
                identifier=b.identifier,
                age=age_on(b.birth_date, today),
                doctor_id=d.practitioner_id if d else None,
                doctor_name=people[d.practitioner_id].name if d and d.practitioner_id in people else None,
                care_contact_names=[
                    people[c.practitioner_id].name for c in care.get(pid, []) if c.practitioner_id in people
                ],
                needs=need_reasons(settings, facts, today=today),
                informed=all(c.informed_at is not None for c in mine),
            )
        )
    rows.sort(key=lambda r: (r.name, str(r.person_id)))
    return rows, briefs, active, since


def _figures(
    session: Session, rows: list[PopulationRow], active: list[FixedContact], unit_id: uuid.UUID, today: date
) -> UnitFigures:
    listed = {r.person_id for r in rows}
    recent = list(
        session.scalars(
            select(FixedContact).where(
                FixedContact.person_id.in_(rules.listed_ids(unit_id)),
                FixedContact.valid_from >= today - timedelta(days=365),
                FixedContact.valid_from <= today - INFORMED_WITHIN,
            )
        )
    )
    recent = [
        c for c in recent if c.person_id in listed and (c.valid_to is None or c.valid_to >= c.valid_from)
    ]
    informed = [
        c
        for c in recent
        if c.informed_at is not None and c.informed_at.date() - c.valid_from <= INFORMED_WITHIN
    ]
    complex_rows = [r for r in rows if r.needs]
    return UnitFigures(
        listed=len(rows),
        with_doctor=sum(1 for r in rows if r.doctor_id is not None),
        complex_needs=len(complex_rows),
        complex_with_care_contact=sum(1 for r in complex_rows if r.care_contact_names),
        started_last_year=len(recent),
        informed_within_14=len(informed),
    )


def unit_overview(
    session: Session,
    *,
    actor: Actor,
    unit_id: uuid.UUID,
    continuity: ContinuitySource | None = None,
    today: date | None = None,
) -> UnitOverview:
    """The manager's page: the listed population, each doctor's list against capacity, who lacks a fast
    läkarkontakt, who needs a fast vårdkontakt and has none (and why), and the live figures. One audit row."""
    today = today or date.today()
    continuity = continuity or NullContinuity()
    _own_unit(session, actor, unit_id, ContactAction.UNIT_READ)
    unit = org_service.get_unit(session, unit_id)
    settings = rules.unit_settings(session, unit_id)
    rows, _, active, _ = _population(
        session, actor=actor, unit_id=unit_id, settings=settings, continuity=continuity, today=today
    )
    lists = rules.doctor_lists(session, unit_id, settings)
    care_counts: dict[uuid.UUID, int] = {}
    for c in active:
        if c.kind == CARE_CONTACT:
            care_counts[c.practitioner_id] = care_counts.get(c.practitioner_id, 0) + 1
    people = org_service.practitioners(session, ids=set(care_counts))
    lists += [
        DoctorList(
            practitioner_id=pid,
            name=people[pid].name if pid in people else "",
            profession=people[pid].profession if pid in people else "",
            fte_percent=100,
            capacity=0,
            listed=n,
            kind=CARE_CONTACT,
        )
        for pid, n in sorted(
            care_counts.items(), key=lambda kv: people[kv[0]].name if kv[0] in people else ""
        )
    ]
    lacking = sorted((r for r in rows if r.doctor_id is None), key=lambda r: (-len(r.needs), r.name))
    needing = sorted(
        (r for r in rows if r.needs and not r.care_contact_names), key=lambda r: (-len(r.needs), r.name)
    )
    figures = _figures(session, rows, active, unit_id, today)
    audit_service.record(
        session,
        actor=actor,
        action=ContactAction.UNIT_READ,
        detail={"unit_id": str(unit_id), "listed": len(rows), "shown": min(len(rows), SHOWN)},
    )
    return UnitOverview(
        unit_id=unit.id,
        unit_name=unit.name,
        unit_hsa_id=unit.hsa_id,
        settings=settings,
        lists=lists,
        lacking_doctor=lacking[:SHOWN],
        needing_care_contact=needing[:SHOWN],
        population=rows[:SHOWN],
        figures=figures,
        continuity_source=continuity.name,
    )


# --- The proposal for a whole unit --------------------------------------------------------------------------------


def _household(brief: patients_service.PersonBrief) -> str | None:
    """A household as the platform knows one: the same address and postal code (never for a protected identity,
    whose address is not shown)."""
    if not brief.address or not brief.postal_code:
        return None
    return f"{' '.join(brief.address.lower().split())}|{brief.postal_code.replace(' ', '')}"


def propose_for_unit(
    session: Session,
    *,
    actor: Actor,
    unit_id: uuid.UUID,
    continuity: ContinuitySource | None = None,
    today: date | None = None,
    audit: bool = True,
) -> Proposal:
    """A fast läkarkontakt for everyone listed at the unit who lacks one (`contacts.proposal`), with the
    expected effect on the unit's continuity figures. Writes nothing but its audit row."""
    today = today or date.today()
    continuity = continuity or NullContinuity()
    if actor.role is not Role.SYSTEM:
        _own_unit(session, actor, unit_id, ContactAction.PROPOSAL_READ)
    unit = org_service.get_unit(session, unit_id)
    settings = rules.unit_settings(session, unit_id)
    rows, briefs, active, since = _population(
        session, actor=actor, unit_id=unit_id, settings=settings, continuity=continuity, today=today
    )
    lists = rules.doctor_lists(session, unit_id, settings)
    names = {d.practitioner_id: d.name for d in lists}
    everyone = [r.person_id for r in rows]
    visits = continuity.doctor_visits(everyone, list(names), since=today - timedelta(days=365))
    households = {pid: _household(b) for pid, b in briefs.items()}
    household_doctor = {
        households[c.person_id]: c.practitioner_id
        for c in active
        if c.kind == DOCTOR and c.unit_id == unit_id and households.get(c.person_id)
    }
    by_person = {r.person_id: r for r in rows}
    candidates = [
        Candidate(
            person=r.person_id,
            need=len(r.needs),
            order=since.get(r.person_id, today).toordinal(),
            household=households.get(r.person_id),
        )
        for r in rows
        if r.doctor_id is None
    ]
    placed = propose(candidates, rules.slots(lists), visits, household_doctor)
    sizes: dict[str | None, int] = {}
    for c in candidates:
        if c.household is not None:
            sizes[c.household] = sizes.get(c.household, 0) + 1
    out_rows = []
    for c in sorted(candidates, key=lambda c: (-c.need, c.order)):
        r = by_person[c.person]
        doc = placed.get(c.person)
        seen = visits.get(c.person, {})
        out_rows.append(
            ProposalRow(
                person_id=r.person_id,
                name=r.name,
                age=r.age,
                need=c.need,
                needs=r.needs,
                practitioner_id=doc,
                practitioner_name=names.get(doc) if doc else None,
                visits_with_proposed=seen.get(doc, 0) if doc else 0,
                most_seen_id=max(seen, key=lambda d: seen[d]) if seen else None,
                household=c.household is not None
                and (sizes.get(c.household, 0) > 1 or c.household in household_doctor),
            )
        )
    fixed_before = {c.person_id: c.practitioner_id for c in active if c.kind == DOCTOR}
    fixed_after = {**fixed_before, **placed}
    total_visits = sum(sum(v.values()) for v in visits.values())
    effect = ProposalEffect(
        listed=len(rows),
        with_doctor_before=len(fixed_before),
        with_doctor_after=len(fixed_after),
        doctor_visits=total_visits,
        visits_with_fixed_before=sum(visits.get(p, {}).get(d, 0) for p, d in fixed_before.items()),
        visits_with_fixed_after=sum(visits.get(p, {}).get(d, 0) for p, d in fixed_after.items()),
    )
    if audit:
        audit_service.record(
            session,
            actor=actor,
            action=ContactAction.PROPOSAL_READ,
            detail={"unit_id": str(unit_id), "candidates": len(candidates), "placed": len(placed)},
        )
    return Proposal(
        unit_id=unit.id,
        unit_name=unit.name,
        unit_hsa_id=unit.hsa_id,
        rows=out_rows,
        effect=effect,
        continuity_source=continuity.name,
        doctors=lists,
    )


def confirm_proposal(
    session: Session,
    *,
    actor: Actor,
    unit_id: uuid.UUID,
    rows: Sequence[ConfirmRow],
    today: date | None = None,
    notifier: notices.Notifier | None = None,
) -> ConfirmResult:
    """Assign every row (person -> doctor) in one transaction, all or nothing: each person listed at the unit and
    without a fast läkarkontakt, each doctor one of the unit's and within capacity. Two managers confirming
    overlapping proposals are serialised per unit; the second finds the patients taken and gets a conflict."""
    today = today or date.today()
    batch = actor.role is Role.SYSTEM  # naravard contacts propose --confirm: a batch job of the unit's
    if not batch:
        _own_unit(session, actor, unit_id, ContactAction.PROPOSAL_CONFIRM)
    if not rows:
        raise Invalid("the proposal has no rows to confirm", field="rows")
    people = [r.person_id for r in rows]
    if len(set(people)) != len(people):
        raise Invalid("a patient is named twice in the proposal", field="rows")
    rules.lock_unit(session, unit_id)
    lists = {
        d.practitioner_id: d
        for d in rules.doctor_lists(session, unit_id, rules.unit_settings(session, unit_id))
    }
    adding: dict[uuid.UUID, int] = {}
    for r in rows:
        if r.practitioner_id not in lists:
            raise BusinessRule(
                "fixed_doctor_at_listing_unit: a fast läkarkontakt must be a doctor at the patient's listing unit"
            )
        adding[r.practitioner_id] = adding.get(r.practitioner_id, 0) + 1
    for doc, n in adding.items():
        d = lists[doc]
        if d.listed + n > d.capacity:
            raise BusinessRule(
                "doctor_list_full: %(name)s has %(listed)s patients, the capacity is %(capacity)s",
                params={"name": d.name, "listed": d.listed + n, "capacity": d.capacity},
            )
    listings = {
        pid: lid
        for pid, lid in session.execute(
            select(Listing.person_id, Listing.id).where(
                Listing.person_id.in_(people), Listing.unit_id == unit_id, Listing.end_date.is_(None)
            )
        )
    }
    if len(listings) != len(people):
        raise BusinessRule("fixed_doctor_needs_listing: every patient must be listed at the unit")
    taken = session.scalars(
        select(FixedContact.person_id).where(
            FixedContact.person_id.in_(people), FixedContact.kind == DOCTOR, FixedContact.valid_to.is_(None)
        )
    ).all()
    if taken:
        raise Conflict(
            "%(n)s of the patients already have a fast läkarkontakt (another manager confirmed first); nothing was "
            "assigned: make a new proposal",
            params={"n": len(taken)},
        )
    grants = (
        []
        if batch
        else [
            _open(session, actor, pid, consent_service.Access.WRITE, ContactAction.PROPOSAL_CONFIRM)[0]
            for pid in people
        ]
    )
    new = [
        FixedContact(
            id=uuid.uuid4(),
            person_id=r.person_id,
            kind=DOCTOR,
            practitioner_id=r.practitioner_id,
            unit_id=unit_id,
            listing_id=listings[r.person_id],
            valid_from=today,
            valid_to=None,
            reason=FixedContactReason.UNIT_PROPOSAL.value,
            created_by=actor.username,
        )
        for r in rows
    ]
    rules.insert(session, new)
    sender = _notifier(notifier)
    for row in new:
        sender.notify(session, contact=row, event="assigned", by=actor.username)
    for i, row in enumerate(new):
        detail = {"fixed_contact_id": str(row.id), "kind": DOCTOR, "reason": row.reason}
        if batch:
            audit_service.record(
                session,
                actor=actor,
                action=ContactAction.PROPOSAL_CONFIRM,
                patient_id=row.person_id,
                detail=detail,
            )
        else:
            grants[i].record(detail=detail)
    return ConfirmResult(assigned=len(new), notices=len(new))


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


# --- Notices -------------------------------------------------------------------------------------------------------


def _notice_outs(session: Session, rows: list[Notice], names: dict[uuid.UUID, str]) -> list[NoticeOut]:
    return [
        NoticeOut(
            id=n.id,
            person_id=n.person_id,
            person_name=names.get(n.person_id),
            fixed_contact_id=n.fixed_contact_id,
            event=n.event,
            channel=n.channel,
            status=n.status,
            attempts=n.attempts,
            last_error=n.last_error,
            created_at=n.created_at,
            delivered_at=n.delivered_at,
            version=n.version,
        )
        for n in rows
    ]


def undelivered_notices(
    session: Session, *, actor: Actor, unit_id: uuid.UUID, limit: int = 200
) -> list[NoticeOut]:
    """The unit's notices not delivered (failed after the last try, or still waiting), oldest first."""
    _own_unit(session, actor, unit_id, ContactAction.NOTICE_LIST)
    listed = rules.listed_ids(unit_id)
    rows = list(
        session.scalars(
            select(Notice)
            .where(Notice.person_id.in_(listed), Notice.status != NoticeStatus.DELIVERED.value)
            .order_by(Notice.created_at)
            .limit(limit)
        )
    )
    briefs = patients_service.visible_briefs(
        session,
        actor=actor,
        person_ids=select(Listing.person_id).where(Listing.person_id.in_([n.person_id for n in rows])),
    )
    rows = [n for n in rows if n.person_id in briefs]
    audit_service.record(
        session,
        actor=actor,
        action=ContactAction.NOTICE_LIST,
        detail={"unit_id": str(unit_id), "rows": len(rows)},
    )
    return _notice_outs(session, rows, {pid: b.name for pid, b in briefs.items()})


def resend_notice(session: Session, *, actor: Actor, notice_id: uuid.UUID, version: int) -> NoticeOut:
    """Queue an undelivered notice again (a failed one gets a fresh set of tries); a stale version is a conflict."""
    unit = _manager(session, actor, ContactAction.NOTICE_RESEND)
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("no notice %(id)s", params={"id": notice_id})
    grant, brief = _open(
        session, actor, notice.person_id, consent_service.Access.WRITE, ContactAction.NOTICE_RESEND
    )
    listing = rules.active_listing(session, notice.person_id)
    if listing is None or listing.unit_id != unit:
        raise BusinessRule("notice_other_unit: only the listing unit's manager re-sends a notice")
    if notice.status == NoticeStatus.DELIVERED.value:
        raise Conflict("the notice was delivered already")
    if notice.version != version:
        raise Conflict("the notice was changed by someone else; reload and try again")
    notice.status = NoticeStatus.PENDING.value
    notice.attempts = 0
    notice.next_attempt_at = utcnow()
    notice.last_error = None
    _flush_versioned(session)
    grant.record(detail={"notice_id": str(notice.id)})
    return _notice_outs(session, [notice], {notice.person_id: brief.name})[0]


def claim_notices(
    session: Session, *, actor: Actor, now: datetime | None = None, limit: int = 100
) -> list[uuid.UUID]:
    """The worker's first step (a transaction of its own): mark due notices `sending`, a versioned update each,
    so a notice claimed by another worker meanwhile is skipped rather than sent twice."""
    _system(session, actor, ContactAction.NOTICE_DELIVER)
    now = now or utcnow()
    due = list(
        session.scalars(
            select(Notice)
            .where(Notice.status == NoticeStatus.PENDING.value, Notice.next_attempt_at <= now)
            .order_by(Notice.next_attempt_at)
            .limit(limit)
        )
    )
    claimed = []
    for n in due:
        try:
            with session.begin_nested():
                n.status = NoticeStatus.SENDING.value
                session.flush()
            claimed.append(n.id)
        except StaleDataError:
            continue
    return claimed


def _system(session: Session, actor: Actor, action: ContactAction) -> None:
    if actor.role is not Role.SYSTEM:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="the delivery worker runs as a batch job",
        )


def letter_for(
    session: Session, *, actor: Actor, notice_id: uuid.UUID, today: date | None = None
) -> notices.Letter:
    """The letter a notice carries (the worker's, and a manager's preview)."""
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("no notice %(id)s", params={"id": notice_id})
    contact = session.get(FixedContact, notice.fixed_contact_id)
    assert contact is not None
    brief = patients_service.brief_for_grant(session, notice.person_id)
    out = rules.outs(session, [contact])[0]
    lines = [x for x in (brief.address, f"{brief.postal_code or ''} {brief.city or ''}".strip()) if x]
    return notices.Letter(
        notice_id=notice.id,
        event=notice.event,
        patient_name=brief.name,
        address_lines=lines,
        kind=contact.kind,
        practitioner_name=out.practitioner_name,
        profession=out.profession,
        unit_name=out.unit_name,
        organization_name=out.organization_name,
        valid_from=contact.valid_from,
        valid_to=contact.valid_to,
        today=today or date.today(),
    )


def record_delivery(
    session: Session,
    *,
    actor: Actor,
    notice_id: uuid.UUID,
    ref: str | None,
    error: str | None,
    now: datetime | None = None,
) -> str:
    """The worker's last step for one notice (a transaction of its own): delivered (the fixed contact records
    when and how the patient was informed), or failed (back-off, then `failed` after the last try)."""
    _system(session, actor, ContactAction.NOTICE_DELIVER)
    now = now or utcnow()
    notice = session.get(Notice, notice_id)
    if notice is None or notice.status != NoticeStatus.SENDING.value:
        return "skipped"
    notice.attempts += 1
    if error is None:
        notice.status = NoticeStatus.DELIVERED.value
        notice.delivered_at = now
        notice.delivery_ref = (ref or "")[:100] or None
        contact = session.get(FixedContact, notice.fixed_contact_id)
        if contact is not None and notice.event != "ended" and contact.informed_at is None:
            contact.informed_at, contact.informed_how = now, notice.channel
        audit_service.record(
            session,
            actor=actor,
            action=ContactAction.NOTICE_DELIVER,
            patient_id=notice.person_id,
            detail={"notice_id": str(notice.id), "channel": notice.channel},
        )
    else:
        notice.last_error = error[:500]
        if notice.attempts >= notices.MAX_ATTEMPTS:
            notice.status = NoticeStatus.FAILED.value
        else:
            notice.status = NoticeStatus.PENDING.value
            notice.next_attempt_at = now + notices.backoff(notice.attempts)
        audit_service.record(
            session,
            actor=actor,
            action=ContactAction.NOTICE_FAIL,
            patient_id=notice.person_id,
            detail={"notice_id": str(notice.id), "attempts": notice.attempts, "status": notice.status},
        )
    session.flush()
    return notice.status


def deliver_notices(
    unit_of_work: Callable[[], object],
    *,
    actor: Actor,
    channel: notices.Channel,
    now: datetime | None = None,
    limit: int = 100,
) -> dict[str, int]:
    """Deliver the due notices: claim them (one transaction), then each in a transaction of its own: the letter,
    the channel (the notice's id its idempotency key), the record. `unit_of_work()` opens a transaction
    (a context manager yielding a session, `db.transaction(factory)`)."""
    counts = {"delivered": 0, "pending": 0, "failed": 0, "skipped": 0}
    with unit_of_work() as session:  # type: ignore[attr-defined]
        claimed = claim_notices(session, actor=actor, now=now, limit=limit)
    for notice_id in claimed:
        ref = error = None
        with unit_of_work() as session:  # type: ignore[attr-defined]
            letter = letter_for(session, actor=actor, notice_id=notice_id)
        try:
            ref = channel.send(key=str(notice_id), letter=letter, pdf=notices.letter_pdf(letter))
        except Exception as exc:  # any failure of the channel is retried later
            error = f"{type(exc).__name__}: {exc}"
        with unit_of_work() as session:  # type: ignore[attr-defined]
            status = record_delivery(session, actor=actor, notice_id=notice_id, ref=ref, error=error, now=now)
        counts[status if status in counts else "skipped"] += 1
    return counts


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
