"""Consent, blocks, care relationships and emergency access, and the policy gate every patient read or
write goes through."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, literal, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from naravard.actor import CARE_ROLES, Actor, Purpose, Role
from naravard.audit import service as audit_service
from naravard.consent.models import Block, CareRelationship, Consent, EmergencyAccess
from naravard.consent.policy import REASON_TEXT, Access, AccessFacts, Decision, decide, may_open_emergency
from naravard.contacts import service as contacts_service
from naravard.db import utcnow
from naravard.errors import Forbidden, Invalid, NotFound

EMERGENCY_HOURS = 4
MIN_REASON_LENGTH = 10


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


@dataclass(frozen=True)
class Visibility:
    """Subqueries of person ids: `direct` always visible; `consented` visible unless protected."""

    direct: Select[uuid.UUID] | CompoundSelect[uuid.UUID] | None
    consented: Select[uuid.UUID] | None
    blocked: Select[uuid.UUID] | None


def visible_person_ids(actor: Actor) -> Visibility:
    """The SQL form of `policy.decide(..., READ)` without emergency: what a list or search may show.

    The caller (patients.service) adds `protected_identity = false` to the consented branch and
    excludes `blocked` from it, because the person table is its own."""
    if actor.role is Role.PATIENT or actor.unit_id is None:
        return Visibility(None, None, None)
    if actor.role not in CARE_ROLES:
        return Visibility(None, None, None)
    direct = contacts_service.listed_person_ids(actor.unit_id).union(_related(actor.unit_id))
    return Visibility(
        direct, _active_consent(actor.organization_id, utcnow()), _blocking(actor.organization_id)
    )


def gather_facts(
    session: Session, *, actor: Actor, person_id: uuid.UUID, protected_identity: bool
) -> AccessFacts:
    """Every fact the policy needs, in one round trip (this runs on every patient read)."""
    return gather_facts_many(session, actor=actor, persons={person_id: protected_identity})[person_id]


def gather_facts_many(
    session: Session, *, actor: Actor, persons: dict[uuid.UUID, bool]
) -> dict[uuid.UUID, AccessFacts]:
    """The facts for several persons (person id -> protected identity) in one round trip, so a list of
    search hits costs one query, not one per hit."""
    if not persons:
        return {}
    now = utcnow()
    ids = list(persons)
    parts = [
        contacts_service.listed_unit_ids(ids).add_columns(literal("direct")),
        select(CareRelationship.person_id, CareRelationship.unit_id, literal("direct")).where(
            CareRelationship.person_id.in_(ids), CareRelationship.ended_at.is_(None)
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
    if actor.user_id is not None and actor.unit_id is not None:
        parts.append(
            select(EmergencyAccess.person_id, EmergencyAccess.unit_id, literal("emergency")).where(
                EmergencyAccess.person_id.in_(ids),
                EmergencyAccess.user_id == actor.user_id,
                EmergencyAccess.unit_id == actor.unit_id,
                EmergencyAccess.expires_at > now,
            )
        )
    rows = session.execute(union_all(*parts)).all()
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
        )
    return facts


def authorize(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    protected_identity: bool,
    access: Access,
    action: str,
) -> tuple[Actor, Decision]:
    """Gate for every patient read or write. On refusal the refusal row is committed (it must survive
    the error) and `Forbidden` is raised. On success returns the actor to audit with (purpose switched
    to emergency when that was the basis); the caller writes the allowed row with its own work."""
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
    if decision.basis == "emergency":
        return actor.with_purpose(Purpose.EMERGENCY), decision
    return actor, decision


def outcome_for(decision: Decision) -> str:
    return "emergency" if decision.basis == "emergency" else "allowed"


def open_emergency_access(
    session: Session, *, actor: Actor, person_id: uuid.UUID, protected_identity: bool, reason: str
) -> EmergencyAccess:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise Invalid(
            f"state the reason for emergency access (at least {MIN_REASON_LENGTH} characters)", field="reason"
        )
    if len(reason) > 1000:
        raise Invalid("the reason may be at most 1000 characters", field="reason")
    facts = gather_facts(session, actor=actor, person_id=person_id, protected_identity=protected_identity)
    decision = may_open_emergency(actor, facts)
    if not decision.allowed or actor.user_id is None or actor.unit_id is None:
        audit_service.refuse(
            session,
            actor=actor,
            action="patient:emergency-access:open",
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
        action="patient:emergency-access:open",
        outcome="emergency",
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
    session: Session, actor: Actor, roles: set[Role], action: str, person_id: uuid.UUID | None = None
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
    session: Session, *, actor: Actor, unreviewed_only: bool = True, limit: int = 200
) -> list[EmergencyAccess]:
    _require_role(session, actor, {Role.LOG_REVIEWER}, "consent:emergency-access:list")
    stmt = select(EmergencyAccess).order_by(EmergencyAccess.created_at.desc()).limit(limit)
    if unreviewed_only:
        stmt = stmt.where(EmergencyAccess.reviewed_at.is_(None))
    rows = list(session.scalars(stmt))
    audit_service.record(
        session,
        actor=actor,
        action="consent:emergency-access:list",
        detail={"returned": len(rows), "unreviewed_only": unreviewed_only},
    )
    return rows


def review_emergency_access(
    session: Session, *, actor: Actor, access_id: uuid.UUID, note: str
) -> EmergencyAccess:
    _require_role(session, actor, {Role.LOG_REVIEWER}, "consent:emergency-access:review")
    grant = session.get(EmergencyAccess, access_id)
    if grant is None:
        raise NotFound(f"no emergency access {access_id}")
    if grant.reviewed_at is not None:
        raise Invalid("this emergency access has already been reviewed")
    if len(note) > 1000:
        raise Invalid("the note may be at most 1000 characters", field="note")
    grant.reviewed_at, grant.reviewed_by, grant.review_note = utcnow(), actor.username, note.strip() or None
    audit_service.record(
        session,
        actor=actor,
        action="consent:emergency-access:review",
        patient_id=grant.person_id,
        detail={"emergency_access_id": str(grant.id), "note": note},
    )
    return grant


def record_consent(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    valid_until: datetime | None = None,
    note: str | None = None,
) -> Consent:
    """The patient consents, in contact with the actor's unit, that the actor's organisation may read
    data held by other providers."""
    _require_role(
        session,
        actor,
        {Role.CLINICIAN, Role.MUNICIPAL_STAFF, Role.UNIT_MANAGER, Role.SYSTEM},
        "consent:consent:record",
        person_id,
    )
    if actor.organization_id is None:
        raise Invalid("the actor acts for no organisation")
    consent = Consent(
        person_id=person_id,
        organization_id=actor.organization_id,
        given_at=utcnow(),
        valid_until=valid_until,
        recorded_by=actor.username,
        note=note,
    )
    _add_or_not_found(session, consent, "patient")
    audit_service.record(
        session,
        actor=actor,
        action="consent:consent:record",
        patient_id=person_id,
        detail={"consent_id": str(consent.id), "organization_id": str(actor.organization_id)},
    )
    return consent


def add_block(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    blocked_organization_id: uuid.UUID | None,
    reason: str | None = None,
) -> Block:
    _require_role(session, actor, {Role.ADMINISTRATOR, Role.SYSTEM}, "consent:block:add", person_id)
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
        action="consent:block:add",
        patient_id=person_id,
        detail={"block_id": str(block.id), "blocked_organization_id": str(blocked_organization_id)},
    )
    return block


def lift_block(session: Session, *, actor: Actor, block_id: uuid.UUID) -> Block:
    _require_role(session, actor, {Role.ADMINISTRATOR, Role.SYSTEM}, "consent:block:lift")
    block = session.get(Block, block_id)
    if block is None or block.lifted_at is not None:
        raise NotFound(f"no active block {block_id}")
    block.lifted_at = utcnow()
    audit_service.record(
        session,
        actor=actor,
        action="consent:block:lift",
        patient_id=block.person_id,
        detail={"block_id": str(block.id)},
    )
    return block


def record_care_relationship(
    session: Session, *, actor: Actor, person_id: uuid.UUID, unit_id: uuid.UUID, reason: str
) -> CareRelationship:
    """Used by the platform's own flows (referral accepted, plan participation, home care enrolment)."""
    _require_role(
        session, actor, {Role.UNIT_MANAGER, Role.SYSTEM}, "consent:care-relationship:record", person_id
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
        action="consent:care-relationship:record",
        patient_id=person_id,
        detail={"unit_id": str(unit_id), "reason": reason},
    )
    return rel


def restriction_clause(
    visibility: Visibility,
    person_id_col: InstrumentedAttribute[uuid.UUID],
    protected_col: InstrumentedAttribute[bool],
) -> ColumnElement[bool]:
    """Build the WHERE clause for a person query (used by patients.service)."""
    if visibility.direct is None or visibility.consented is None or visibility.blocked is None:
        return person_id_col.is_(None)  # matches nothing
    consent_branch = and_(
        person_id_col.in_(visibility.consented),
        protected_col.is_(False),
        person_id_col.not_in(visibility.blocked),
    )
    return or_(person_id_col.in_(visibility.direct), consent_branch)
