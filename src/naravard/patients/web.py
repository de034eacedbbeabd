"""Patient pages: search, overview, emergency access, contact details."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from naravard.consent import service as consent_service
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, Invalid, NaravardError, RateLimited
from naravard.patients import service
from naravard.patients.schemas import ContactUpdate
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

router = APIRouter(include_in_schema=False)


@router.get("/patients", response_class=HTMLResponse)
def search_page(request: Request, actor: CurrentActor, db: DbSession, q: str = "") -> HTMLResponse:
    hits, error, status = [], None, 200
    if q.strip():
        try:
            hits = service.search_patients(db, actor=actor, query=q)
        except (Invalid, RateLimited) as exc:
            lang = language_of(request)
            error, status = exc.text(lambda text: translate(text, lang)), exc.status_code
    template = (
        "patients/_results.html" if request.headers.get("HX-Request") == "true" else "patients/search.html"
    )
    return render(
        request, template, status_code=status, q=q, hits=hits, error=error, searched=bool(q.strip())
    )


def _overview_or_refusal(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    person_id: uuid.UUID,
    *,
    message: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    try:
        overview = service.get_overview(db, actor=actor, person_id=person_id)
    except Forbidden as exc:
        return render(
            request,
            "patients/refused.html",
            status_code=403,
            person_id=person_id,
            reason=exc.message,
            can_emergency=consent_service.offers_emergency_access(actor, exc.reason),
            error=error,
        )
    return render(request, "patients/overview.html", p=overview, message=message, error=error)


@router.get("/patients/{person_id}", response_class=HTMLResponse)
def overview_page(
    request: Request, person_id: uuid.UUID, actor: CurrentActor, db: DbSession, saved: bool = False
) -> HTMLResponse:
    return _overview_or_refusal(request, actor, db, person_id, message="Saved." if saved else None)


@router.post("/patients/{person_id}/emergency-access", response_model=None)
def emergency_access(
    request: Request,
    person_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        service.open_emergency_access(db, actor=actor, person_id=person_id, reason=reason)
    except Invalid as exc:
        return render(
            request,
            "patients/refused.html",
            status_code=422,
            person_id=person_id,
            reason=None,
            can_emergency=True,
            error=exc.message,
        )
    return RedirectResponse(f"/patients/{person_id}", status_code=303)


@router.post("/patients/{person_id}/contact", response_model=None)
def update_contact(
    request: Request,
    person_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    version: Annotated[int, Form()],
    phone: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    try:
        changes = ContactUpdate(phone=phone.strip() or None, email=email.strip() or None)
        service.update_contact_details(
            db, actor=actor, person_id=person_id, changes=changes, expected_version=version
        )
    except ValidationError as exc:
        msg = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        db.rollback()
        return _overview_or_refusal(request, actor, db, person_id, error=msg)
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return _overview_or_refusal(request, actor, db, person_id, error=exc.message)
    return RedirectResponse(f"/patients/{person_id}?saved=1", status_code=303)
