"""The coordination pages: the unit's worklist with its figures (/samordning), tasks between units
(/samordning/uppdrag/...) and discharge planning (/samordning/utskrivning/...). Plain forms, POST-redirect-GET;
a refused write shows the page again with the reason."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from naravard.coordination import service
from naravard.coordination.schemas import AdmissionIn, DischargeStepIn, TaskChange, TaskIn
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, NaravardError
from naravard.web.errors import validation_messages
from naravard.web.i18n import translate
from naravard.web.templating import STOCKHOLM, language_of, render

router = APIRouter(include_in_schema=False)
INVALID_FORM = "The form has values that cannot be saved; check them and try again."
KINDS = ("task", "discharge")
STATUSES = ("new", "accepted", "reassigned", "notified", "ready", "discharged")
# the codes the pages show, in English words (translated by t())
LABELS: dict[str, str] = {
    "task": "Task between units",
    "discharge": "Discharge planning case",
    "task_in": "Incoming task",
    "task_out": "Sent task",
    "new": "New",
    "accepted": "Accepted",
    "declined": "Declined",
    "reassigned": "Reassigned",
    "done": "Done",
    "notified": "Admission notice sent",
    "ready": "Ready for discharge",
    "discharged": "Discharged",
    "sip_called": "SIP called",
    "closed": "Closed",
    "normal": "Normal priority",
    "high": "High priority",
    "urgent": "Urgent",
    "notice_24h": "Admission notice later than 24 hours",
    "ready_not_discharged": "Utskrivningsklar over 3 days without discharge",
    "sip_3_days": "SIP not called within 3 days",
    "task_overdue": "Overdue",
    "admit": "Admission",
    "planned_date": "Planned discharge date set",
    "accept": "Accepted by the municipality",
    "fast_vardkontakt": "Fast vårdkontakt named",
    "discharge_step": "Discharged",
    "sip": "SIP called",
}


def label(code: str) -> str:
    return LABELS.get(code, code)


def _render(request: Request, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
    return render(request, template, status_code=status_code, label=label, **context)


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _attempt(
    request: Request, db: DbSession, write: Callable[[], str], again: Callable[[str, int], HTMLResponse]
) -> HTMLResponse | RedirectResponse:
    """Run one write; on a refusal (not a Forbidden) roll back and show the page again with the reason."""
    lang = language_of(request)
    try:
        target = write()
    except ValidationError as exc:
        db.rollback()
        return again(" ".join([translate(INVALID_FORM, lang), *validation_messages(exc.errors(), lang)]), 422)
    except ValueError:
        db.rollback()
        return again(translate(INVALID_FORM, lang), 422)
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return again(exc.text(lambda s: translate(s, lang)), exc.status_code)
    return RedirectResponse(target, status_code=303)


@router.get("/samordning", response_class=HTMLResponse)
def worklist_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    patient: str = "",
    typ: str = "",
    status: str = "",
    sena: str = "",
    sida: Annotated[int, Query(ge=1, lt=2**20)] = 1,
) -> HTMLResponse:
    flt = service.WorklistFilter(
        patient=patient[:64],
        kind=typ if typ in KINDS else "",
        status=status[:16],
        only_late=bool(sena),
        offset=(sida - 1) * service.WORKLIST_PAGE,
    )
    page = service.worklist(db, actor=actor, flt=flt)
    return _render(
        request,
        "coordination/worklist.html",
        page=page,
        flt=flt,
        kinds=KINDS,
        statuses=STATUSES,
        days=_days,
        pct=_pct,
        sida=sida,
        more=page.offset + page.shown < page.total,
        query=urlencode({"patient": flt.patient, "typ": flt.kind, "status": flt.status, "sena": sena}),
    )


@router.get("/samordning/antal", response_class=HTMLResponse)
def waiting_badge(actor: CurrentActor, db: DbSession) -> HTMLResponse:
    count = service.waiting_count(db, actor=actor)
    return HTMLResponse(f" ({count})" if count else "")


# --- Tasks ---------------------------------------------------------------------------------------------------


def _new_task_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    typed: dict[str, str],
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    units = service.units_for_task(db, actor=actor)
    return _render(
        request,
        "coordination/task_new.html",
        status_code=status,
        units=units,
        typed=typed,
        error=error,
        today=date.today(),
    )


@router.get("/samordning/uppdrag/ny", response_class=HTMLResponse)
def new_task_form(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _new_task_page(request, actor, db, typed={})


@router.post("/samordning/uppdrag", response_model=None)
def create_task(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    personnummer: Annotated[str, Form(max_length=20)] = "",
    to_unit_id: Annotated[str, Form(max_length=64)] = "",
    what: Annotated[str, Form(max_length=500)] = "",
    why: Annotated[str, Form(max_length=2000)] = "",
    due_date: Annotated[str, Form(max_length=10)] = "",
    priority: Annotated[str, Form(max_length=16)] = "normal",
) -> HTMLResponse | RedirectResponse:
    typed = {
        "personnummer": personnummer,
        "to_unit_id": to_unit_id,
        "what": what,
        "why": why,
        "due_date": due_date,
        "priority": priority,
    }

    def write() -> str:
        data = TaskIn(
            personnummer=personnummer,
            to_unit_id=uuid.UUID(to_unit_id),
            what=what,
            why=why,
            due_date=date.fromisoformat(due_date),
            priority=priority,
        )
        return f"/samordning/uppdrag/{service.create_task(db, actor=actor, data=data).id}?sparat=1"

    return _attempt(
        request, db, write, lambda e, s: _new_task_page(request, actor, db, typed=typed, error=e, status=s)
    )


def _task_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    task_id: uuid.UUID,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    task = service.get_task(db, actor=actor, task_id=task_id)
    units = service.units_for_task(db, actor=actor) if actor.unit_id == task.to_unit_id else []
    return _render(request, "coordination/task.html", status_code=status, task=task, units=units, error=error)


@router.get("/samordning/uppdrag/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, task_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _task_page(request, actor, db, task_id)


@router.post("/samordning/uppdrag/{task_id}/status", response_model=None)
def change_task(
    request: Request,
    task_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    to: Annotated[str, Form(max_length=16)],
    version: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=1000)] = "",
    to_unit_id: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse | RedirectResponse:
    def write() -> str:
        change = TaskChange(
            to=to, reason=reason or None, to_unit_id=uuid.UUID(to_unit_id) if to_unit_id else None
        )
        service.change_task(db, actor=actor, task_id=task_id, change=change, base_version=version)
        return f"/samordning/uppdrag/{task_id}?sparat=1"

    return _attempt(
        request, db, write, lambda e, s: _task_page(request, actor, db, task_id, error=e, status=s)
    )


# --- Discharge planning ------------------------------------------------------------------------------------


def _new_admission_page(
    request: Request, *, typed: dict[str, str], error: str | None = None, status: int = 200
) -> HTMLResponse:
    return _render(request, "coordination/admission_new.html", status_code=status, typed=typed, error=error)


@router.get("/samordning/utskrivning/ny", response_class=HTMLResponse)
def new_admission_form(request: Request, actor: CurrentActor) -> HTMLResponse:
    return _new_admission_page(request, typed={})


@router.post("/samordning/utskrivning", response_model=None)
def admit(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    personnummer: Annotated[str, Form(max_length=20)] = "",
    admitted_at: Annotated[str, Form(max_length=20)] = "",
    planned_discharge_date: Annotated[str, Form(max_length=10)] = "",
    planned: Annotated[str, Form(max_length=8)] = "",
) -> HTMLResponse | RedirectResponse:
    typed = {
        "personnummer": personnummer,
        "admitted_at": admitted_at,
        "planned_discharge_date": planned_discharge_date,
    }

    def write() -> str:
        at = datetime.fromisoformat(admitted_at)
        data = AdmissionIn(
            personnummer=personnummer,
            admitted_at=at if at.tzinfo else at.replace(tzinfo=STOCKHOLM),
            planned=bool(planned),
            planned_discharge_date=date.fromisoformat(planned_discharge_date)
            if planned_discharge_date
            else None,
        )
        out, _ = service.admit(db, actor=actor, data=data)
        return f"/samordning/utskrivning/{out.id}?sparat=1"

    return _attempt(
        request, db, write, lambda e, s: _new_admission_page(request, typed=typed, error=e, status=s)
    )


def _discharge_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    discharge_id: uuid.UUID,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    d = service.get_discharge(db, actor=actor, discharge_id=discharge_id)
    parties = {
        "hospital": actor.unit_id == d.hospital_unit_id,
        "municipality": actor.unit_id == d.municipality_unit_id,
        "health_centre": d.health_centre_unit_id is not None and actor.unit_id == d.health_centre_unit_id,
    }
    return _render(
        request,
        "coordination/discharge.html",
        status_code=status,
        d=d,
        parties=parties,
        error=error,
        today=date.today(),
    )


@router.get("/samordning/utskrivning/{discharge_id}", response_class=HTMLResponse)
def discharge_page(
    request: Request, discharge_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> HTMLResponse:
    return _discharge_page(request, actor, db, discharge_id)


@router.post("/samordning/utskrivning/{discharge_id}/steg", response_model=None)
def record_step(
    request: Request,
    discharge_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    step: Annotated[str, Form(max_length=32)],
    version: Annotated[int, Form()],
    on: Annotated[str, Form(max_length=10)] = "",
    text: Annotated[str, Form(max_length=1000)] = "",
    needs_continue: Annotated[str, Form(max_length=8)] = "",
) -> HTMLResponse | RedirectResponse:
    def write() -> str:
        data = DischargeStepIn(
            step=step,
            on=date.fromisoformat(on) if on else None,
            text=text or None,
            needs_continue=bool(needs_continue),
        )
        service.record_step(db, actor=actor, discharge_id=discharge_id, step=data, base_version=version)
        return f"/samordning/utskrivning/{discharge_id}?sparat=1"

    return _attempt(
        request, db, write, lambda e, s: _discharge_page(request, actor, db, discharge_id, error=e, status=s)
    )
