"""The log reviewer's pages: the audit trail filtered by personnummer, user, unit, period and outcome, with
names instead of ids and events in words, and the reads patients question (issue 19)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from naravard.audit import review
from naravard.bounds import MAX_INT, check_day
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Invalid
from naravard.patients import service as patients_service
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

router = APIRouter(include_in_schema=False)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
OUTCOMES = ("allowed", "denied", "emergency")


def _day_start(value: str, field: str, message: str) -> datetime | None:
    """A day of the form's date field as the moment it starts in Swedish local time."""
    if not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError as exc:
        raise Invalid(message, field=field) from exc
    return datetime.combine(check_day(day, field), time(), tzinfo=STOCKHOLM)


def _patient_id(value: str) -> uuid.UUID | None:
    """The patient a link names (the review pages link to the log by id, so no personnummer is in a URL)."""
    if not value.strip():
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError as exc:
        raise Invalid("the link does not name a patient; search by personnummer", field="patient_id") from exc


@router.get("/audit", response_class=HTMLResponse)
def log_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    personnummer: str = "",
    patient_id: str = "",
    user: str = "",
    unit: str = "",
    since: str = "",
    until: str = "",
    outcome: str = "",
    offset: int = 0,
) -> HTMLResponse:
    form = {
        "personnummer": personnummer.strip(),
        "patient_id": patient_id.strip(),
        "user": user.strip(),
        "unit": unit.strip(),
        "since": since.strip(),
        "until": until.strip(),
        "outcome": outcome if outcome in OUTCOMES else "",
    }
    offset = min(max(offset, 0), MAX_INT)
    error: str | None = None
    page = review.LogPage(rows=[], total=0, patient=None)
    try:
        until_day = _day_start(until, "until", "the end date must be a date (YYYY-MM-DD)")
        query = review.LogQuery(
            personnummer=personnummer,
            patient_id=None if personnummer.strip() else _patient_id(patient_id),
            user=user,
            unit=unit,
            since=_day_start(since, "since", "the start date must be a date (YYYY-MM-DD)"),
            until=until_day + timedelta(days=1) if until_day else None,
            outcome=form["outcome"] or None,
            offset=offset,
        )
        page = review.search_log(db, actor=actor, query=query)
    except Invalid as exc:
        lang = language_of(request)
        error = exc.text(lambda s: translate(s, lang))
    # The paging links name the patient by id, and the field shows a link's patient by personnummer.
    kept = {k: v for k, v in form.items() if v and k not in ("personnummer", "patient_id")}
    if page.patient is not None:
        kept["patient_id"] = str(page.patient.id)
        form["personnummer"] = form["personnummer"] or page.patient.identifier
    return render(
        request,
        "audit/log.html",
        status_code=422 if error else 200,
        page=page,
        error=error,
        f=form,
        offset=offset,
        page_size=review.PAGE_SIZE,
        previous_url=f"/audit?{urlencode({**kept, 'offset': max(offset - review.PAGE_SIZE, 0)})}",
        next_url=f"/audit?{urlencode({**kept, 'offset': offset + review.PAGE_SIZE})}",
    )


@router.get("/audit/questions", response_class=HTMLResponse)
def questions_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    """The reads patients have reported as questionable, each with the read it names, to follow up."""
    questions = patients_service.questioned_accesses(db, actor=actor)
    return render(request, "audit/questions.html", questions=questions)
