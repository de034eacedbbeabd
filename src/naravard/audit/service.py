"""Writing, reading and verifying the audit trail (PDL 4 kap. 3 §: access to patient data is logged
and followed up). Every write runs in the caller's transaction, so the row exists exactly when the work
it records does. Rows are inserted without taking any chain lock and chained later by `audit.sealing`
(docs/adr/0006-audit-sealing.md)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from naravard.actor import Actor, Role
from naravard.audit.actions import AuditAction, Outcome
from naravard.audit.chain import GENESIS, row_hash
from naravard.audit.models import AuditEvent
from naravard.audit.sealing import (
    HASHED_FIELDS,
    OPTIONAL_HASHED_FIELDS,
    audit_key,
    fields,
    read_checkpoints,
    unsealed,
)
from naravard.db import keep_after_rollback, utcnow
from naravard.errors import Forbidden, Invalid

STOCKHOLM = ZoneInfo("Europe/Stockholm")
__all__ = ["HASHED_FIELDS", "OPTIONAL_HASHED_FIELDS"]


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
    """Insert one row in the caller's transaction, unsealed: no lock, no read of the chain. The sealer
    chains it once it is committed (`audit.sealing.seal`)."""
    event = AuditEvent(
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
        sealed_seq=None,
        prev_hash="",
        hash="",
    )
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
    """`ok` when the sealed chain is intact and agrees with every checkpoint. `checked` sealed rows;
    `unsealed` rows not chained yet (not a failure: the sealer is behind), the oldest `unsealed_age`
    seconds old; `checkpoints` checked."""

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str | None = None
    unsealed: int = 0
    unsealed_age: float | None = None
    checkpoints: int = 0


def verify(session: Session, *, checkpoint_dir: Path | None = None, batch: int = 5000) -> VerifyResult:
    """Recompute the sealed chain from its first place; report the first row that was changed, is missing or
    is out of place, then check the chain against the checkpoints in `checkpoint_dir` (a checkpoint beyond
    the chain's head means its newest rows were deleted), and count the rows not sealed yet.
    `first_broken_seq` names the row's `seq` (for a missing place: the place)."""
    key = audit_key(session)
    pending = unsealed(session)

    def result(ok: bool, first: int | None = None, problem: str | None = None) -> VerifyResult:
        return VerifyResult(
            ok, checked, first, problem, pending.count, pending.age_seconds(), len(checkpoints)
        )

    expected_prev, expected_place, checked = GENESIS, 1, 0
    checkpoints, bad_files = read_checkpoints(checkpoint_dir, key) if checkpoint_dir else ([], [])
    hashes: dict[int, str] = {}
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.sealed_seq.is_not(None))
        .order_by(AuditEvent.sealed_seq)
        .execution_options(yield_per=batch)
    )
    wanted = {c.sealed_seq for c in checkpoints}
    for event in session.scalars(stmt):
        place = int(event.sealed_seq or 0)
        if place != expected_place:
            return result(
                False,
                expected_place,
                f"sealed row {expected_place} is missing (next is {place}, row {event.seq})",
            )
        if event.prev_hash != expected_prev:
            return result(
                False,
                event.seq,
                f"row {event.seq} (sealed {place}) does not follow sealed row {place - 1}: "
                "a row before it was removed or the rows were reordered",
            )
        if row_hash(key, event.prev_hash, fields(event)) != event.hash:
            return result(False, event.seq, f"row {event.seq} was changed after it was written")
        if place in wanted:
            hashes[place] = event.hash
        expected_prev, expected_place, checked = event.hash, place + 1, checked + 1
    if bad_files:
        return result(False, None, bad_files[0])
    for checkpoint in sorted(checkpoints, key=lambda c: c.sealed_seq):
        name = checkpoint.path.name if checkpoint.path else "checkpoint"
        if checkpoint.sealed_seq > checked:
            return result(
                False,
                checked + 1,
                f"the chain ends at sealed row {checked} but {name} (written {checkpoint.written_at}) "
                f"recorded {checkpoint.sealed_seq}: the newest rows were deleted",
            )
        if hashes.get(checkpoint.sealed_seq) != checkpoint.head_hash:
            return result(
                False,
                checkpoint.sealed_seq,
                f"sealed row {checkpoint.sealed_seq} is not the one {name} recorded: the chain was rebuilt",
            )
    return result(True)


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
