"""The log reviewer's list of emergency accesses to review."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from naravard.consent import service
from naravard.deps import CurrentActor, DbSession
from naravard.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/audit/emergency", response_class=HTMLResponse)
def emergency_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    rows = service.list_emergency_accesses(db, actor=actor, unreviewed_only=True)
    return render(request, "consent/emergency.html", rows=rows)


@router.post("/audit/emergency/{access_id}/review")
def review(
    access_id: uuid.UUID, actor: CurrentActor, db: DbSession, note: Annotated[str, Form(max_length=1000)] = ""
) -> RedirectResponse:
    service.review_emergency_access(db, actor=actor, access_id=access_id, note=note)
    return RedirectResponse("/audit/emergency", status_code=303)
