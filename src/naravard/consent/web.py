"""The log reviewer's lists of emergency accesses and staff-recorded consents: to review (a note, then a
confirmation) and reviewed (the history); and the patient's own consents (/min/samtycken)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from naravard.actor import Role
from naravard.consent import review, service
from naravard.consent.schemas import ConsentRequest
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, NaravardError
from naravard.patients import service as patients_service
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

router = APIRouter(include_in_schema=False)
# Bounds what the form may send; the service says, in words, that a note holds at most 1000 characters.
NOTE_FIELD_MAX = 5000


def _error_text(request: Request, exc: NaravardError) -> str:
    lang = language_of(request)
    return exc.text(lambda s: translate(s, lang))


# --- The log reviewer's reviews (issue 19): a note, a confirmation, and the history -------------------------


def _emergency(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    reviewed: bool = False,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    items = review.emergency_items(db, actor=actor, reviewed=reviewed)
    return render(
        request,
        "consent/emergency.html",
        status_code=status_code,
        items=items,
        reviewed=reviewed,
        error=error,
    )


@router.get("/audit/emergency", response_class=HTMLResponse)
def emergency_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _emergency(request, actor, db)


@router.get("/audit/emergency/reviewed", response_class=HTMLResponse)
def emergency_history(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _emergency(request, actor, db, reviewed=True)


@router.post("/audit/emergency/{access_id}/review", response_model=None)
def review_emergency(
    request: Request,
    access_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    note: Annotated[str, Form(max_length=NOTE_FIELD_MAX)] = "",
    confirm: Annotated[str, Form(max_length=1)] = "",
) -> HTMLResponse | RedirectResponse:
    """The note first, then "Markera som granskad?" with the note carried over; the second post
    (confirm=1) marks the emergency access reviewed."""
    try:
        note = service.clean_review_note(note)
        if confirm != "1":
            return render(
                request,
                "consent/confirm_review.html",
                emergency=review.emergency_item(db, actor=actor, access_id=access_id),
                consent=None,
                note=note,
                action=f"/audit/emergency/{access_id}/review",
                back="/audit/emergency",
            )
        service.review_emergency_access(db, actor=actor, access_id=access_id, note=note)
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return _emergency(request, actor, db, error=_error_text(request, exc), status_code=exc.status_code)
    return RedirectResponse("/audit/emergency/reviewed", status_code=303)


def _consents(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    reviewed: bool = False,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    items = review.consent_items(db, actor=actor, reviewed=reviewed)
    return render(
        request, "consent/flagged.html", status_code=status_code, items=items, reviewed=reviewed, error=error
    )


@router.get("/audit/consents", response_class=HTMLResponse)
def flagged_consents_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _consents(request, actor, db)


@router.get("/audit/consents/reviewed", response_class=HTMLResponse)
def flagged_consents_history(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _consents(request, actor, db, reviewed=True)


@router.post("/audit/consents/{consent_id}/review", response_model=None)
def review_consent(
    request: Request,
    consent_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    note: Annotated[str, Form(max_length=NOTE_FIELD_MAX)] = "",
    confirm: Annotated[str, Form(max_length=1)] = "",
) -> HTMLResponse | RedirectResponse:
    """As an emergency access: the note, "Markera som granskad?", then confirm=1 marks it reviewed."""
    try:
        note = service.clean_review_note(note)
        if confirm != "1":
            return render(
                request,
                "consent/confirm_review.html",
                emergency=None,
                consent=review.consent_item(db, actor=actor, consent_id=consent_id),
                note=note,
                action=f"/audit/consents/{consent_id}/review",
                back="/audit/consents",
            )
        service.review_consent(db, actor=actor, consent_id=consent_id, note=note)
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return _consents(request, actor, db, error=_error_text(request, exc), status_code=exc.status_code)
    return RedirectResponse("/audit/consents/reviewed", status_code=303)


# --- The patient's own consents -----------------------------------------------------------------------------


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
