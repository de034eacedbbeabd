"""The log reviewer's lists of emergency accesses and staff-recorded consents to review, and the patient's
own consents (/min/samtycken)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from naravard.actor import Role
from naravard.consent import service
from naravard.consent.schemas import ConsentRequest
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, NaravardError
from naravard.patients import service as patients_service
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


@router.get("/audit/consents", response_class=HTMLResponse)
def flagged_consents_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    rows = service.consent_views(db, service.list_flagged_consents(db, actor=actor, unreviewed_only=True))
    return render(request, "consent/flagged.html", rows=rows)


@router.post("/audit/consents/{consent_id}/review")
def review_consent(
    consent_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    note: Annotated[str, Form(max_length=1000)] = "",
) -> RedirectResponse:
    service.review_consent(db, actor=actor, consent_id=consent_id, note=note)
    return RedirectResponse("/audit/consents", status_code=303)


def _own_person(actor: CurrentActor) -> uuid.UUID:
    if actor.role is not Role.PATIENT or actor.person_id is None:
        raise Forbidden("these pages are the patient's own")
    return actor.person_id


def _mine(request: Request, actor: CurrentActor, db: DbSession, error: str | None = None) -> HTMLResponse:
    person_id = _own_person(actor)
    consents = patients_service.list_consents(db, actor=actor, person_id=person_id)
    organizations = [(org_id, name) for org_id, name, _ in service.organizations(db)]
    return render(
        request,
        "consent/mine.html",
        status_code=422 if error else 200,
        consents=consents,
        organizations=organizations,
        error=error,
    )


@router.get("/min/samtycken", response_class=HTMLResponse)
def my_consents(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _mine(request, actor, db)


@router.post("/min/samtycken", response_model=None)
def give_consent(
    request: Request, actor: CurrentActor, db: DbSession, organization_id: Annotated[str, Form()] = ""
) -> HTMLResponse | RedirectResponse:
    person_id = _own_person(actor)
    try:
        org = uuid.UUID(organization_id)
    except ValueError:
        return _mine(request, actor, db, error="choose the organisation the consent is for")
    try:
        patients_service.record_consent(
            db, actor=actor, person_id=person_id, request=ConsentRequest(organization_id=org)
        )
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return _mine(request, actor, db, error=exc.message)
    return RedirectResponse("/min/samtycken", status_code=303)


@router.post("/min/samtycken/{consent_id}/withdraw")
def withdraw_consent(consent_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> RedirectResponse:
    patients_service.withdraw_consent(db, actor=actor, person_id=_own_person(actor), consent_id=consent_id)
    return RedirectResponse("/min/samtycken", status_code=303)
