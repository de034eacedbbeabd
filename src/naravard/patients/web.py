"""Patient pages: search, overview, emergency access, contact details, and the patient's own start page
(/min/: who has read my data, and reporting a read the patient questions)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from naravard.actor import Role
from naravard.consent import service as consent_service
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Conflict, Forbidden, Invalid, NaravardError, NotFound, RateLimited
from naravard.patients import service
from naravard.patients.schemas import NOTE_MAX, ContactUpdate
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

# What each contact field must look like, as the form says it when it does not (schemas.ContactUpdate).
CONTACT_FIELD_ERRORS = {
    "phone": "The phone number may contain only digits, spaces, +, - and parentheses (5 to 30 characters).",
    "email": "Write the e-mail address as name@example.se (at most 200 characters).",
}


def _text(request: Request, exc: NaravardError) -> str:
    """A service's error in the page's language."""
    lang = language_of(request)
    return exc.text(lambda text: translate(text, lang))


@router.get("/patients", response_class=HTMLResponse)
def search_page(request: Request, actor: CurrentActor, db: DbSession, q: str = "") -> HTMLResponse:
    result, error, status = None, None, 200
    if q.strip():
        try:
            result = service.search_patients(db, actor=actor, query=q)
        except (Invalid, RateLimited) as exc:
            error, status = _text(request, exc), exc.status_code
    partial = request.headers.get("HX-Request") == "true"
    if partial:
        # htmx swaps only a 2xx answer: the refusal comes in the fragment, as 200 (the whole page keeps 4xx)
        status = 200
    template = "patients/_results.html" if partial else "patients/search.html"
    return render(
        request,
        template,
        status_code=status,
        q=q,
        result=result,
        hits=result.hits if result else [],
        error=error,
        searched=bool(q.strip()),
        # a name finds only patients the user may open; a whole personnummer finds anyone, to ask for
        # emergency access, which this user may
        emergency_hint=consent_service.offers_emergency_access(actor, None),
    )


def _overview_or_refusal(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    person_id: uuid.UUID,
    *,
    message: str | None = None,
    error: str | None = None,
    field_errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        overview = service.get_overview(db, actor=actor, person_id=person_id)
    except Forbidden as exc:
        return render(
            request,
            "patients/refused.html",
            status_code=403,
            person_id=person_id,
            reason=_text(request, exc),
            can_emergency=consent_service.offers_emergency_access(actor, exc.reason),
            error=error,
        )
    return render(
        request,
        "patients/overview.html",
        status_code=status_code,
        p=overview,
        message=message,
        error=error,
        field_errors=field_errors or {},
        typed=typed,
    )


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
            error=_text(request, exc),
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
    typed = {"phone": phone.strip(), "email": email.strip()}
    try:
        changes = ContactUpdate(phone=typed["phone"] or None, email=typed["email"] or None)
    except ValidationError as exc:
        # One sentence per field in the page's words (pydantic's own names the regular expression), and
        # the form keeps what was typed.
        wrong = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        field_errors = {name: text for name, text in CONTACT_FIELD_ERRORS.items() if name in wrong}
        return _overview_or_refusal(
            request,
            actor,
            db,
            person_id,
            error=translate("The contact details were not saved.", language_of(request)),
            field_errors=field_errors,
            typed=typed,
            status_code=422,
        )
    try:
        service.update_contact_details(
            db, actor=actor, person_id=person_id, changes=changes, expected_version=version
        )
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        # a conflict shows the details as they are now (someone else's change), with what happened
        return _overview_or_refusal(
            request, actor, db, person_id, error=_text(request, exc), status_code=exc.status_code
        )
    return RedirectResponse(f"/patients/{person_id}?saved=1", status_code=303)


# --- The patient's own pages (/min/) ------------------------------------------------------------------------


def _own_person(actor: CurrentActor) -> uuid.UUID:
    if actor.role is not Role.PATIENT or actor.person_id is None:
        raise Forbidden("these pages are for patients, about their own data")
    return actor.person_id


def _my_access_log(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    entries = service.access_log(db, actor=actor, person_id=_own_person(actor))
    return render(
        request,
        "patients/access_log.html",
        status_code=status_code,
        entries=entries,
        message=message,
        error=error,
        note_max=NOTE_MAX,
    )


@router.get("/min/", response_class=HTMLResponse)
def my_access_log(
    request: Request, actor: CurrentActor, db: DbSession, reported: bool = False
) -> HTMLResponse:
    """The patient's start page: who has read my data."""
    message = "Thank you. Your report goes to the log reviewer, who follows it up." if reported else None
    return _my_access_log(request, actor, db, message=message)


@router.post("/min/ifragasatt", response_model=None)
def question_access(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    seq: Annotated[int, Form()],
    note: Annotated[str, Form(max_length=2 * NOTE_MAX)] = "",
) -> Response:
    """Report a read of my data that I question."""
    person_id = _own_person(actor)
    try:
        service.question_access(db, actor=actor, person_id=person_id, audit_seq=seq, note=note)
    except (Invalid, NotFound, Conflict) as exc:
        db.rollback()
        return _my_access_log(request, actor, db, error=_text(request, exc), status_code=exc.status_code)
    return RedirectResponse("/min/?reported=1", status_code=303)
