"""Patient search, overview and contact details. Every function that touches a person opens it through
`consent.service.open_patient` and records its grant in the caller's transaction."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Protocol

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from naravard import seeding
from naravard.accounts import service as accounts_service
from naravard.actor import Actor, Role
from naravard.audit import service as audit_service
from naravard.consent import service as consent_service
from naravard.consent.schemas import ConsentOut, ConsentRequest
from naravard.contacts import service as contacts_service
from naravard.db import keep_after_rollback, utcnow
from naravard.errors import Conflict, Invalid, NotFound, PreconditionFailed, RateLimited
from naravard.organizations import service as org_service
from naravard.patients import access_words, protection
from naravard.patients.actions import PatientAction
from naravard.patients.identity import format_identifier, parse_identifier
from naravard.patients.models import Person
from naravard.patients.schemas import (
    NOTE_MAX,
    AccessLogEntry,
    AccessQuestion,
    ContactUpdate,
    EmergencyAccessOut,
    Listing,
    ListingPeriod,
    PatientHit,
    PatientOverview,
    PatientSearch,
    PopulationRow,
)
from naravard.reference import municipality_name

BLOCKED_NAME = "Spärrad"
# Identity lookups per user and window (a clinician's day rarely needs more than a few an hour).
LOOKUP_LIMIT = 30
LOOKUP_WINDOW = timedelta(minutes=10)
_LOOKUP_TAG = '"query_kind": "identifier"'
_LOOKUP_MISS = {"query_kind": "identifier", "hits": 0}
_IDENTIFIER_LIKE = re.compile(r"^[0-9]{6,8}[-+]?[0-9]{4}$")
MAX_QUERY = 100


def _get_person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("no patient %(id)s", params={"id": person_id})
    return person


def _open(
    session: Session, actor: Actor, person: Person, access: consent_service.Access, action: StrEnum
) -> consent_service.PatientGrant:
    return consent_service.open_patient(
        session,
        actor=actor,
        person_id=person.id,
        protected_identity=person.protected_identity,
        access=access,
        action=action,
    )


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def search_patients(session: Session, *, actor: Actor, query: str, limit: int = 20) -> PatientSearch:
    """By personnummer/samordningsnummer (an identity lookup: found even without access, so that
    emergency access can be asked for) or by name (only patients the actor may see; `total` counts them
    all, of which the first `limit` are returned)."""
    query = (query or "").strip()
    consent_service.may_search_patients(session, actor=actor, action=PatientAction.SEARCH)
    if len(query) > MAX_QUERY:
        raise Invalid(
            "the search text may be at most %(max)s characters", field="q", params={"max": MAX_QUERY}
        )
    if not 1 <= limit <= 50:
        raise Invalid("limit must be 1-50", field="limit")
    compact = query.replace(" ", "")
    by_identifier = bool(_IDENTIFIER_LIKE.match(compact))
    if by_identifier:
        identity = parse_identifier(compact)
        _limit_lookups(session, actor)
        persons = list(session.scalars(select(Person).where(Person.identifier == identity.canonical)))
        total = len(persons)
        if not persons:
            # A miss is logged too: guessing numbers to find people must leave a trace.
            audit_service.record(session, actor=actor, action=PatientAction.SEARCH, detail=_LOOKUP_MISS)
    else:
        if len(query) < 2:
            raise Invalid("write at least two characters of the name, or a whole personnummer", field="q")
        persons, total = _search_by_name(session, actor=actor, query=query, limit=limit)
    listings = contacts_service.listing_units_for(session, [p.id for p in persons])
    units = org_service.get_units(session, set(listings.values()))
    hits: list[PatientHit] = []
    decisions = consent_service.read_decisions(
        session, actor=actor, persons={p.id: p.protected_identity for p in persons}
    )
    for person in persons:
        decision = decisions[person.id]
        # A block refuses even emergency access, so its holder learns nothing more than that it exists.
        blocked = decision.reason == "blocked"
        masked = blocked or protection.masked_in_search(person, readable=decision.allowed)
        unit = units.get(listings[person.id]) if person.id in listings else None
        hits.append(
            PatientHit(
                id=person.id,
                identifier=format_identifier(person.identifier),
                name=(BLOCKED_NAME if blocked else protection.PROTECTED_NAME)
                if masked
                else f"{person.given_name} {person.family_name}",
                birth_date=None if masked else person.birth_date,
                sex=None if masked else person.sex,
                protected_identity=person.protected_identity and not blocked,
                blocked=blocked,
                accessible=decision.allowed,
                listed_unit=None if masked or unit is None else unit.name,
                masked=masked,
            )
        )
        audit_service.record(
            session,
            actor=actor,
            action=PatientAction.SEARCH,
            patient_id=person.id,
            outcome=audit_service.Outcome.DENIED if blocked else audit_service.Outcome.ALLOWED,
            reason="blocked" if blocked else None,
            detail={"query_kind": "identifier" if by_identifier else "name"},
        )
    return PatientSearch(hits=hits, total=total, by_identifier=by_identifier)


def _limit_lookups(session: Session, actor: Actor) -> None:
    """At most LOOKUP_LIMIT identity lookups per user in LOOKUP_WINDOW, counted from the audit trail (so
    across workers and restarts): a person's number cannot be found by trying a birth date's series."""
    since = utcnow() - LOOKUP_WINDOW
    done = audit_service.count_actions(
        session,
        username=actor.username,
        action=PatientAction.SEARCH,
        since=since,
        detail_contains=_LOOKUP_TAG,
    )
    if done >= LOOKUP_LIMIT:
        keep_after_rollback(
            session,
            partial(
                audit_service.record,
                actor=actor,
                action=PatientAction.SEARCH,
                outcome=audit_service.Outcome.DENIED,
                reason="rate_limited",
                detail=_LOOKUP_MISS | {"refused": "rate_limited"},
            ),
        )
        raise RateLimited(
            "too many personnummer searches in a short time; try again in a few minutes",
            params={"minutes": int(LOOKUP_WINDOW.total_seconds() // 60)},
        )


def _search_by_name(session: Session, *, actor: Actor, query: str, limit: int) -> tuple[list[Person], int]:
    """The first `limit` matches the actor may see, and how many there are (counted under the same
    restriction, so the count never reveals a patient the list would not show)."""
    stmt = consent_service.restrict_to_visible(
        select(Person), actor=actor, person_id_col=Person.id, protected_col=Person.protected_identity
    )
    for term in query.lower().split()[:4]:
        # The user's text is matched literally: % and _ are not wildcards here.
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(
            or_(
                func.lower(Person.given_name).like(pattern, escape="\\"),
                func.lower(Person.family_name).like(pattern, escape="\\"),
            )
        )
    stmt = stmt.where(protection.findable_by_name())
    persons = list(session.scalars(stmt.order_by(Person.family_name, Person.given_name).limit(limit)))
    if len(persons) < limit:
        return persons, len(persons)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return persons, total


def get_overview(session: Session, *, actor: Actor, person_id: uuid.UUID) -> PatientOverview:
    person = _get_person(session, person_id)
    grant = _open(session, actor, person, consent_service.Access.READ, PatientAction.OVERVIEW_READ)
    overview = _build_overview(session, person=person, basis=grant.basis)
    grant.record()
    return overview


def update_contact_details(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    changes: ContactUpdate,
    expected_version: int | None,
) -> PatientOverview:
    """Versioned edit: a write based on an old version is refused, never merged."""
    person = _get_person(session, person_id)
    grant = _open(session, actor, person, consent_service.Access.WRITE, PatientAction.CONTACT_UPDATE)
    if expected_version is not None and expected_version != person.version:
        raise PreconditionFailed(
            "the patient was changed by someone else (version %(current)s, you edited %(edited)s)",
            params={"current": person.version, "edited": expected_version},
        )
    fields = changes.model_dump(exclude_unset=True)
    changed = sorted(k for k, v in fields.items() if (v or None) != getattr(person, k))
    for key, value in fields.items():
        setattr(person, key, value or None)
    person.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError as exc:  # a concurrent writer committed between our read and our write
        raise PreconditionFailed("the patient was changed by someone else; reload and try again") from exc
    # Which fields changed, never their values: the audit trail is read by log reviewers, who need to know
    # what was done, not the patient's phone number.
    grant.record(detail={"changed": changed})
    return _build_overview(session, person=person, basis=grant.basis)


def _build_overview(session: Session, *, person: Person, basis: str) -> PatientOverview:
    """The overview; the caller writes the audit row that covers it."""
    active = contacts_service.active_listing(session, person.id)
    listing = None
    if active is not None:
        unit = org_service.get_unit(session, active[0])
        listing = Listing(
            unit_id=unit.id,
            unit_name=unit.name,
            unit_hsa_id=unit.hsa_id,
            organization_name=unit.organization_name,
            since=active[1],
        )
    hide = not protection.shows_address(person)
    return PatientOverview(
        id=person.id,
        identifier=format_identifier(person.identifier),
        identifier_kind=person.identifier_kind,
        identifier_system=parse_identifier(person.identifier).system,
        given_name=person.given_name,
        family_name=person.family_name,
        birth_date=person.birth_date,
        age=_age(person.birth_date, utcnow().date()),
        sex=person.sex,
        protected_identity=person.protected_identity,
        municipality_code=None if hide else person.municipality_code,
        municipality=None if hide else municipality_name(person.municipality_code),
        address=None if hide else person.address,
        postal_code=None if hide else person.postal_code,
        city=None if hide else person.city,
        phone=person.phone,
        email=person.email,
        listing=listing,
        access_basis=basis,
        version=person.version,
    )


def open_emergency_access(
    session: Session, *, actor: Actor, person_id: uuid.UUID, reason: str
) -> EmergencyAccessOut:
    person = _get_person(session, person_id)
    grant = consent_service.open_emergency_access(
        session, actor=actor, person_id=person.id, protected_identity=person.protected_identity, reason=reason
    )
    return EmergencyAccessOut(id=grant.id, person_id=person.id, expires_at=grant.expires_at)


def record_consent(
    session: Session, *, actor: Actor, person_id: uuid.UUID, request: ConsentRequest
) -> ConsentOut:
    """The patient's consent, given by the patient or recorded by staff with a care relationship."""
    person = _get_person(session, person_id)
    row = consent_service.record_consent(
        session,
        actor=actor,
        person_id=person.id,
        protected_identity=person.protected_identity,
        organization_id=request.organization_id,
        method=consent_service.ConsentMethod(request.method) if request.method else None,
        given_by=consent_service.ConsentGiver(request.given_by) if request.given_by else None,
        valid_until=request.valid_until,
        note=request.note,
    )
    return consent_service.consent_views(session, [row])[0]


def list_consents(session: Session, *, actor: Actor, person_id: uuid.UUID) -> list[ConsentOut]:
    person = _get_person(session, person_id)
    rows = consent_service.list_consents(
        session, actor=actor, person_id=person.id, protected_identity=person.protected_identity
    )
    return consent_service.consent_views(session, rows)


def withdraw_consent(
    session: Session, *, actor: Actor, person_id: uuid.UUID, consent_id: uuid.UUID
) -> ConsentOut:
    person = _get_person(session, person_id)
    row = consent_service.withdraw_consent(
        session,
        actor=actor,
        person_id=person.id,
        protected_identity=person.protected_identity,
        consent_id=consent_id,
    )
    return consent_service.consent_views(session, [row])[0]


class _AuditRow(Protocol):
    """What the access log reads of an audit row (`audit.service.patient_reads`)."""

    seq: int
    occurred_at: datetime
    user_id: uuid.UUID | None
    username: str
    role: str
    unit_id: uuid.UUID | None
    purpose: str
    patient_id: uuid.UUID | None
    action: str
    outcome: str
    reason: str | None
    detail: str | None


def access_log(session: Session, *, actor: Actor, person_id: uuid.UUID) -> list[AccessLogEntry]:
    """ "Who has read my data", for the patient themself (and staff showing it to them): when, from which
    unit, who and why, so that the patient can judge whether each access was justified (PDL 8 kap. 5 §,
    HSLF-FS 2016:40 4 kap. 10 §). Newest first; the rows the patient has questioned are marked."""
    person = _get_person(session, person_id)
    grant = _open(session, actor, person, consent_service.Access.READ, PatientAction.ACCESS_LOG_READ)
    rows = audit_service.patient_reads(session, patient_id=person.id)
    entries = _log_entries(session, rows, questioned=_questioned_seqs(session, person.id))
    grant.record()
    return entries


def _questioned_seqs(session: Session, person_id: uuid.UUID) -> set[int]:
    asked = audit_service.questioned_reads(
        session, action=PatientAction.ACCESS_QUESTION, patient_id=person_id
    )
    return {row.seq for _, row in asked if row is not None}


def question_access(
    session: Session, *, actor: Actor, person_id: uuid.UUID, audit_seq: int, note: str = ""
) -> AccessQuestion:
    """The patient reports a row of their access log they question (an access they think was not
    justified); the log reviewer follows it up (`questioned_accesses`). Only the patient themself, only a
    row of their own log, once per row."""
    person = _get_person(session, person_id)
    if actor.role is not Role.PATIENT:
        audit_service.refuse(
            session,
            actor=actor,
            action=PatientAction.ACCESS_QUESTION,
            reason="role_not_permitted",
            message="only the patient may question a read of their data",
            patient_id=person.id,
        )
    grant = _open(session, actor, person, consent_service.Access.READ, PatientAction.ACCESS_QUESTION)
    note = _clean_note(note)
    row = next(
        (r for r in audit_service.patient_reads(session, patient_id=person.id) if r.seq == audit_seq), None
    )
    if row is None:
        raise NotFound("that read is not in your access log", field="audit_seq")
    if audit_seq in _questioned_seqs(session, person.id):
        raise Conflict("you have already reported this read")
    grant.record(detail={"questioned_seq": audit_seq, "note": note})
    asked = audit_service.questioned_reads(
        session, action=PatientAction.ACCESS_QUESTION, patient_id=person.id, limit=1
    )
    (entry,) = _log_entries(session, [row], questioned={audit_seq})
    return _question(person, asked[0][0], entry)


def _clean_note(note: str) -> str:
    """The patient's own words for the log reviewer: optional, bounded, no control or invisible characters
    (line breaks and tabs are kept)."""
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX:
        raise Invalid("the note may be at most %(max)s characters", field="note", params={"max": NOTE_MAX})
    if any(not ch.isprintable() and ch not in "\n\t" for ch in note):
        raise Invalid("the note may not contain control or invisible characters", field="note")
    return note


def questioned_accesses(session: Session, *, actor: Actor, limit: int = 500) -> list[AccessQuestion]:
    """The reads patients have reported, newest first, each with the row questioned, for the log reviewer
    (refused, and logged, for every other role). Reading them is logged."""
    if actor.role is not Role.LOG_REVIEWER:
        audit_service.refuse(
            session,
            actor=actor,
            action=PatientAction.ACCESS_QUESTION_LIST,
            reason="role_not_permitted",
            message="only a log reviewer may read the reported reads",
        )
    asked = audit_service.questioned_reads(session, action=PatientAction.ACCESS_QUESTION, limit=limit)
    person_ids = {q.patient_id for q, _ in asked if q.patient_id is not None}
    persons = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
    questioned = [row for _, row in asked if row is not None]
    # An emergency read's reason is in the row that opened the access, in the same patient's log.
    used_emergency = {
        r.patient_id
        for r in questioned
        if r.patient_id is not None and _under_emergency(r) and r.action != access_words.EMERGENCY_OPEN
    }
    openings = [
        r
        for pid in used_emergency
        for r in audit_service.patient_reads(session, patient_id=pid)
        if r.action == access_words.EMERGENCY_OPEN
    ]
    entries = {
        e.seq: e
        for e in _log_entries(
            session,
            questioned,
            questioned={r.seq for r in questioned},
            reasons=_emergency_reasons([*openings, *questioned]),
        )
    }
    out = [
        _question(persons[q.patient_id], q, entries.get(row.seq) if row is not None else None)
        for q, row in asked
        if q.patient_id in persons
    ]
    # the patients it names, as the log reviewer's other reads of names are logged
    audit_service.record(
        session,
        actor=actor,
        action=PatientAction.ACCESS_QUESTION_LIST,
        detail={"returned": len(out), "person_ids": sorted(str(pid) for pid in persons)},
    )
    return out


def _question(person: Person, question: _AuditRow, entry: AccessLogEntry | None) -> AccessQuestion:
    detail = json.loads(question.detail or "{}")
    return AccessQuestion(
        seq=question.seq,
        asked_at=question.occurred_at,
        person_id=person.id,
        # as the log reviewer's other pages name patients: a protected identity by number only
        patient_name=None if person.protected_identity else f"{person.given_name} {person.family_name}",
        patient_identifier=format_identifier(person.identifier),
        note=detail.get("note") or None,
        questioned=entry,
    )


def _log_entries(
    session: Session,
    rows: Sequence[_AuditRow],
    *,
    questioned: Collection[int] = (),
    reasons: dict[int, str] | None = None,
) -> list[AccessLogEntry]:
    """Audit rows as the access log shows them: the user's name (accounts) and profession (the
    organisation register), unit and organisation, and what was done and why in words (the reasons of the
    emergency accesses used: `_emergency_reasons` of the rows, unless given)."""
    units = org_service.get_units(session, {r.unit_id for r in rows if r.unit_id is not None})
    names = accounts_service.user_names(session, {r.user_id for r in rows if r.user_id is not None})
    professions = org_service.professions(
        session, {n.practitioner_id for n in names.values() if n.practitioner_id is not None}
    )
    if reasons is None:
        reasons = _emergency_reasons(rows)
    entries = []
    for r in rows:
        unit = units.get(r.unit_id) if r.unit_id is not None else None
        name = names.get(r.user_id) if r.user_id is not None else None
        practitioner = name.practitioner_id if name is not None else None
        entries.append(
            AccessLogEntry(
                seq=r.seq,
                when=r.occurred_at,
                who=r.username,
                name=name.display_name if name is not None else None,
                profession=access_words.profession(professions.get(practitioner) if practitioner else None),
                role=r.role,
                unit=unit.name if unit else None,
                organization=unit.organization_name if unit else None,
                action=r.action,
                what=access_words.what(r.action),
                purpose=r.purpose,
                why=access_words.why(purpose=r.purpose, outcome=r.outcome, reason=r.reason),
                emergency_reason=reasons.get(r.seq),
                outcome=r.outcome,
                questioned=r.seq in questioned,
            )
        )
    return entries


def _emergency_reasons(rows: Sequence[_AuditRow]) -> dict[int, str]:
    """The reason stated for the emergency access each emergency row used: the row that opened it holds
    the reason, and the rows after it by the same user on the same patient used it."""
    opened: dict[tuple[uuid.UUID | None, str], str] = {}
    reasons: dict[int, str] = {}
    for r in sorted(rows, key=lambda r: r.seq):
        key = (r.patient_id, str(r.user_id or r.username))
        if r.action == access_words.EMERGENCY_OPEN and r.reason:
            opened[key] = r.reason
        if _under_emergency(r) and key in opened:
            reasons[r.seq] = opened[key]
    return reasons


def _under_emergency(row: _AuditRow) -> bool:
    return row.purpose == "emergency" or row.outcome == "emergency"


def export_population(session: Session, *, actor: Actor) -> list[PopulationRow]:
    """The population for the follow-up lake, with each person's listing history (ended listings too): no
    names, no identifiers, one audit row for the export.

    Only the follow-up purpose (an analyst, or the system running the scheduled extract) may export.
    Protected identities keep only what the statistics need: their municipality is replaced by their
    listing unit's, so the export never narrows down where they live."""
    consent_service.may_export_population(session, actor=actor, action=PatientAction.POPULATION_EXPORT)
    persons = session.execute(
        select(Person.id, Person.sex, Person.birth_date, Person.municipality_code, Person.protected_identity)
    ).all()
    history: dict[uuid.UUID, list[ListingPeriod]] = {}
    for pid, unit_id, start, end in contacts_service.all_listings(session):
        history.setdefault(pid, []).append(ListingPeriod(unit_id=unit_id, start_date=start, end_date=end))
    rows = []
    for pid, sex, birth, municipality, protected in persons:
        listings = history.get(pid, [])
        active = next((li for li in reversed(listings) if li.end_date is None), None)
        rows.append(
            PopulationRow(
                person_id=pid,
                sex=sex,
                birth_date=birth,
                municipality_code=protection.exported_municipality(
                    protected=protected, municipality_code=municipality
                ),
                listing_unit_id=active.unit_id if active else None,
                listed_since=active.start_date if active else None,
                listings=listings,
            )
        )
    audit_service.record(
        session,
        actor=actor,
        action=PatientAction.POPULATION_EXPORT,
        detail={
            "persons": len(rows),
            "listings": sum(len(r.listings) for r in rows),
            "purpose": str(actor.purpose),
        },
    )
    return rows


# --- Seeding (naravard.seeding) ----------------------------------------------------------------------------


def seed_rows(session: Session, *, actor: Actor, persons: seeding.Rows = ()) -> None:
    """Seeding interface (`naravard.seeding`): persons, inserted as given (ids, canonical identifiers and
    ``version`` included), by the system actor only, with one audit row for the table."""
    seeding.insert_rows(session, actor=actor, model=Person, rows=persons, action=PatientAction.PERSON_SEED)


# --- The log reviewer's names for patients (issue 19) -------------------------------------------------------


@dataclass(frozen=True)
class ReviewedPerson:
    """A patient as the log reviewer sees one in the audit trail: who, nothing of the record."""

    id: uuid.UUID
    name: str | None  # None for a protected identity
    identifier: str  # YYYYMMDD-NNNN
    protected_identity: bool


def _only_the_log_reviewer(session: Session, actor: Actor, action: StrEnum) -> None:
    """The log reviewer has no care relationship with anyone: these reads serve log review only (PDL 4 kap.
    3 §), refused, and logged, for every other role."""
    if actor.role is not Role.LOG_REVIEWER:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="only a log reviewer may read the audit log",
        )


def person_id_for_log_review(
    session: Session, *, actor: Actor, identifier: str, action: StrEnum
) -> uuid.UUID | None:
    """The person with this personnummer or samordningsnummer, for the log reviewer's filter; None when
    there is none (the miss is logged under `action`, as an identity lookup's is: guessing numbers leaves a
    trace). A hit writes no row of its own: the log read it filters names the person."""
    _only_the_log_reviewer(session, actor, action)
    identity = parse_identifier(identifier)
    person_id = session.scalar(select(Person.id).where(Person.identifier == identity.canonical))
    if person_id is None:
        audit_service.record(session, actor=actor, action=action, detail=_LOOKUP_MISS)
    return person_id


def names_for_log_review(
    session: Session, *, actor: Actor, person_ids: Collection[uuid.UUID], action: StrEnum
) -> dict[uuid.UUID, ReviewedPerson]:
    """Name and personnummer of the persons a page of the audit trail names, for the log reviewer only;
    one audit row per call (a page read) naming them. A protected identity's name is left out: the
    personnummer identifies the person for the review, and following up an access needs no name."""
    _only_the_log_reviewer(session, actor, action)
    ids = sorted(set(person_ids), key=str)
    if not ids:
        return {}
    rows = session.execute(
        select(
            Person.id, Person.given_name, Person.family_name, Person.identifier, Person.protected_identity
        ).where(Person.id.in_(ids))
    )
    found = {
        pid: ReviewedPerson(
            id=pid,
            name=None if protected else f"{given} {family}",
            identifier=format_identifier(identifier),
            protected_identity=protected,
        )
        for pid, given, family, identifier, protected in rows
    }
    audit_service.record(
        session, actor=actor, action=action, detail={"person_ids": [str(pid) for pid in ids]}
    )
    return found


# --- Persons as other contexts' lists show them (issue 14: the fixed contacts) ------------------------------


@dataclass(frozen=True)
class PersonBrief:
    """Who a person is, as a list or a letter needs it; the address is None for a protected identity."""

    id: uuid.UUID
    name: str
    identifier: str  # YYYYMMDD-NNNN
    birth_date: date
    protected_identity: bool
    address: str | None
    postal_code: str | None
    city: str | None
    phone: str | None


def _brief(p: Person) -> PersonBrief:
    hide = not protection.shows_address(p)
    return PersonBrief(
        id=p.id,
        name=f"{p.given_name} {p.family_name}",
        identifier=format_identifier(p.identifier),
        birth_date=p.birth_date,
        protected_identity=p.protected_identity,
        address=None if hide else p.address,
        postal_code=None if hide else p.postal_code,
        city=None if hide else p.city,
        phone=p.phone,
    )


def visible_briefs(
    session: Session, *, actor: Actor, person_ids: Select[uuid.UUID]
) -> dict[uuid.UUID, PersonBrief]:
    """The persons of the subquery `person_ids` that the actor may read (`consent.service.restrict_to_visible`),
    for a list; writes no audit row: the caller's list writes its own. The system actor (a batch job run from
    the command line, never a request: `naravard contacts propose`) reads the subquery's persons as they are."""
    stmt = select(Person).where(Person.id.in_(person_ids))
    if actor.role is not Role.SYSTEM:
        stmt = consent_service.restrict_to_visible(
            stmt, actor=actor, person_id_col=Person.id, protected_col=Person.protected_identity
        )
    return {p.id: _brief(p) for p in session.scalars(stmt)}


def brief_for_grant(session: Session, person_id: uuid.UUID) -> PersonBrief:
    """One person, for a service that opens the patient itself (`consent.service.open_patient` needs the
    protected-identity flag) and shows the rest only under its grant; NotFound for an unknown id."""
    return _brief(_get_person(session, person_id))


def person_ids_by_identifier(session: Session, identifiers: set[str]) -> dict[str, uuid.UUID]:
    """Person ids by personnummer/samordningsnummer as written (any form `parse_identifier` reads), for batch
    imports by the system actor; a text that is no valid number, or names nobody, is left out. No audit row
    here (the import writes its own)."""
    canonical: dict[str, str] = {}
    for text in identifiers:
        try:
            canonical[text] = parse_identifier(text).canonical
        except Invalid:
            continue
    if not canonical:
        return {}
    rows = dict(
        session.execute(
            select(Person.identifier, Person.id).where(Person.identifier.in_(set(canonical.values())))
        ).all()
    )
    return {text: rows[c] for text, c in canonical.items() if c in rows}
