"""Writing, reading and verifying the audit trail (PDL 4 kap. 3 §: access to patient data is logged
and followed up). Every write runs in the caller's transaction, so the row exists exactly when the work
it records does."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select, text
from sqlalchemy.orm import Session

from naravard.actor import Actor, Role
from naravard.audit.actions import AuditAction, Outcome
from naravard.audit.chain import GENESIS, row_hash
from naravard.audit.models import AuditEvent
from naravard.db import keep_after_rollback, utcnow
from naravard.errors import Forbidden, Invalid

# Any constant: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 7_355_608
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "request_id",
    "user_id",
    "username",
    "role",
    "unit_id",
    "organization_id",
    "purpose",
    "patient_id",
    "action",
    "outcome",
    "reason",
    "detail",
)
# Hashed only when set, so that rows written before the field existed still verify (and a value added to
# or removed from such a row later breaks its hash).
OPTIONAL_HASHED_FIELDS = ("client_request_id",)


def _key(session: Session) -> bytes:
    key = session.info.get("audit_key")
    if not key:
        raise RuntimeError("session has no audit_key; build sessions with naravard.app's factory")
    return key if isinstance(key, bytes) else str(key).encode()


def _fields(event: AuditEvent) -> dict[str, Any]:
    fields = {name: getattr(event, name) for name in HASHED_FIELDS}
    for name in OPTIONAL_HASHED_FIELDS:
        if getattr(event, name) is not None:
            fields[name] = getattr(event, name)
    return fields


def _bounded(client_request_id: str | None) -> str | None:
    """The client's request id as the column holds it: printable ASCII, at most 64 characters, else None
    (the app's edge bounds it already; an actor built elsewhere may not have been)."""
    if not client_request_id or not client_request_id.isascii() or not client_request_id.isprintable():
        return None
    return client_request_id[:64]


def record(
    session: Session,
    *,
    actor: Actor,
    action: StrEnum,
    outcome: Outcome = Outcome.ALLOWED,
    patient_id: uuid.UUID | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one row to the chain in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    # On SQLite every transaction began with BEGIN IMMEDIATE, so we already hold the write lock.
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    event = AuditEvent(
        seq=seq,
        occurred_at=utcnow(),
        request_id=actor.request_id,
        client_request_id=_bounded(actor.client_request_id),
        user_id=actor.user_id,
        username=actor.username,
        role=str(actor.role),
        unit_id=actor.unit_id,
        organization_id=actor.organization_id,
        purpose=str(actor.purpose),
        patient_id=patient_id,
        action=action.value,
        outcome=outcome.value,
        reason=reason[:1000] if reason else None,
        detail=json.dumps(detail, sort_keys=True, default=str, ensure_ascii=False) if detail else None,
        prev_hash=prev,
        hash="",
    )
    event.hash = row_hash(_key(session), prev, _fields(event))
    session.add(event)
    session.flush()
    return event


def refuse(
    session: Session,
    *,
    actor: Actor,
    action: StrEnum,
    reason: str,
    message: str,
    patient_id: uuid.UUID | None = None,
) -> NoReturn:
    """Raise `Forbidden` (its `reason` the refusal's code); the refusal row is written by the unit of work
    after it rolls the request back, and committed, so it outlives the failed request."""
    keep_after_rollback(
        session,
        partial(
            record, actor=actor, action=action, outcome=Outcome.DENIED, patient_id=patient_id, reason=reason
        ),
    )
    raise Forbidden(message, reason=reason)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str | None = None


def verify(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Recompute the chain from the first row; report the first row that was changed or follows a gap."""
    key = _key(session)
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    stmt = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    for event in session.scalars(stmt):
        if event.seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, f"row {expected_seq} is missing (next is {event.seq})"
            )
        if event.prev_hash != expected_prev:
            return VerifyResult(
                False, checked, event.seq, f"row {event.seq} does not follow row {event.seq - 1}"
            )
        if row_hash(key, event.prev_hash, _fields(event)) != event.hash:
            return VerifyResult(
                False, checked, event.seq, f"row {event.seq} was changed after it was written"
            )
        expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
    return VerifyResult(True, checked)


@dataclass(frozen=True)
class AuditFilter:
    """What the log reviewer asks for; every field given narrows the rows down. `usernames` are the accounts
    a name matched, and `username_contains` a part of the username a row holds (the name a failed login
    tried may be no account's): a row matching either is kept. `unit_ids` are the units a name matched (an empty
    tuple matches no row)."""

    patient_id: uuid.UUID | None = None
    username: str | None = None
    unit_id: uuid.UUID | None = None
    usernames: tuple[str, ...] | None = None
    username_contains: str | None = None
    unit_ids: tuple[uuid.UUID, ...] | None = None
    since: datetime | None = None
    until: datetime | None = None
    outcome: str | None = None
    limit: int = 100
    offset: int = 0


def _filtered(flt: AuditFilter) -> Select[AuditEvent]:
    stmt = select(AuditEvent)
    if flt.patient_id is not None:
        stmt = stmt.where(AuditEvent.patient_id == flt.patient_id)
    if flt.username:
        stmt = stmt.where(AuditEvent.username == flt.username)
    if flt.unit_id is not None:
        stmt = stmt.where(AuditEvent.unit_id == flt.unit_id)
    by_user: list[ColumnElement[bool]] = []
    if flt.usernames is not None:
        by_user.append(AuditEvent.username.in_(flt.usernames))
    if flt.username_contains:
        escaped = flt.username_contains.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        by_user.append(func.lower(AuditEvent.username).like(f"%{escaped}%", escape="\\"))
    if by_user:
        stmt = stmt.where(or_(*by_user))
    if flt.unit_ids is not None:
        stmt = stmt.where(AuditEvent.unit_id.in_(flt.unit_ids))
    if flt.since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < flt.until)
    if flt.outcome:
        stmt = stmt.where(AuditEvent.outcome == flt.outcome)
    return stmt


def _with_zones(flt: AuditFilter) -> AuditFilter:
    """A period given without a zone means Swedish local time."""

    def zoned(value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=STOCKHOLM)
        return value

    return replace(flt, since=zoned(flt.since), until=zoned(flt.until))


def _filter_detail(flt: AuditFilter) -> dict[str, str | list[str]]:
    """The filter as the log read's own row records it."""
    return {
        k: [str(item) for item in v] if isinstance(v, tuple) else str(v)
        for k, v in vars(flt).items()
        if v is not None
    }


def search(session: Session, *, actor: Actor, flt: AuditFilter) -> tuple[list[AuditEvent], int]:
    """The log reviewer's view. Reading the log is itself logged."""
    if actor.role is not Role.LOG_REVIEWER:
        refuse(
            session,
            actor=actor,
            action=AuditAction.LOG_READ,
            reason="role_not_permitted",
            message="only a log reviewer may read the audit log",
        )
    flt = _with_zones(flt)
    if flt.limit < 1 or flt.limit > 1000 or flt.offset < 0:
        raise Invalid("limit must be 1-1000 and offset non-negative", field="limit")
    stmt = _filtered(flt)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows: list[AuditEvent] = list(
        session.scalars(stmt.order_by(AuditEvent.seq.desc()).limit(flt.limit).offset(flt.offset))
    )
    record(
        session,
        actor=actor,
        action=AuditAction.LOG_READ,
        patient_id=flt.patient_id,
        detail={"filter": _filter_detail(flt), "returned": len(rows)},
    )
    return rows, total


def patient_reads(session: Session, *, patient_id: uuid.UUID, limit: int = 200) -> list[AuditEvent]:
    """Who has read or changed this patient's data (the patient's own view); the patient's own
    actions and refused attempts are left out."""
    stmt = (
        select(AuditEvent)
        .where(
            AuditEvent.patient_id == patient_id,
            AuditEvent.outcome != "denied",
            AuditEvent.role != str(Role.PATIENT),
        )
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def questioned_reads(
    session: Session, *, action: StrEnum, patient_id: uuid.UUID | None = None, limit: int = 500
) -> list[tuple[AuditEvent, AuditEvent | None]]:
    """A patient's reports of rows of their access log (`patient_reads`) that they question: the rows of
    `action`, whose detail names the row questioned as ``questioned_seq``, newest first, of one patient or
    of all, each with the row it names (None when that is not a row about the same patient)."""
    stmt = select(AuditEvent).where(AuditEvent.action == action.value)
    if patient_id is not None:
        stmt = stmt.where(AuditEvent.patient_id == patient_id)
    questions = list(session.scalars(stmt.order_by(AuditEvent.seq.desc()).limit(limit)))
    named: dict[int, int] = {}
    for question in questions:
        seq = json.loads(question.detail or "{}").get("questioned_seq")
        if isinstance(seq, int):
            named[question.seq] = seq
    rows = (
        {r.seq: r for r in session.scalars(select(AuditEvent).where(AuditEvent.seq.in_(set(named.values()))))}
        if named
        else {}
    )
    out: list[tuple[AuditEvent, AuditEvent | None]] = []
    for question in questions:
        row = rows.get(named.get(question.seq, 0))
        out.append((question, row if row is not None and row.patient_id == question.patient_id else None))
    return out


def iter_all(session: Session) -> Iterator[AuditEvent]:
    yield from session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000))


def count_actions(
    session: Session, *, username: str, action: StrEnum, since: datetime, detail_contains: str | None = None
) -> int:
    """How many rows of `action` a user wrote since a moment (rate limits that hold across workers)."""
    stmt = select(func.count()).where(
        AuditEvent.username == username, AuditEvent.action == action.value, AuditEvent.occurred_at >= since
    )
    if detail_contains is not None:
        stmt = stmt.where(AuditEvent.detail.contains(detail_contains, autoescape=True))
    return session.scalar(stmt) or 0
