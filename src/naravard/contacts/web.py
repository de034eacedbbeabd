"""The unit manager's pages (/enhet/kontakter: lists, needs, figures, the proposal, undelivered notices) and the
patient's own page (/min/kontakter)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from naravard.contacts import service
from naravard.contacts.api import continuity_of
from naravard.contacts.schemas import ConfirmRow
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, Invalid, NaravardError
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

router = APIRouter(include_in_schema=False)


def _unit(actor: CurrentActor) -> uuid.UUID:
    if actor.unit_id is None:
        raise Forbidden("only a unit manager appoints fixed contacts")
    return actor.unit_id


def _error(request: Request, exc: NaravardError) -> str:
    lang = language_of(request)
    return exc.text(lambda s: translate(s, lang))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %".replace(".", ",")


@router.get("/enhet/kontakter", response_class=HTMLResponse)
def unit_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    page = service.unit_overview(db, actor=actor, unit_id=_unit(actor), continuity=continuity_of(request))
    return render(request, "contacts/unit.html", page=page, pct=_pct)


def _proposal(
    request: Request, actor: CurrentActor, db: DbSession, error: str | None = None, status: int = 200
) -> HTMLResponse:
    proposal = service.propose_for_unit(
        db, actor=actor, unit_id=_unit(actor), continuity=continuity_of(request)
    )
    return render(
        request, "contacts/proposal.html", status_code=status, proposal=proposal, error=error, pct=_pct
    )


@router.get("/enhet/kontakter/forslag", response_class=HTMLResponse)
def proposal_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _proposal(request, actor, db)


@router.post("/enhet/kontakter/forslag", response_model=None)
def confirm(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    person_id: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    practitioner_id: Annotated[list[str], Form()] = [],  # noqa: B006
) -> HTMLResponse | RedirectResponse:
    """The reviewed proposal, rows as the manager left them (a row set to no doctor is left out), assigned in one
    transaction; a conflict (another manager was first) shows the fresh proposal with the reason."""
    try:
        if len(person_id) != len(practitioner_id):
            raise Invalid("the proposal form is incomplete; reload it")
        rows = [
            ConfirmRow(person_id=uuid.UUID(p), practitioner_id=uuid.UUID(d))
            for p, d in zip(person_id, practitioner_id, strict=True)
            if d
        ]
        result = service.confirm_proposal(db, actor=actor, unit_id=_unit(actor), rows=rows)
    except ValueError:
        db.rollback()
        return _proposal(
            request,
            actor,
            db,
            error=translate("the proposal form is incomplete; reload it", language_of(request)),
            status=422,
        )
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return _proposal(request, actor, db, error=_error(request, exc), status=exc.status_code)
    return RedirectResponse(f"/enhet/kontakter?tilldelade={result.assigned}", status_code=303)


@router.get("/enhet/kontakter/aviseringar", response_class=HTMLResponse)
def notices_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    items = service.undelivered_notices(db, actor=actor, unit_id=_unit(actor))
    return render(request, "contacts/notices.html", items=items)


@router.post("/enhet/kontakter/aviseringar/{notice_id}/skicka-igen")
def resend(
    notice_id: uuid.UUID, actor: CurrentActor, db: DbSession, version: Annotated[int, Form()]
) -> RedirectResponse:
    service.resend_notice(db, actor=actor, notice_id=notice_id, version=version)
    return RedirectResponse("/enhet/kontakter/aviseringar?skickad=1", status_code=303)


@router.get("/min/kontakter", response_class=HTMLResponse)
def my_contacts(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    mine = service.my_contacts(db, actor=actor)
    return render(request, "contacts/mine.html", mine=mine)
