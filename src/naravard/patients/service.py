"""Patient search, overview and contact details. Every function that touches a person opens it through
`consent.service.open_patient` and records its grant in the caller's transaction."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from enum import StrEnum
from functools import partial

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from naravard import seeding
from naravard.actor import Actor
from naravard.audit import service as audit_service
from naravard.consent import service as consent_service
from naravard.consent.schemas import ConsentOut, ConsentRequest
from naravard.contacts import service as contacts_service
from naravard.db import keep_after_rollback, utcnow
from naravard.errors import Invalid, NotFound, PreconditionFailed, RateLimited
from naravard.organizations import service as org_service
from naravard.patients import protection
from naravard.patients.actions import PatientAction
from naravard.patients.identity import format_identifier, parse_identifier
from naravard.patients.models import Person
from naravard.patients.schemas import (
    AccessLogEntry,
    ContactUpdate,
    EmergencyAccessOut,
    Listing,
    ListingPeriod,
    PatientHit,
    PatientOverview,
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
        raise NotFound(f"no patient {person_id}")
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


def search_patients(session: Session, *, actor: Actor, query: str, limit: int = 20) -> list[PatientHit]:
    """By personnummer/samordningsnummer (an identity lookup: found even without access, so that
    emergency access can be asked for) or by name (only patients the actor may see)."""
    query = (query or "").strip()
    consent_service.may_search_patients(session, actor=actor, action=PatientAction.SEARCH)
    if len(query) > MAX_QUERY:
        raise Invalid(f"the search text may be at most {MAX_QUERY} characters", field="q")
    if not 1 <= limit <= 50:
        raise Invalid("limit must be 1-50", field="limit")
    compact = query.replace(" ", "")
    by_identifier = bool(_IDENTIFIER_LIKE.match(compact))
    if by_identifier:
        identity = parse_identifier(compact)
        _limit_lookups(session, actor)
        persons = list(session.scalars(select(Person).where(Person.identifier == identity.canonical)))
        if not persons:
            # A miss is logged too: guessing numbers to find people must leave a trace.
            audit_service.record(session, actor=actor, action=PatientAction.SEARCH, detail=_LOOKUP_MISS)
    else:
        if len(query) < 2:
            raise Invalid("write at least two characters of the name, or a whole personnummer", field="q")
        persons = _search_by_name(session, actor=actor, query=query, limit=limit)
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
    return hits


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


def _search_by_name(session: Session, *, actor: Actor, query: str, limit: int) -> list[Person]:
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
    return list(session.scalars(stmt.order_by(Person.family_name, Person.given_name).limit(limit)))


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
            f"the patient was changed by someone else (version {person.version}, you edited {expected_version})"
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


def access_log(session: Session, *, actor: Actor, person_id: uuid.UUID) -> list[AccessLogEntry]:
    """ "Who has read my data": for the patient themself (and staff showing it to them)."""
    person = _get_person(session, person_id)
    grant = _open(session, actor, person, consent_service.Access.READ, PatientAction.ACCESS_LOG_READ)
    events = audit_service.patient_reads(session, patient_id=person.id)
    units = org_service.get_units(session, {e.unit_id for e in events if e.unit_id is not None})
    entries = [
        AccessLogEntry(
            when=e.occurred_at,
            who=e.username,
            role=e.role,
            unit=units[e.unit_id].name if e.unit_id in units else None,
            organization=units[e.unit_id].organization_name if e.unit_id in units else None,
            action=e.action,
            purpose=e.purpose,
            outcome=e.outcome,
        )
        for e in events
    ]
    grant.record()
    return entries


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
