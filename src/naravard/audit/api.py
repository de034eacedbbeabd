"""The log reviewer's API."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from naravard.audit import service
from naravard.audit.schemas import AuditEventOut, AuditPage
from naravard.bounds import MAX_INT, BoundedDatetime
from naravard.deps import CurrentActor, DbSession

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("/events", response_model=AuditPage)
def events(
    actor: CurrentActor,
    db: DbSession,
    patient_id: uuid.UUID | None = None,
    username: Annotated[str | None, Query(max_length=64)] = None,
    unit_id: uuid.UUID | None = None,
    since: BoundedDatetime | None = None,
    until: BoundedDatetime | None = None,
    outcome: Annotated[str | None, Query(pattern="^(allowed|denied|emergency)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> AuditPage:
    flt = service.AuditFilter(
        patient_id=patient_id,
        username=username,
        unit_id=unit_id,
        since=since,
        until=until,
        outcome=outcome,
        limit=limit,
        offset=offset,
    )
    rows, total = service.search(db, actor=actor, flt=flt)
    return AuditPage(
        total=total, events=[AuditEventOut.model_validate(r, from_attributes=True) for r in rows]
    )
