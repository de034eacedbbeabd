"""The log reviewer's page: the audit trail filtered by patient, user, unit and period."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from naravard.audit import service
from naravard.audit.models import AuditEvent
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Invalid
from naravard.web.templating import render

router = APIRouter(include_in_schema=False)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _uuid_or_none(value: str, field: str) -> uuid.UUID | None:
    if not value.strip():
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError as exc:
        raise Invalid(f"{field} must be an id (UUID)", field=field) from exc


def _day_start(value: str, field: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        return datetime.combine(date.fromisoformat(value.strip()), time(), tzinfo=STOCKHOLM)
    except ValueError as exc:
        raise Invalid(f"{field} must be a date YYYY-MM-DD", field=field) from exc


@router.get("/audit", response_class=HTMLResponse)
def log_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    patient_id: str = "",
    username: str = "",
    unit_id: str = "",
    since: str = "",
    until: str = "",
    offset: int = 0,
) -> HTMLResponse:
    error: str | None = None
    rows: list[AuditEvent] = []
    total = 0
    try:
        until_dt = _day_start(until, "until")
        flt = service.AuditFilter(
            patient_id=_uuid_or_none(patient_id, "patient_id"),
            username=username.strip().lower() or None,
            unit_id=_uuid_or_none(unit_id, "unit_id"),
            since=_day_start(since, "since"),
            until=until_dt + timedelta(days=1) if until_dt else None,
            limit=100,
            offset=max(offset, 0),
        )
        rows, total = service.search(db, actor=actor, flt=flt)
    except Invalid as exc:
        error = exc.message
    return render(
        request,
        "audit/log.html",
        rows=rows,
        total=total,
        error=error,
        stockholm=STOCKHOLM,
        f={
            "patient_id": patient_id,
            "username": username,
            "unit_id": unit_id,
            "since": since,
            "until": until,
        },
        offset=offset,
    )
