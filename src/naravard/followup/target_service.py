"""The region's own follow-up targets: list, create, change and delete, and the targets in effect (national,
the targets file, then the database; see ``targets``).

Who may write: analysts (``WRITER_ROLES``). The analyst role is the steering group's (design.md: "analyst
/ steering group: ... targets"). A unit manager reads the results of their unit and would be setting the bar
their own unit is measured against; an administrator runs accounts and consent, not the reform's steering.
The system actor of batch jobs writes too (the demo's targets), as it does in the other contexts; nobody
signs in as it. Every write, and every refused one, is an audit row in the request's transaction.

A target is versioned: a change or delete names the version it was based on, and another writer's change
since then is a ``Conflict`` (409), never a silent overwrite.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from naravard.actor import Actor, Role
from naravard.audit import service as audit_service
from naravard.db import utcnow
from naravard.errors import Conflict, Invalid, NotFound
from naravard.followup.actions import FollowupAction
from naravard.followup.models import FollowupTarget
from naravard.followup.results.targets import Target, checked, load_targets_cached, merge_targets, replaced
from naravard.followup.schemas import TargetChange, TargetIn, TargetOut
from naravard.followup.service import DOCTOR_SCOPE_ROLES, check_scope_access

WRITER_ROLES = frozenset({Role.ANALYST, Role.SYSTEM})
STOCKHOLM = ZoneInfo("Europe/Stockholm")
SOURCE_MAX = 300


def may_write(actor: Actor) -> bool:
    return actor.role in WRITER_ROLES


def require_writer(session: Session, actor: Actor, action: StrEnum) -> None:
    """Refuse (and log the refusal of) a write by a role that may not set targets. The pages call it before
    reading a form, so a refused user is not shown the form's errors."""
    if not may_write(actor):
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="follow-up targets are set by analysts (the steering group's role)",
        )


def _target(row: FollowupTarget) -> Target:
    return Target(
        row.indicator,
        row.value,
        row.scope_type or None,
        row.scope_id or None,
        row.source,
        "region",
        row.baseline or None,
    )


def region_targets(session: Session) -> list[Target]:
    """The region's own targets, for merging with the national ones and the file's."""
    rows = session.scalars(select(FollowupTarget).order_by(FollowupTarget.created_at, FollowupTarget.id))
    return [_target(r) for r in rows]


def effective_targets(session: Session, *, targets_file: Path | None) -> list[Target]:
    """National, the file's (read again only when it changes) and the region's own, in precedence order:
    what the results, pages and reports mark against."""
    return merge_targets(load_targets_cached(targets_file), region_targets(session))


def _out(t: Target, in_effect: bool, row: FollowupTarget | None = None) -> TargetOut:
    extra: dict[str, Any] = {}
    if row is not None:
        extra = {
            "id": row.id,
            "version": row.version,
            "changed_by": row.changed_by,
            "changed_at": row.changed_at,
        }
    return TargetOut(
        origin=t.origin,
        indicator=t.indicator,
        scope_type=t.scope_type,
        scope_id=t.scope_id,
        value=t.value,
        source=t.source,
        baseline=t.baseline,
        in_effect=in_effect,
        **extra,
    )


def list_targets(session: Session, *, actor: Actor, targets_file: Path | None) -> list[TargetOut]:
    """Every target with its origin, in precedence order. Targets of one doctor are left out for roles that
    may not see per-doctor results (they name an employee)."""
    rows = list(
        session.scalars(select(FollowupTarget).order_by(FollowupTarget.created_at, FollowupTarget.id))
    )
    by_key = {_target(r).key: r for r in rows}
    merged = merge_targets(load_targets_cached(targets_file), [_target(r) for r in rows])
    out = [
        _out(t, not gone, by_key.get(t.key) if t.origin == "region" else None)
        for t, gone in zip(merged, replaced(merged), strict=True)
    ]
    if actor.role in DOCTOR_SCOPE_ROLES:
        return out
    return [t for t in out if not (t.scope_type == "doctor" and t.scope_id is not None)]


def _get(session: Session, target_id: uuid.UUID) -> FollowupTarget:
    row = session.get(FollowupTarget, target_id)
    if row is None:
        raise NotFound(
            "no target %(id)s of the region's own (deleted meanwhile?)", field="id", params={"id": target_id}
        )
    return row


def get_target(session: Session, *, actor: Actor, target_id: uuid.UUID) -> TargetOut:
    row = _get(session, target_id)
    if row.scope_id:
        check_scope_access(actor, row.scope_type)
    return _out(_target(row), True, row)


def _source(text: str) -> str:
    s = " ".join(text.split())
    if not s:
        raise Invalid("source is required: the decision or source of the target", field="source")
    if len(s) > SOURCE_MAX:
        raise Invalid(
            "source may be at most %(max)s characters, not %(n)s",
            field="source",
            params={"max": SOURCE_MAX, "n": len(s)},
        )
    return s


def _snapshot(row: FollowupTarget) -> dict[str, Any]:
    return {"value": row.value, "baseline": row.baseline, "source": row.source, "version": row.version}


def _check_version(row: FollowupTarget, expected: int) -> None:
    if expected != row.version:
        raise Conflict(
            "the target was changed by %(who)s meanwhile (version %(now)s, you read %(read)s); read it again "
            "and retry",
            field="version",
            params={"who": row.changed_by, "now": row.version, "read": expected},
        )


def _stale() -> Conflict:
    """Another writer committed between our read and our write (the version check in the UPDATE/DELETE)."""
    return Conflict(
        "the target was changed by someone else meanwhile; read it again and retry", field="version"
    )


def _flush_versioned(session: Session) -> None:
    """Write a change or delete whose UPDATE/DELETE names the version read: 409 when it matched no row."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise _stale() from exc


def today() -> dt.date:
    """The region's date (Europe/Stockholm), against which a baseline must have ended."""
    return dt.datetime.now(STOCKHOLM).date()


def create_target(session: Session, *, actor: Actor, data: TargetIn, on: dt.date | None = None) -> TargetOut:
    """A new target of the region's own; one per indicator and scope (409 when it exists: change that one),
    absolute or relative to ``data.baseline``, a period that has ended by ``on`` (today)."""
    require_writer(session, actor, FollowupAction.TARGET_CREATE)
    t = checked(
        data.indicator,
        data.value,
        data.scope_type,
        data.scope_id,
        source=_source(data.source),
        baseline=data.baseline,
        today=on or today(),
    )
    row = FollowupTarget(
        indicator=t.indicator,
        scope_type=t.scope_type or "",
        scope_id=t.scope_id or "",
        value=t.value,
        baseline=t.baseline,
        source=t.source,
        changed_by=actor.username,
        changed_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "the region already has a target for %(code)s at this scope; change that one",
            field="indicator",
            params={"code": t.indicator},
        ) from exc
    audit_service.record(
        session,
        actor=actor,
        action=FollowupAction.TARGET_CREATE,
        detail={"target_id": str(row.id), "key": list(t.key), "after": _snapshot(row)},
    )
    return _out(_target(row), True, row)


def update_target(
    session: Session,
    *,
    actor: Actor,
    target_id: uuid.UUID,
    data: TargetChange,
    on: dt.date | None = None,
) -> TargetOut:
    """A new value, source and baseline, based on ``data.version``; the indicator and scope stay (delete and
    create to move a target). The baseline is part of what the target says (a value of 1.2 means nothing
    without it), so it may change with the value; left out of ``data``, it stays. It must have ended by
    ``on`` (today)."""
    require_writer(session, actor, FollowupAction.TARGET_UPDATE)
    row = _get(session, target_id)
    _check_version(row, data.version)
    baseline = data.baseline if "baseline" in data.model_fields_set else row.baseline
    t = checked(
        row.indicator,
        data.value,
        row.scope_type,
        row.scope_id,
        source=_source(data.source),
        baseline=baseline,
        today=on or today(),
    )
    before = _snapshot(row)
    row.value, row.baseline, row.source = t.value, t.baseline, t.source
    row.changed_by, row.changed_at = actor.username, utcnow()
    _flush_versioned(session)
    audit_service.record(
        session,
        actor=actor,
        action=FollowupAction.TARGET_UPDATE,
        detail={"target_id": str(row.id), "key": list(t.key), "before": before, "after": _snapshot(row)},
    )
    return _out(_target(row), True, row)


def delete_target(session: Session, *, actor: Actor, target_id: uuid.UUID, version: int) -> None:
    """Remove a target of the region's own, based on ``version``; the file's or the national one applies
    again."""
    require_writer(session, actor, FollowupAction.TARGET_DELETE)
    row = _get(session, target_id)
    _check_version(row, version)
    before, key = _snapshot(row), list(_target(row).key)
    session.delete(row)
    _flush_versioned(session)
    audit_service.record(
        session,
        actor=actor,
        action=FollowupAction.TARGET_DELETE,
        detail={"target_id": str(target_id), "key": key, "before": before},
    )
