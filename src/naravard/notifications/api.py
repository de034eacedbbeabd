"""The notifications context's JSON API: the actor's inbox and marking read."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from naravard.deps import CurrentActor, DbSession
from naravard.notifications import service
from naravard.notifications.schemas import NotificationView

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("", response_model=list[NotificationView])
def inbox(actor: CurrentActor, db: DbSession, unread: bool = False) -> list[NotificationView]:
    return service.inbox(db, actor=actor, unread_only=unread)


@router.post("/{notification_id}/read", response_model=NotificationView)
def mark_read(notification_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> NotificationView:
    return service.mark_read(db, actor=actor, notification_id=notification_id)
