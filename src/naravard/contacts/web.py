"""The unit manager's pages (/enhet/kontakter: lists, needs, figures, the proposal, undelivered notices) and the
patient's own page (/min/kontakter)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from naravard.contacts import rules, service
from naravard.contacts.api import continuity_of
from naravard.contacts.models import FixedContactReason
from naravard.contacts.schemas import AssignRequest, ChangeRequest, ConfirmRow, EndRequest, UnitSettings
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, Invalid, NaravardError
from naravard.web.errors import validation_messages
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


# the reasons the page offers: a manager's own appointment (not the proposal's or an import's)
ASSIGN_REASONS = [
    FixedContactReason.NEED,
    FixedContactReason.PATIENT_REQUEST,
    FixedContactReason.DISCHARGE,
    FixedContactReason.LIFE_THREATENING,
]
CHANGE_REASONS = [FixedContactReason.CHANGE, FixedContactReason.PATIENT_REQUEST, FixedContactReason.NEED]
END_REASONS = sorted(rules.END_REASONS - {FixedContactReason.CHANGE})
INVALID_FORM = "The form has values that cannot be saved; check them and try again."


def _unit_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    form: str | None = None,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The manager's page; after a refused write, `form` names the form that failed, shown with `error` and
    with what was `typed`."""
    page = service.unit_overview(db, actor=actor, unit_id=_unit(actor), continuity=continuity_of(request))
    return render(
        request,
        "contacts/unit.html",
        status_code=status,
        page=page,
        pct=_pct,
        form=form,
        typed=typed or {},
        error=error,
        assign_reasons=ASSIGN_REASONS,
        change_reasons=CHANGE_REASONS,
        end_reasons=END_REASONS,
    )


def _write(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    form: str,
    typed: dict[str, str],
    write: Callable[[], object],
    done: str,
) -> HTMLResponse | RedirectResponse:
    """Run one service write; a refused one (a rule: 422, a stale version: 409) shows the page again with the
    reason in the page's language and the form as it was typed."""
    try:
        write()
    except ValidationError as exc:  # a value outside the schema's bounds (e.g. a capacity under 50)
        db.rollback()
        lang = language_of(request)
        error = " ".join([translate(INVALID_FORM, lang), *validation_messages(exc.errors(), lang)])
        return _unit_page(request, actor, db, form=form, typed=typed, error=error, status=422)
    except ValueError:  # not a number, not an id
        db.rollback()
        error = translate(INVALID_FORM, language_of(request))
        return _unit_page(request, actor, db, form=form, typed=typed, error=error, status=422)
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return _unit_page(
            request, actor, db, form=form, typed=typed, error=_error(request, exc), status=exc.status_code
        )
    return RedirectResponse(f"/enhet/kontakter?sparat={done}", status_code=303)


@router.get("/enhet/kontakter", response_class=HTMLResponse)
def unit_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _unit_page(request, actor, db)


@router.post("/enhet/kontakter/fast", response_model=None)
def assign(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    person_id: Annotated[str, Form(max_length=64)],
    kind: Annotated[str, Form(max_length=32)],
    practitioner_id: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=32)] = "",
    note: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse | RedirectResponse:
    """Appoint a fast läkarkontakt or fast vårdkontakt for one patient (`service.assign_fixed_contact`)."""
    typed = {"practitioner_id": practitioner_id, "reason": reason, "note": note}
    return _write(
        request,
        actor,
        db,
        form=f"{kind}-{person_id}",
        typed=typed,
        write=lambda: service.assign_fixed_contact(
            db,
            actor=actor,
            request=AssignRequest(
                person_id=uuid.UUID(person_id),
                kind=kind,
                practitioner_id=uuid.UUID(practitioner_id),
                reason=reason,
                note=note.strip() or None,
            ),
        ),
        done="assigned",
    )


@router.post("/enhet/kontakter/fast/{contact_id}/byt", response_model=None)
def change(
    request: Request,
    contact_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    version: Annotated[int, Form()],
    practitioner_id: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=32)] = "",
    note: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse | RedirectResponse:
    """Another doctor takes over (`service.change_fixed_contact`); a stale `version` is a conflict."""
    typed = {"practitioner_id": practitioner_id, "reason": reason, "note": note}
    return _write(
        request,
        actor,
        db,
        form=f"change-{contact_id}",
        typed=typed,
        write=lambda: service.change_fixed_contact(
            db,
            actor=actor,
            contact_id=contact_id,
            request=ChangeRequest(
                practitioner_id=uuid.UUID(practitioner_id),
                reason=reason,
                note=note.strip() or None,
                version=version,
            ),
        ),
        done="changed",
    )


@router.post("/enhet/kontakter/fast/{contact_id}/avsluta", response_model=None)
def end(
    request: Request,
    contact_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    version: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=32)] = "",
    note: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse | RedirectResponse:
    """End a fixed contact (`service.end_fixed_contact`); a stale `version` is a conflict."""
    typed = {"reason": reason, "note": note}
    return _write(
        request,
        actor,
        db,
        form=f"end-{contact_id}",
        typed=typed,
        write=lambda: service.end_fixed_contact(
            db,
            actor=actor,
            contact_id=contact_id,
            request=EndRequest(reason=reason, note=note.strip() or None, version=version),
        ),
        done="ended",
    )


@router.post("/enhet/kontakter/installningar", response_model=None)
def save_settings(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    version: Annotated[int, Form()],
    capacity_per_fte: Annotated[str, Form(max_length=16)] = "",
    need_min_age: Annotated[str, Form(max_length=16)] = "",
    need_home_health_care: Annotated[str, Form(max_length=8)] = "",
    need_min_contacts: Annotated[str, Form(max_length=16)] = "",
) -> HTMLResponse | RedirectResponse:
    """The unit's capacity per full-time doctor and need rule (`service.update_unit_settings`); an empty
    threshold turns that part of the rule off; a save based on an older version is a conflict."""
    typed = {
        "capacity_per_fte": capacity_per_fte,
        "need_min_age": need_min_age,
        "need_home_health_care": need_home_health_care,
        "need_min_contacts": need_min_contacts,
    }
    return _write(
        request,
        actor,
        db,
        form="settings",
        typed=typed,
        write=lambda: service.update_unit_settings(
            db,
            actor=actor,
            unit_id=_unit(actor),
            settings=UnitSettings(
                capacity_per_fte=int(capacity_per_fte),
                need_min_age=int(need_min_age) if need_min_age.strip() else None,
                need_home_health_care=bool(need_home_health_care),
                need_min_contacts=int(need_min_contacts) if need_min_contacts.strip() else None,
                version=version,
            ),
        ),
        done="settings",
    )


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
