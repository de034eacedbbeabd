"""The unit's lists, figures and proposal: the manager's page (`unit_overview`), the proposal of a fast
läkarkontakt for everyone listed who lacks one (`propose_for_unit`, the pure rules in `proposal.py`) and its
confirmation in one transaction (`confirm_proposal`). Reached through `contacts.service`, which re-exports them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Actor, Role
from naravard.audit import service as audit_service
from naravard.consent import service as consent_service
from naravard.contacts import notices, rules
from naravard.contacts.actions import ContactAction
from naravard.contacts.continuity import ContinuitySource, NullContinuity
from naravard.contacts.guards import notifier as _notifier
from naravard.contacts.guards import open_person as _open
from naravard.contacts.guards import own_unit as _own_unit
from naravard.contacts.models import (
    FixedContact,
    FixedContactReason,
    Listing,
)
from naravard.contacts.needs import NeedFacts, age_on, need_reasons
from naravard.contacts.proposal import Candidate, propose
from naravard.contacts.schemas import (
    ConfirmResult,
    ConfirmRow,
    ContactRef,
    DoctorList,
    PopulationRow,
    PractitionerChoice,
    Proposal,
    ProposalEffect,
    ProposalRow,
    UnitFigures,
    UnitOverview,
    UnitSettings,
)
from naravard.errors import BusinessRule, Conflict, Invalid
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service

DOCTOR, CARE_CONTACT = rules.DOCTOR, rules.CARE_CONTACT
INFORMED_WITHIN = timedelta(days=14)  # ÖK 2021's follow-up of "informed about the fixed contact" (C_FLK_INF)
SHOWN = 500  # rows of a list on the manager's page


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
                doctor_contact=_ref(d, people) if d else None,
                care_contacts=[_ref(c, people) for c in care.get(pid, [])],
            )
        )
    rows.sort(key=lambda r: (r.name, str(r.person_id)))
    return rows, briefs, active, since


def _ref(contact: FixedContact, people: dict[uuid.UUID, org_service.PractitionerView]) -> ContactRef:
    person = people.get(contact.practitioner_id)
    return ContactRef(
        id=contact.id,
        version=contact.version,
        practitioner_id=contact.practitioner_id,
        name=person.name if person else "",
    )


def _care_contact_choices(session: Session, unit_id: uuid.UUID) -> list[PractitionerChoice]:
    """Licensed practitioners at the unit or at any home health care unit (the municipality's too)."""
    units = {unit_id} | {u.id for u in org_service.list_units(session) if u.kind == "home_health_care"}
    people = org_service.practitioners(session, unit_ids=units)
    return sorted(
        (
            PractitionerChoice(practitioner_id=p.id, name=p.name, profession=p.profession)
            for p in people.values()
            if p.profession in rules.LICENSED
        ),
        key=lambda c: (c.name, str(c.practitioner_id)),
    )


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
        care_contact_choices=_care_contact_choices(session, unit_id),
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
