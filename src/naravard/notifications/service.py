"""The shared outbox: `notify` writes a message to a unit or a user in the caller's transaction, `inbox` lists
the actor's, `deliver_pending` sends the undelivered through a `Channel` (the demo's writes files).

Subject and body never hold a patient's name or personnummer: a notification is seen by the whole unit, and
its link leads to a page that checks access (the callers keep to that; `notify` refuses an obvious
personnummer in either)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from pathlib import Path
from typing import Protocol

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from naravard.actor import Actor, Role, system_actor
from naravard.audit import service as audit_service
from naravard.db import utcnow
from naravard.errors import Forbidden, Invalid, NotFound
from naravard.notifications.actions import NotificationAction
from naravard.notifications.models import Notification
from naravard.notifications.schemas import DeliveryReport, NotificationView

MAX_ATTEMPTS = 5
INBOX_LIMIT = 200
_PERSONNUMMER = re.compile(r"\b(19|20)?\d{6}[-+]?\d{4}\b")


class Channel(Protocol):
    """Sends one notification; raises on failure (the row is tried again, up to MAX_ATTEMPTS)."""

    def send(self, notification: NotificationView) -> None: ...


class DirectoryChannel:
    """The demo's channel: one JSON file per notification in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, notification: NotificationView) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{notification.id}.json"
        path.write_text(notification.model_dump_json(indent=2), encoding="utf-8")


def _view(row: Notification) -> NotificationView:
    return NotificationView.model_validate(row, from_attributes=True)


def _clean(value: str, field: str, limit: int) -> str:
    text = " ".join(value.split())
    if not text:
        raise Invalid("%(field)s must not be empty", field=field, params={"field": field})
    if len(text) > limit:
        raise Invalid(
            "%(field)s is longer than %(limit)s characters",
            field=field,
            params={"field": field, "limit": limit},
        )
    if _PERSONNUMMER.search(text):
        raise Invalid("a notification must not hold a personnummer", field=field)
    return text


def notify(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    subject: str,
    body: str,
    to_unit_id: uuid.UUID | None = None,
    to_user_id: uuid.UUID | None = None,
    link: str | None = None,
    due: date | None = None,
) -> uuid.UUID:
    """Write one notification to the outbox in the caller's transaction (rolled back with it)."""
    if to_unit_id is None and to_user_id is None:
        raise Invalid("a notification needs a unit or a user to go to", field="to_unit_id")
    if link is not None and not link.startswith("/"):
        raise Invalid("the link must be a path on the platform", field="link")
    row = Notification(
        to_unit_id=to_unit_id,
        to_user_id=to_user_id,
        kind=_clean(kind, "kind", 64),
        subject=_clean(subject, "subject", 200),
        body=_clean(body, "body", 2000),
        link=link,
        due=due,
        created_by=actor.username,
        created_at=utcnow(),
        attempts=0,
    )
    session.add(row)
    session.flush()
    return row.id


def _mine(actor: Actor) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if actor.user_id is not None:
        clauses.append(Notification.to_user_id == actor.user_id)
    if actor.unit_id is not None:
        clauses.append(Notification.to_unit_id == actor.unit_id)
    return or_(*clauses) if clauses else Notification.id.is_(None)


def inbox(session: Session, *, actor: Actor, unread_only: bool = False) -> list[NotificationView]:
    """The actor's own notifications and their unit's, newest first (at most INBOX_LIMIT)."""
    if actor.role in (Role.PATIENT, Role.SYSTEM):
        return []
    stmt = select(Notification).where(_mine(actor))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id).limit(INBOX_LIMIT)
    return [_view(row) for row in session.scalars(stmt)]


def unread_count(session: Session, *, actor: Actor) -> int:
    if actor.role in (Role.PATIENT, Role.SYSTEM):
        return 0
    stmt = select(func.count()).select_from(Notification).where(_mine(actor), Notification.read_at.is_(None))
    return int(session.scalar(stmt) or 0)


def mark_read(session: Session, *, actor: Actor, notification_id: uuid.UUID) -> NotificationView:
    """Mark one of the actor's (or their unit's) notifications read; another's is not found."""
    row = session.get(Notification, notification_id)
    if row is None:
        raise NotFound("no such notification")
    if not (
        (row.to_user_id is not None and row.to_user_id == actor.user_id)
        or (row.to_unit_id is not None and row.to_unit_id == actor.unit_id)
    ):
        raise Forbidden("the notification is not yours or your unit's", reason="not_recipient")
    if row.read_at is None:
        row.read_at = utcnow()
        row.read_by = actor.user_id
        audit_service.record(
            session, actor=actor, action=NotificationAction.MARK_READ, detail={"notification_id": str(row.id)}
        )
        session.flush()
    return _view(row)


def deliver_pending(session: Session, *, channel: Channel, limit: int = 1000) -> DeliveryReport:
    """Send the undelivered notifications (fewer than MAX_ATTEMPTS tries) through `channel`; a failure
    counts an attempt and keeps its error. Writes one audit row for the batch."""
    rows = list(
        session.scalars(
            select(Notification)
            .where(Notification.delivered_at.is_(None), Notification.attempts < MAX_ATTEMPTS)
            .order_by(Notification.created_at)
            .limit(limit)
        )
    )
    delivered = failed = 0
    for row in rows:
        try:
            channel.send(_view(row))
        except Exception as exc:  # any channel failure is counted and kept, not raised
            failed += 1
            session.execute(
                update(Notification)
                .where(Notification.id == row.id)
                .values(attempts=Notification.attempts + 1, last_error=str(exc)[:500])
            )
            continue
        delivered += 1
        row.attempts += 1
        row.delivered_at = utcnow()
    session.flush()
    if rows:
        audit_service.record(
            session,
            actor=system_actor("notifications"),
            action=NotificationAction.DELIVER,
            detail={"delivered": delivered, "failed": failed},
        )
    return DeliveryReport(delivered=delivered, failed=failed)


def read_payload(path: Path) -> dict[str, object]:
    """A delivered file's content (the directory channel), for tests and the demo."""
    return dict(json.loads(path.read_text(encoding="utf-8")))
