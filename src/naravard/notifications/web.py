"""The notifications page (/aviseringar): the actor's and their unit's inbox."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from naravard.deps import CurrentActor, DbSession
from naravard.notifications import service
from naravard.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/aviseringar", response_class=HTMLResponse)
def inbox_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    items = service.inbox(db, actor=actor)
    return render(request, "notifications/inbox.html", items=items)


@router.get("/aviseringar/antal", response_class=HTMLResponse)
def unread_badge(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    """The unread count the navigation loads (htmx), empty when none."""
    count = service.unread_count(db, actor=actor)
    return HTMLResponse(f" ({count})" if count else "")


@router.post("/aviseringar/{notification_id}/last", response_model=None)
def mark_read(notification_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> RedirectResponse:
    service.mark_read(db, actor=actor, notification_id=notification_id)
    return RedirectResponse("/aviseringar", status_code=303)
