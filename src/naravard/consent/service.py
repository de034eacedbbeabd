"""Consent, blocks, care relationships and emergency access, and the policy gate every patient read or
write goes through."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    UnaryExpression,
    and_,
    bindparam,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from naravard import seeding
from naravard.actor import CARE_ROLES, Actor, CareDomain, Purpose, Role
from naravard.audit import service as audit_service
from naravard.consent.actions import ConsentAction
from naravard.consent.models import Block, CareRelationship, Consent, EmergencyAccess
from naravard.consent.policy import (  # Access is part of this service's interface
    REASON_TEXT,
    Access,
    AccessFacts,
    Decision,
    decide,
    may_open_emergency,
    may_record_consent,
    may_use_emergency_access,
)
from naravard.consent.reasons import clean_reason
from naravard.consent.schemas import (  # the enums are this service's too
    ConsentGiver,
    ConsentMethod,
    ConsentOut,
    OnRequestOut,
)
from naravard.contacts import service as contacts_service
from naravard.db import utcnow
from naravard.errors import Conflict, Forbidden, Invalid, NotFound
from naravard.organizations import service as org_service

EMERGENCY_HOURS = 4


def _active_consent(org_id: uuid.UUID | None, now: datetime) -> Select[uuid.UUID]:
    return select(Consent.person_id).where(
        Consent.organization_id == org_id,
        Consent.withdrawn_at.is_(None),
        or_(Consent.valid_until.is_(None), Consent.valid_until > now),
    )


def _blocking(org_id: uuid.UUID | None) -> Select[uuid.UUID]:
    return select(Block.person_id).where(
        Block.lifted_at.is_(None),
        or_(Block.blocked_organization_id.is_(None), Block.blocked_organization_id == org_id),
    )


def _related(unit_id: uuid.UUID) -> Select[uuid.UUID]:
    return select(CareRelationship.person_id).where(
        CareRelationship.unit_id == unit_id, CareRelationship.ended_at.is_(None)
    )


def _held_by_organization(org_id: uuid.UUID | None, domain: CareDomain) -> CompoundSelect[uuid.UUID]:
    """Persons listed at, or in a care relationship with, any unit of the organisation in the care domain:
    its consent opens none of them to its other units of that domain (inre sekretess)."""
    units = org_service.unit_ids_of(org_id, domain=domain)
    related = select(CareRelationship.person_id).where(
        CareRelationship.unit_id.in_(units), CareRelationship.ended_at.is_(None)
    )
    return contacts_service.listed_person_ids_in(units).union(related)


@dataclass(frozen=True)
class Visibility:
    """Subqueries of person ids: `direct` always visible; `consented` visible unless protected, blocked or
    held by the actor's own organisation."""

    direct: Select[uuid.UUID] | CompoundSelect[uuid.UUID] | None
    consented: Select[uuid.UUID] | None
    blocked: Select[uuid.UUID] | None
    held: CompoundSelect[uuid.UUID] | None = None


def _visibility(actor: Actor) -> Visibility:
    """The SQL form of `policy.decide(..., READ)` without emergency: what a list or search may show.

    The caller (patients.service) adds `protected_identity = false` to the consented branch and
    excludes `blocked` from it, because the person table is its own."""
    if actor.role is Role.PATIENT or actor.unit_id is None:
        return Visibility(None, None, None)
    if actor.role not in CARE_ROLES:
        return Visibility(None, None, None)
    direct = contacts_service.listed_person_ids(actor.unit_id).union(_related(actor.unit_id))
    return Visibility(
        direct,
        _active_consent(actor.organization_id, utcnow()),
        _blocking(actor.organization_id),
        _held_by_organization(actor.organization_id, actor.care_domain),
    )


def gather_facts(
    session: Session, *, actor: Actor, person_id: uuid.UUID, protected_identity: bool
) -> AccessFacts:
    """Every fact the policy needs, in one round trip (this runs on every patient read)."""
    return gather_facts_many(session, actor=actor, persons={person_id: protected_identity})[person_id]


def _facts_statement(domain: CareDomain, with_emergency: bool) -> CompoundSelect[Any]:
    """The facts query for persons `:ids` (expanding), at `:now`; with the actor's open emergency accesses
    (`:user_id`, `:unit_id`) when `with_emergency`. Built once per shape and kept (`_FACTS_STATEMENTS`):
    building the expression and its cache key cost more CPU than running the query on every patient read.
    Everything actor-specific is a bound parameter, so one statement serves every actor of the domain."""
    ids: Any = bindparam("ids", expanding=True)  # `in_` takes an expanding parameter in place of a list
    now: Any = bindparam("now")
    held = union_all(
        contacts_service.listed_unit_ids(ids),
        select(CareRelationship.person_id, CareRelationship.unit_id).where(
            CareRelationship.person_id.in_(ids), CareRelationship.ended_at.is_(None)
        ),
    ).subquery()
    unit_orgs = org_service.unit_organization_ids(domain=domain).subquery()
    parts = [
        select(held.c.person_id, held.c.unit_id, literal("direct")),
        select(held.c.person_id, unit_orgs.c.organization_id, literal("direct_org")).join(
            unit_orgs, unit_orgs.c.unit_id == held.c.unit_id
        ),
        select(Consent.person_id, Consent.organization_id, literal("consent")).where(
            Consent.person_id.in_(ids),
            Consent.withdrawn_at.is_(None),
            or_(Consent.valid_until.is_(None), Consent.valid_until > now),
        ),
        select(Block.person_id, Block.blocked_organization_id, literal("block")).where(
            Block.person_id.in_(ids), Block.lifted_at.is_(None)
        ),
    ]
    if with_emergency:
        parts.append(
            select(EmergencyAccess.person_id, EmergencyAccess.unit_id, literal("emergency")).where(
                EmergencyAccess.person_id.in_(ids),
                EmergencyAccess.user_id == bindparam("user_id"),
                EmergencyAccess.unit_id == bindparam("unit_id"),
                EmergencyAccess.expires_at > now,
            )
        )
    return union_all(*parts)


_FACTS_STATEMENTS: dict[tuple[CareDomain, bool], CompoundSelect[Any]] = {}


def gather_facts_many(
    session: Session, *, actor: Actor, persons: dict[uuid.UUID, bool]
) -> dict[uuid.UUID, AccessFacts]:
    """The facts for several persons (person id -> protected identity) in one round trip, so a list of
    search hits costs one query, not one per hit."""
    if not persons:
        return {}
    with_emergency = actor.user_id is not None and actor.unit_id is not None
    key = (actor.care_domain, with_emergency)
    stmt = _FACTS_STATEMENTS.get(key)
    if stmt is None:
        stmt = _FACTS_STATEMENTS[key] = _facts_statement(*key)
    params: dict[str, Any] = {"ids": list(persons), "now": utcnow()}
    if with_emergency:
        params.update(user_id=actor.user_id, unit_id=actor.unit_id)
    rows = session.execute(stmt, params).all()
    facts = {}
    for pid, protected in persons.items():
        mine = [(ref, kind) for p, ref, kind in rows if p == pid]
        blocks = [ref for ref, kind in mine if kind == "block"]
        facts[pid] = AccessFacts(
            person_id=pid,
            protected_identity=protected,
            direct_unit_ids=frozenset(ref for ref, kind in mine if kind == "direct"),
            consent_organization_ids=frozenset(ref for ref, kind in mine if kind == "consent"),
            blocked_organization_ids=frozenset(b for b in blocks if b is not None),
            blocked_for_all=any(b is None for b in blocks),
            emergency_active=any(kind == "emergency" for _, kind in mine),
            direct_organization_ids=frozenset(ref for ref, kind in mine if kind == "direct_org"),
        )
    return facts


@dataclass(frozen=True)
class PatientGrant:
    """Leave to act on one patient for one action, as the policy decided it. `record` writes the allowed
    audit row with the actor the decision calls for (purpose `emergency` when emergency access was the
    basis), so no caller can log the access under the wrong purpose or outcome."""

    session: Session
    actor: Actor  # as audited: the purpose is emergency when emergency access was the basis
    person_id: uuid.UUID
    action: StrEnum
    decision: Decision

    @property
    def basis(self) -> str:
        return self.decision.basis

    @property
    def outcome(self) -> audit_service.Outcome:
        return (
            audit_service.Outcome.EMERGENCY
            if self.decision.basis == "emergency"
            else audit_service.Outcome.ALLOWED
        )

    def record(self, *, detail: dict[str, Any] | None = None) -> None:
        audit_service.record(
            self.session,
            actor=self.actor,
            action=self.action,
            outcome=self.outcome,
            patient_id=self.person_id,
            reason=self.decision.reason,
            detail=detail,
        )


def open_patient(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    protected_identity: bool,
    access: Access,
    action: StrEnum,
) -> PatientGrant:
    """The one gate to a patient's data: the policy's decision on the facts, a refusal raised (and logged
    by the unit of work), or a grant whose `record` writes the allowed row with the caller's work."""
    facts = gather_facts(session, actor=actor, person_id=person_id, protected_identity=protected_identity)
    decision = decide(actor, facts, access)
    if not decision.allowed:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason=decision.reason,
            message=REASON_TEXT.get(decision.reason, decision.reason),
            patient_id=person_id,
        )
    audited = actor.with_purpose(Purpose.EMERGENCY) if decision.basis == "emergency" else actor
    return PatientGrant(session, audited, person_id, action, decision)


def restrict_to_visible(
    stmt: Select[Any],
    *,
    actor: Actor,
    person_id_col: InstrumentedAttribute[uuid.UUID],
    protected_col: InstrumentedAttribute[bool],
) -> Select[Any]:
    """`stmt` limited to the persons the actor may read (the SQL form of `decide(..., READ)` without
    emergency access): a list, a search or an export built on it cannot show a row opening would refuse."""
    visibility = _visibility(actor)
    return stmt.where(_restriction_clause(visibility, person_id_col, protected_col))


def read_decisions(
    session: Session, *, actor: Actor, persons: dict[uuid.UUID, bool]
) -> dict[uuid.UUID, Decision]:
    """What opening each person (id -> protected identity) to read would decide, in one round trip: what a
    list of identity-lookup hits shows. Writes nothing; the caller logs the lookup."""
    facts = gather_facts_many(session, actor=actor, persons=persons)
    return {pid: decide(actor, f, Access.READ) for pid, f in facts.items()}


def offers_emergency_access(actor: Actor, refusal_reason: str | None) -> bool:
    """Whether a refused reader is offered emergency access: the role may use it (health care only), and a
    block (which it would not open) did not refuse."""
    return may_use_emergency_access(actor) and refusal_reason != "blocked"


def may_export_population(session: Session, *, actor: Actor, action: StrEnum) -> None:
    """Only the follow-up purpose (an analyst, or the system running the scheduled extract) exports the
    population (names and numbers left out); refused and logged else."""
    if actor.role not in (Role.ANALYST, Role.SYSTEM):
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="only the follow-up purpose may export the population",
        )


def may_search_patients(session: Session, *, actor: Actor, action: StrEnum) -> None:
    """Searching patients is for care roles (the policy's own rule for reading); refused and logged else."""
    if actor.role not in CARE_ROLES:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="your role does not give access to patient records",
        )


def open_emergency_access(
    session: Session, *, actor: Actor, person_id: uuid.UUID, protected_identity: bool, reason: str
) -> EmergencyAccess:
    reason = clean_reason(reason)
    facts = gather_facts(session, actor=actor, person_id=person_id, protected_identity=protected_identity)
    decision = may_open_emergency(actor, facts)
    if not decision.allowed or actor.user_id is None or actor.unit_id is None:
        audit_service.refuse(
            session,
            actor=actor,
            action=ConsentAction.EMERGENCY_OPEN,
            reason=decision.reason,
            message=REASON_TEXT.get(decision.reason, decision.reason),
            patient_id=person_id,
        )
    grant = EmergencyAccess(
        person_id=person_id,
        user_id=actor.user_id,
        unit_id=actor.unit_id,
        reason=reason,
        expires_at=utcnow() + timedelta(hours=EMERGENCY_HOURS),
    )
    session.add(grant)
    session.flush()
    audit_service.record(
        session,
        actor=actor.with_purpose(Purpose.EMERGENCY),
        action=ConsentAction.EMERGENCY_OPEN,
        outcome=audit_service.Outcome.EMERGENCY,
        patient_id=person_id,
        reason=reason,
        detail={"emergency_access_id": str(grant.id), "expires_at": grant.expires_at.isoformat()},
    )
    return grant


def _add_or_not_found(session: Session, row: object, what: str) -> None:
    """Insert `row`; an unknown patient or organisation id is a 404, not a 500."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise NotFound(f"unknown {what}") from exc


def _require_role(
    session: Session, actor: Actor, roles: set[Role], action: StrEnum, person_id: uuid.UUID | None = None
) -> None:
    if actor.role not in roles:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message=REASON_TEXT["role_not_permitted"],
            patient_id=person_id,
        )


def list_emergency_accesses(
    session: Session,
    *,
    actor: Actor,
    unreviewed_only: bool = True,
    reviewed_only: bool = False,
    limit: int = 200,
) -> list[EmergencyAccess]:
    """Emergency accesses for the log reviewer, newest first: those to review (`unreviewed_only`), those
    reviewed, with who, when and the note (`reviewed_only`, latest review first), or all."""
    return _review_queue(
        session,
        actor=actor,
        action=ConsentAction.EMERGENCY_LIST,
        stmt=select(EmergencyAccess),
        newest=EmergencyAccess.created_at,
        reviewed_at=EmergencyAccess.reviewed_at,
        unreviewed_only=unreviewed_only,
        reviewed_only=reviewed_only,
        limit=limit,
    )


def _review_queue(
    session: Session,
    *,
    actor: Actor,
    action: StrEnum,
    stmt: Select[Any],
    newest: InstrumentedAttribute[datetime],
    reviewed_at: InstrumentedAttribute[datetime | None],
    unreviewed_only: bool,
    reviewed_only: bool,
    limit: int,
) -> list[Any]:
    """A log reviewer's list (emergency accesses, staff-recorded consents): to review, newest first; or
    reviewed, latest review first; or all. Refused for other roles; the read is logged."""
    _require_role(session, actor, {Role.LOG_REVIEWER}, action)
    order: UnaryExpression[Any] = newest.desc()
    if unreviewed_only:
        stmt = stmt.where(reviewed_at.is_(None))
    elif reviewed_only:
        stmt = stmt.where(reviewed_at.is_not(None))
        order = reviewed_at.desc()
    rows = list(session.scalars(stmt.order_by(order).limit(limit)))
    audit_service.record(
        session,
        actor=actor,
        action=action,
        detail={"returned": len(rows), "unreviewed_only": unreviewed_only, "reviewed_only": reviewed_only},
    )
    return rows


REVIEW_NOTE_MAX = 1000


def clean_review_note(note: str | None) -> str:
    """A review's note, trimmed: the log reviewer writes what the review found (PDL 4 kap. 3 §: access is
    followed up, and the follow-up is documented), so an empty note is refused."""
    cleaned = (note or "").strip()
    if not cleaned:
        raise Invalid("write a note on what the review found", field="note")
    if len(cleaned) > REVIEW_NOTE_MAX:
        raise Invalid("the note may be at most 1000 characters", field="note")
    return cleaned


def review_emergency_access(
    session: Session, *, actor: Actor, access_id: uuid.UUID, note: str
) -> EmergencyAccess:
    """Mark an emergency access reviewed, with the reviewer's note; it then stays in the history."""
    _require_role(session, actor, {Role.LOG_REVIEWER}, ConsentAction.EMERGENCY_REVIEW)
    grant = session.get(EmergencyAccess, access_id)
    if grant is None:
        raise NotFound("no such emergency access")
    if grant.reviewed_at is not None:
        raise Conflict("this emergency access has already been reviewed")
    _mark_reviewed(session, actor, grant, ConsentAction.EMERGENCY_REVIEW, "emergency_access_id", note)
    return grant


def _mark_reviewed(
    session: Session, actor: Actor, row: EmergencyAccess | Consent, action: StrEnum, id_key: str, note: str
) -> None:
    """The reviewer's mark and note on an emergency access or a staff-recorded consent, and its audit row."""
    cleaned = clean_review_note(note)
    row.reviewed_at, row.reviewed_by, row.review_note = utcnow(), actor.username, cleaned
    audit_service.record(
        session,
        actor=actor,
        action=action,
        patient_id=row.person_id,
        detail={id_key: str(row.id), "note": cleaned},
    )


def _may_write_consent(
    session: Session, *, actor: Actor, person_id: uuid.UUID, protected_identity: bool, action: StrEnum
) -> Decision:
    """The gate of recording and withdrawing a consent (`policy.may_record_consent`); refused and logged."""
    facts = gather_facts(session, actor=actor, person_id=person_id, protected_identity=protected_identity)
    decision = may_record_consent(actor, facts)
    if not decision.allowed:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason=decision.reason,
            message=REASON_TEXT.get(decision.reason, decision.reason),
            patient_id=person_id,
        )
    return decision


def record_consent(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    protected_identity: bool,
    organization_id: uuid.UUID | None = None,
    method: ConsentMethod | None = None,
    given_by: ConsentGiver | None = None,
    valid_until: datetime | None = None,
    note: str | None = None,
) -> Consent:
    """Record the patient's consent that an organisation may read data held by other providers.

    A consent is the patient's act: the patient gives it through their own login (for any organisation),
    or staff record what the patient told their unit, which must have a care relationship with the
    patient, for their own organisation, stating how it was given and by whom. A consent recorded by
    staff is flagged for the log reviewer; the patient sees and may withdraw every consent."""
    action = ConsentAction.CONSENT_RECORD
    decision = _may_write_consent(
        session, actor=actor, person_id=person_id, protected_identity=protected_identity, action=action
    )
    if actor.role is Role.PATIENT:
        if organization_id is None:
            raise Invalid("choose the organisation the consent is for", field="organization_id")
        if method not in (None, ConsentMethod.SELF_SERVICE) or given_by not in (None, ConsentGiver.PATIENT):
            raise Invalid("a consent given through your own login is your own", field="method")
        method, given_by = ConsentMethod.SELF_SERVICE, ConsentGiver.PATIENT
    else:
        if actor.organization_id is None:
            raise Invalid("the actor acts for no organisation")
        if organization_id not in (None, actor.organization_id):
            raise Invalid(
                "staff record a consent for their own organisation only; the patient may give others",
                field="organization_id",
            )
        organization_id = actor.organization_id
        if actor.role is not Role.SYSTEM and (method not in (ConsentMethod.VERBAL, ConsentMethod.WRITTEN)):
            raise Invalid("state how the patient gave the consent (verbal or written)", field="method")
        if actor.role is not Role.SYSTEM and given_by is None:
            raise Invalid(
                "state who gave the consent (the patient, a guardian or a representative)", field="given_by"
            )
    if valid_until is not None and valid_until <= utcnow():
        raise Invalid("a consent cannot end before it is given", field="valid_until")
    consent = Consent(
        person_id=person_id,
        organization_id=organization_id,
        given_at=utcnow(),
        valid_until=valid_until,
        recorded_by=actor.username,
        recorded_by_unit_id=actor.unit_id,
        method=str(method) if method else None,
        given_by=str(given_by) if given_by else None,
        note=(note or "").strip() or None,
    )
    _add_or_not_found(session, consent, "patient or organisation")
    audit_service.record(
        session,
        actor=actor,
        action=action,
        patient_id=person_id,
        reason=decision.reason,
        detail={
            "consent_id": str(consent.id),
            "organization_id": str(organization_id),
            "method": consent.method,
            "given_by": consent.given_by,
            "flagged": _flagged(consent),
        },
    )
    return consent


def organizations(session: Session) -> list[tuple[uuid.UUID, str, str]]:
    """Whom a patient may consent for: (id, name, kind) of every organisation."""
    return org_service.list_organizations(session)


def consent_views(session: Session, rows: list[Consent]) -> list[ConsentOut]:
    """What the patient (and the reviewer) read: names, not ids."""
    units = org_service.get_units(session, {r.recorded_by_unit_id for r in rows if r.recorded_by_unit_id})
    orgs = {org_id: name for org_id, name, _ in org_service.list_organizations(session)}
    now = utcnow()
    return [
        ConsentOut(
            id=r.id,
            person_id=r.person_id,
            organization_id=r.organization_id,
            organization_name=orgs.get(r.organization_id, ""),
            given_at=r.given_at,
            valid_until=r.valid_until,
            withdrawn_at=r.withdrawn_at,
            withdrawn_by=r.withdrawn_by,
            method=r.method,
            given_by=r.given_by,
            recorded_by=r.recorded_by,
            recorded_by_unit=units[r.recorded_by_unit_id].name if r.recorded_by_unit_id in units else None,
            note=r.note,
            active=r.withdrawn_at is None and (r.valid_until is None or r.valid_until > now),
            flagged=_flagged(r),
            reviewed_at=r.reviewed_at,
            reviewed_by=r.reviewed_by,
            review_note=r.review_note,
            request_reference=r.request_reference,
        )
        for r in rows
    ]


def _flagged(consent: Consent) -> bool:
    """Staff-recorded consents go to the log reviewer; the patient's own and batch imports do not."""
    return consent.method in (ConsentMethod.VERBAL, ConsentMethod.WRITTEN)


def list_consents(
    session: Session, *, actor: Actor, person_id: uuid.UUID, protected_identity: bool
) -> list[Consent]:
    """Every consent of the patient, withdrawn ones too: the patient's own view (and staff who may read the
    patient)."""
    action = ConsentAction.CONSENT_LIST
    grant = open_patient(
        session,
        actor=actor,
        person_id=person_id,
        protected_identity=protected_identity,
        access=Access.READ,
        action=action,
    )
    rows = list(
        session.scalars(
            select(Consent).where(Consent.person_id == person_id).order_by(Consent.given_at.desc())
        )
    )
    grant.record(detail={"returned": len(rows)})
    return rows


def withdraw_consent(
    session: Session, *, actor: Actor, person_id: uuid.UUID, protected_identity: bool, consent_id: uuid.UUID
) -> Consent:
    """The patient withdraws a consent (or staff of a unit with a care relationship record that they did)."""
    action = ConsentAction.CONSENT_WITHDRAW
    decision = _may_write_consent(
        session, actor=actor, person_id=person_id, protected_identity=protected_identity, action=action
    )
    consent = session.get(Consent, consent_id)
    if consent is None or consent.person_id != person_id:
        raise NotFound("no such consent for this patient")
    if consent.withdrawn_at is not None:
        raise Conflict("the consent is already withdrawn")
    consent.withdrawn_at, consent.withdrawn_by = utcnow(), actor.username
    audit_service.record(
        session,
        actor=actor,
        action=action,
        patient_id=person_id,
        reason=decision.reason,
        detail={"consent_id": str(consent.id), "organization_id": str(consent.organization_id)},
    )
    return consent


def list_flagged_consents(
    session: Session,
    *,
    actor: Actor,
    unreviewed_only: bool = True,
    reviewed_only: bool = False,
    limit: int = 200,
) -> list[Consent]:
    """Consents recorded by staff, for the log reviewer (as emergency accesses are): those to review, those
    reviewed (`reviewed_only`, latest review first), or all."""
    return _review_queue(
        session,
        actor=actor,
        action=ConsentAction.CONSENT_LIST_FLAGGED,
        stmt=select(Consent).where(
            Consent.method.in_([ConsentMethod.VERBAL.value, ConsentMethod.WRITTEN.value])
        ),
        newest=Consent.given_at,
        reviewed_at=Consent.reviewed_at,
        unreviewed_only=unreviewed_only,
        reviewed_only=reviewed_only,
        limit=limit,
    )


def review_consent(session: Session, *, actor: Actor, consent_id: uuid.UUID, note: str) -> Consent:
    """Mark a consent recorded by staff reviewed, with the reviewer's note; it then stays in the history."""
    _require_role(session, actor, {Role.LOG_REVIEWER}, ConsentAction.CONSENT_REVIEW)
    consent = session.get(Consent, consent_id)
    if consent is None or not _flagged(consent):
        raise NotFound("no such consent recorded by staff")
    if consent.reviewed_at is not None:
        raise Conflict("this consent has already been reviewed")
    _mark_reviewed(session, actor, consent, ConsentAction.CONSENT_REVIEW, "consent_id", note)
    return consent


def add_block(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    blocked_organization_id: uuid.UUID | None,
    reason: str | None = None,
) -> Block:
    _require_role(session, actor, {Role.ADMINISTRATOR, Role.SYSTEM}, ConsentAction.BLOCK_ADD, person_id)
    block = Block(
        person_id=person_id,
        blocked_organization_id=blocked_organization_id,
        reason=reason,
        recorded_by=actor.username,
    )
    _add_or_not_found(session, block, "patient or organisation")
    audit_service.record(
        session,
        actor=actor,
        action=ConsentAction.BLOCK_ADD,
        patient_id=person_id,
        detail={"block_id": str(block.id), "blocked_organization_id": str(blocked_organization_id)},
    )
    return block


def lift_block(session: Session, *, actor: Actor, block_id: uuid.UUID) -> Block:
    _require_role(session, actor, {Role.ADMINISTRATOR, Role.SYSTEM}, ConsentAction.BLOCK_LIFT)
    block = session.get(Block, block_id)
    if block is None or block.lifted_at is not None:
        raise NotFound("no such active block")
    block.lifted_at = utcnow()
    audit_service.record(
        session,
        actor=actor,
        action=ConsentAction.BLOCK_LIFT,
        patient_id=block.person_id,
        detail={"block_id": str(block.id)},
    )
    return block


def record_care_relationship(
    session: Session, *, actor: Actor, person_id: uuid.UUID, unit_id: uuid.UUID, reason: str
) -> CareRelationship:
    """Used by the platform's own flows (referral accepted, plan participation, home care enrolment)."""
    _require_role(
        session, actor, {Role.UNIT_MANAGER, Role.SYSTEM}, ConsentAction.CARE_RELATIONSHIP_RECORD, person_id
    )
    if actor.role is Role.UNIT_MANAGER and actor.unit_id != unit_id:
        raise Forbidden("a unit manager records care relationships for their own unit only")
    rel = CareRelationship(
        person_id=person_id, unit_id=unit_id, reason=reason, started_at=utcnow(), recorded_by=actor.username
    )
    _add_or_not_found(session, rel, "patient or unit")
    audit_service.record(
        session,
        actor=actor,
        action=ConsentAction.CARE_RELATIONSHIP_RECORD,
        patient_id=person_id,
        detail={"unit_id": str(unit_id), "reason": reason},
    )
    return rel


def _restriction_clause(
    visibility: Visibility,
    person_id_col: InstrumentedAttribute[uuid.UUID],
    protected_col: InstrumentedAttribute[bool],
) -> ColumnElement[bool]:
    """The WHERE clause of `restrict_to_visible`."""
    if visibility.direct is None or visibility.consented is None or visibility.blocked is None:
        return person_id_col.is_(None)  # matches nothing
    consent_branch = and_(
        person_id_col.in_(visibility.consented),
        protected_col.is_(False),
        person_id_col.not_in(visibility.blocked),
    )
    if visibility.held is not None:
        consent_branch = and_(consent_branch, person_id_col.not_in(visibility.held))
    return or_(person_id_col.in_(visibility.direct), consent_branch)


# --- Seeding (naravard.seeding) ----------------------------------------------------------------------------


def seed_rows(
    session: Session,
    *,
    actor: Actor,
    care_relationships: seeding.Rows = (),
    consents: seeding.Rows = (),
    blocks: seeding.Rows = (),
) -> None:
    """Seeding interface (`naravard.seeding`): the facts the access policy reads (care relationships,
    consents, blocks), inserted as given, by the system actor only, one audit row per table. No rule of
    this module runs on them: the generator makes an example of each branch of the policy on purpose."""
    seeding.insert_rows(
        session,
        actor=actor,
        model=CareRelationship,
        rows=care_relationships,
        action=ConsentAction.CARE_RELATIONSHIP_SEED,
    )
    seeding.insert_rows(session, actor=actor, model=Consent, rows=consents, action=ConsentAction.CONSENT_SEED)
    seeding.insert_rows(session, actor=actor, model=Block, rows=blocks, action=ConsentAction.BLOCK_SEED)


# --- Care relationships as other contexts' rules read them (issue 14: who needs a fast vårdkontakt) ---------


def care_relationship_units(
    session: Session, *, person_ids: Select[uuid.UUID]
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """The units each person of the subquery has an active care relationship with (e.g. the municipality's
    home health care); a fact for a need rule, not patient data shown to anyone, so no audit row here."""
    rows = session.execute(
        select(CareRelationship.person_id, CareRelationship.unit_id).where(
            CareRelationship.person_id.in_(person_ids), CareRelationship.ended_at.is_(None)
        )
    )
    found: dict[uuid.UUID, set[uuid.UUID]] = {}
    for pid, unit_id in rows:
        found.setdefault(pid, set()).add(unit_id)
    return found


# --- Consent and blocks on the patient's written request, recorded by an administrator (issue 20) -----------
#
# ADR 0003 keeps consent the patient's act. A region's administration also receives the patient's acts on
# paper: a signed form asking for a block (spärr, PDL 4 kap. 4 §) or giving a consent, from the patient, a
# guardian or a representative, registered with a reference (diarienummer). The administrator records that
# request as it was made, never their own will: the request's reference, who made it and what it says are
# required, the consent is recorded as `written` (so flagged for the log reviewer like every consent staff
# record) for the organisation the request names, and the patient sees it among their consents with its
# reference and withdraws it as any other. The administrator reads no patient data: the patient is named by
# the number on the request, and what the pages show afterwards is the request, not the patient.

ON_REQUEST_ROLES = {Role.ADMINISTRATOR}
REQUEST_REFERENCE_MAX = 64


def require_administrator(session: Session, *, actor: Actor, action: ConsentAction) -> None:
    """The gate of the on-request pages and endpoints, before the patient is looked up: refused and logged."""
    _require_role(session, actor, ON_REQUEST_ROLES, action)


def _clean_request(request_reference: str, reason: str) -> tuple[str, str]:
    reference = " ".join((request_reference or "").split())
    if not reference or len(reference) > REQUEST_REFERENCE_MAX or not reference.isprintable():
        raise Invalid(
            "state the written request's reference (diarienummer), at most 64 characters",
            field="request_reference",
        )
    try:
        cleaned = clean_reason(reason)
    except Invalid as exc:
        raise Invalid(
            "state what the request asks in words (at least 10 characters and two words)", field="reason"
        ) from exc
    if len(cleaned) > 500:
        raise Invalid("the reason may be at most 500 characters", field="reason")
    return reference, cleaned


def record_consent_on_request(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    protected_identity: bool,
    organization_id: uuid.UUID,
    given_by: ConsentGiver,
    request_reference: str,
    reason: str,
    valid_until: datetime | None = None,
) -> Consent:
    """An administrator records the consent a written request from the patient (or guardian, representative)
    gives, for the organisation it names; flagged for the log reviewer, seen and withdrawn by the patient."""
    action = ConsentAction.CONSENT_RECORD_ON_REQUEST
    _require_role(session, actor, ON_REQUEST_ROLES, action, person_id)
    reference, why = _clean_request(request_reference, reason)
    if valid_until is not None and valid_until.tzinfo is None:
        valid_until = valid_until.replace(tzinfo=UTC)  # a time without a zone is read as UTC
    if valid_until is not None and valid_until <= utcnow():
        raise Invalid("a consent cannot end before it is given", field="valid_until")
    consent = Consent(
        person_id=person_id,
        organization_id=organization_id,
        given_at=utcnow(),
        valid_until=valid_until,
        recorded_by=actor.username,
        recorded_by_unit_id=actor.unit_id,
        method=ConsentMethod.WRITTEN.value,
        given_by=ConsentGiver(given_by).value,
        note=why,
        request_reference=reference,
    )
    _add_or_not_found(session, consent, "patient or organisation")
    audit_service.record(
        session,
        actor=actor,
        action=action,
        patient_id=person_id,
        reason="written_request",
        detail={
            "consent_id": str(consent.id),
            "organization_id": str(organization_id),
            "given_by": consent.given_by,
            "request_reference": reference,
            "reason": why,
            "protected_identity": protected_identity,
            "flagged": True,
        },
    )
    return consent


def add_block_on_request(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    blocked_organization_id: uuid.UUID | None,
    given_by: ConsentGiver,
    request_reference: str,
    reason: str,
) -> Block:
    """An administrator records the block a written request asks for (one organisation, or every one but
    the patient's listing's when none is named), with the request's reference, who asked and why."""
    action = ConsentAction.BLOCK_ADD_ON_REQUEST
    _require_role(session, actor, ON_REQUEST_ROLES, action, person_id)
    reference, why = _clean_request(request_reference, reason)
    block = Block(
        person_id=person_id,
        blocked_organization_id=blocked_organization_id,
        reason=why,
        recorded_by=actor.username,
        request_reference=reference,
        given_by=ConsentGiver(given_by).value,
    )
    _add_or_not_found(session, block, "patient or organisation")
    audit_service.record(
        session,
        actor=actor,
        action=action,
        patient_id=person_id,
        reason="written_request",
        detail={
            "block_id": str(block.id),
            "blocked_organization_id": str(blocked_organization_id) if blocked_organization_id else None,
            "given_by": block.given_by,
            "request_reference": reference,
            "reason": why,
        },
    )
    return block


def list_on_request(session: Session, *, actor: Actor, limit: int = 100) -> list[OnRequestOut]:
    """The consents and blocks recorded on written requests, newest first: the request, never the patient."""
    action = ConsentAction.ON_REQUEST_LIST
    _require_role(session, actor, ON_REQUEST_ROLES, action)
    orgs = {org_id: name for org_id, name, _ in org_service.list_organizations(session)}
    now = utcnow()
    consents = session.scalars(
        select(Consent)
        .where(Consent.request_reference.is_not(None))
        .order_by(Consent.created_at.desc())
        .limit(limit)
    )
    blocks = session.scalars(
        select(Block)
        .where(Block.request_reference.is_not(None))
        .order_by(Block.created_at.desc())
        .limit(limit)
    )
    out = [
        OnRequestOut(
            kind="consent",
            id=c.id,
            organization_name=orgs.get(c.organization_id),
            given_by=c.given_by,
            request_reference=c.request_reference or "",
            reason=c.note,
            recorded_by=c.recorded_by,
            recorded_at=c.created_at,
            active=c.withdrawn_at is None and (c.valid_until is None or c.valid_until > now),
            flagged=c.reviewed_at is None,
        )
        for c in consents
    ] + [
        OnRequestOut(
            kind="block",
            id=b.id,
            organization_name=orgs.get(b.blocked_organization_id) if b.blocked_organization_id else None,
            given_by=b.given_by,
            request_reference=b.request_reference or "",
            reason=b.reason,
            recorded_by=b.recorded_by,
            recorded_at=b.created_at,
            active=b.lifted_at is None,
            flagged=False,
        )
        for b in blocks
    ]
    out.sort(key=lambda r: r.recorded_at, reverse=True)
    audit_service.record(session, actor=actor, action=action, detail={"returned": len(out[:limit])})
    return out[:limit]
