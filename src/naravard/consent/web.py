"""The log reviewer's lists of emergency accesses and staff-recorded consents: to review (a note, then a
confirmation) and reviewed (the history); and the patient's own consents (/min/samtycken)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from naravard.actor import Role
from naravard.consent import review, service
from naravard.consent.actions import ConsentAction
from naravard.consent.api import person_on_request
from naravard.consent.schemas import ConsentRequest, OnRequestBlock, OnRequestConsent
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, NaravardError
from naravard.patients import service as patients_service
from naravard.web.errors import validation_messages
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


# --- An administrator records the patient's written request (issue 20; ADR 0003, addendum) ------------------

ON_REQUEST_GIVERS = [g.value for g in service.ConsentGiver]


def _on_request_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    form: str = "",
    typed: dict[str, str] | None = None,
    error: str | None = None,
    done: str = "",
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "consent/on_request.html",
        status_code=status,
        rows=service.list_on_request(db, actor=actor),
        organizations=service.organizations(db),
        givers=ON_REQUEST_GIVERS,
        form=form,
        typed=typed or {},
        error=error,
        done=done,
    )


@router.get("/admin/samtycken", response_class=HTMLResponse)
def on_request_page(request: Request, actor: CurrentActor, db: DbSession, sparat: str = "") -> HTMLResponse:
    return _on_request_page(request, actor, db, done=sparat[:20])


def _on_request_write(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    form: str,
    typed: dict[str, str],
    write: Callable[[], object],
) -> HTMLResponse | RedirectResponse:
    lang = language_of(request)
    try:
        write()
    except ValidationError as exc:
        db.rollback()
        error = " ".join(validation_messages(exc.errors(), lang))
        return _on_request_page(request, actor, db, form=form, typed=typed, error=error, status=422)
    except ValueError:  # an organisation that is no id, a date that is no date
        db.rollback()
        error = translate("The form has values that cannot be saved; check them and try again.", lang)
        return _on_request_page(request, actor, db, form=form, typed=typed, error=error, status=422)
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return _on_request_page(
            request,
            actor,
            db,
            form=form,
            typed=typed,
            error=_error_text(request, exc),
            status=exc.status_code,
        )
    return RedirectResponse(f"/admin/samtycken?sparat={form}", status_code=303)


@router.post("/admin/samtycken/samtycke", response_model=None)
def consent_on_request(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    identifier: Annotated[str, Form(max_length=40)] = "",
    organization_id: Annotated[str, Form(max_length=64)] = "",
    given_by: Annotated[str, Form(max_length=32)] = "",
    request_reference: Annotated[str, Form(max_length=200)] = "",
    reason: Annotated[str, Form(max_length=NOTE_FIELD_MAX)] = "",
) -> HTMLResponse | RedirectResponse:
    """Record a consent on a written request (`POST /api/admin/consents` does the same)."""
    typed = {
        "identifier": identifier,
        "organization_id": organization_id,
        "given_by": given_by,
        "request_reference": request_reference,
        "reason": reason,
    }

    def write() -> None:
        service.require_administrator(db, actor=actor, action=ConsentAction.CONSENT_RECORD_ON_REQUEST)
        body = OnRequestConsent.model_validate(typed)
        person_id, protected = person_on_request(db, body.identifier)
        service.record_consent_on_request(
            db,
            actor=actor,
            person_id=person_id,
            protected_identity=protected,
            organization_id=body.organization_id,
            given_by=service.ConsentGiver(body.given_by),
            request_reference=body.request_reference,
            reason=body.reason,
        )

    return _on_request_write(request, actor, db, form="consent", typed=typed, write=write)


@router.post("/admin/samtycken/sparr", response_model=None)
def block_on_request(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    identifier: Annotated[str, Form(max_length=40)] = "",
    blocked_organization_id: Annotated[str, Form(max_length=64)] = "",
    given_by: Annotated[str, Form(max_length=32)] = "",
    request_reference: Annotated[str, Form(max_length=200)] = "",
    reason: Annotated[str, Form(max_length=NOTE_FIELD_MAX)] = "",
) -> HTMLResponse | RedirectResponse:
    """Record a block on a written request (`POST /api/admin/blocks` does the same)."""
    typed = {
        "identifier": identifier,
        "blocked_organization_id": blocked_organization_id,
        "given_by": given_by,
        "request_reference": request_reference,
        "reason": reason,
    }

    def write() -> None:
        service.require_administrator(db, actor=actor, action=ConsentAction.BLOCK_ADD_ON_REQUEST)
        body = OnRequestBlock.model_validate(
            {**typed, "blocked_organization_id": blocked_organization_id or None}
        )
        person_id, _ = person_on_request(db, body.identifier)
        service.add_block_on_request(
            db,
            actor=actor,
            person_id=person_id,
            blocked_organization_id=body.blocked_organization_id,
            given_by=service.ConsentGiver(body.given_by),
            request_reference=body.request_reference,
            reason=body.reason,
        )

    return _on_request_write(request, actor, db, form="block", typed=typed, write=write)


@router.post("/admin/samtycken/sparr/{block_id}/hav", response_model=None)
def lift_on_request(
    request: Request, block_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    """Lift a block recorded on request (the patient's new written request; `POST /api/blocks/{id}/lift`)."""
    return _on_request_write(
        request,
        actor,
        db,
        form="lifted",
        typed={},
        write=lambda: service.lift_block(db, actor=actor, block_id=block_id),
    )
