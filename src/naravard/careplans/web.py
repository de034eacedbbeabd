"""The care plans' pages: the coordinator's worklist (/planer) with live figures, the unit manager's figures
(/planer/enhet), a new plan from the patient's page (/planer/ny), the plan with its edit form and lifecycle
(/planer/{id}), its versions and what changed (/planer/{id}/versioner), and the patient's own view (/min/plan)
with their goals, agreement and a PDF to print.

The edit form carries its base version; a save based on an older version shows the newer version beside what
was typed (nothing is overwritten or merged)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from naravard.careplans import pdf, service
from naravard.careplans.schemas import (
    Activity,
    Agreement,
    CreatePlan,
    Invitation,
    Meeting,
    Need,
    NeedMapping,
    Participant,
    PatientStatementIn,
    PlanContent,
    PlanKind,
    PlanOut,
    PlanState,
    Sip,
    Statement,
    Step,
    TransitionRequest,
)
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, Invalid, NaravardError, PreconditionFailed
from naravard.web.errors import validation_messages
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

INVALID_FORM = "The form has values that cannot be saved; check them and try again."
STALE = "Someone saved a newer version while you edited. The newer version is shown; what you typed is kept below."

Text = Annotated[str, Form()]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _error(request: Request, exc: Exception) -> str:
    lang = language_of(request)
    if isinstance(exc, ValidationError):
        return " ".join([translate(INVALID_FORM, lang), *validation_messages(exc.errors(), lang)])
    if isinstance(exc, NaravardError):
        return exc.text(lambda s: translate(s, lang))
    return translate(INVALID_FORM, lang)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _uuid(text: str) -> uuid.UUID | None:
    return uuid.UUID(text) if text.strip() else None


def _date(text: str) -> date | None:
    return date.fromisoformat(text.strip()) if text.strip() else None


def _statements(lines: list[str], before: list[Statement]) -> list[Statement]:
    """The staff's lines as statements, keeping the id of an unchanged line; the patient's own are kept."""
    mine = [s for s in before if s.author.value == "patient"]
    by_text = {s.text: s for s in before if s.author.value == "staff"}
    return mine + [by_text.get(t) or Statement(text=t) for t in lines]


def _timeline(lines: list[str]) -> list[Step]:
    steps = []
    for i, line in enumerate(lines):
        day, _, what = line.partition(" ")
        try:
            on = date.fromisoformat(day)
        except ValueError:
            raise Invalid(
                "timeline[%(i)s]: write a date (YYYY-MM-DD), a space and the step",
                field=f"timeline[{i}]",
                params={"i": i},
            ) from None
        steps.append(Step(on=on, what=what.strip() or day))
    return steps


LISTS = (
    "activity_status",
    "remove_participant",
    "meeting_id",
    "meeting_on",
    "meeting_attendees",
    "meeting_attended",
    "remove_meeting",
    "remove_invitation",
    "remove_mapping",
)


def _attendees(text: str) -> list[str]:
    return [a.strip() for a in text.replace("\n", ",").split(",") if a.strip()]


def _participants(form: dict[str, Any], before: PlanContent) -> list[Participant]:
    removed = set(form.get("remove_participant") or [])
    participants = [p for i, p in enumerate(before.participants) if str(i) not in removed]
    if form.get("new_participant_name", "").strip():
        participants.append(
            Participant(
                name=form["new_participant_name"].strip(),
                unit_id=_uuid(form.get("new_participant_unit", "")),
                kind=form.get("new_participant_kind") or "staff",
                role=form.get("new_participant_role", "").strip() or None,
            )
        )
    return participants


def _sip_from_form(
    form: dict[str, Any], sip: Sip, before: PlanContent, participants: list[Participant]
) -> Sip:
    """The SIP's steps from the form: meetings (edited, removed, one new), invitations (removed, one new, and
    one for each unit a new participant comes from), the needs mapping (removed, one new), the main
    responsible party, the follow-up and the evaluation. A participant removed takes their unit's invitation
    with them when nobody else of that unit remains (an invitation is how the unit takes part)."""
    meetings = []
    removed_meetings = set(form.get("remove_meeting") or [])
    attended = set(form.get("meeting_attended") or [])
    rows = zip(
        form.get("meeting_id") or [],
        form.get("meeting_on") or [],
        form.get("meeting_attendees") or [],
        strict=False,
    )
    by_id = {str(m.id): m for m in sip.meetings}
    for mid, on, names in rows:
        if mid in removed_meetings or mid not in by_id:
            continue
        meetings.append(
            by_id[mid].model_copy(
                update={
                    "on": _date(on) or by_id[mid].on,
                    "attendees": _attendees(names),
                    "patient_attended": mid in attended,
                }
            )
        )
    if form.get("new_meeting_on", "").strip():
        meetings.append(
            Meeting(
                on=date.fromisoformat(form["new_meeting_on"].strip()),
                attendees=_attendees(form.get("new_meeting_attendees", "")),
                patient_attended=bool(form.get("new_meeting_patient_attended")),
            )
        )
    removed_units = {str(p.unit_id) for p in before.participants if p.unit_id is not None} - {
        str(p.unit_id) for p in participants if p.unit_id is not None
    }
    removed_units |= set(form.get("remove_invitation") or [])
    invitations = [v for v in sip.invitations if str(v.unit_id) not in removed_units]
    wanted = [_uuid(form.get("new_invitation_unit", ""))] + [p.unit_id for p in participants]
    for unit_id in wanted:
        if (
            unit_id is not None
            and all(v.unit_id != unit_id for v in invitations)
            and unit_id != sip.called_by_unit_id
            and (str(unit_id) not in removed_units or unit_id == wanted[0])
        ):
            invitations.append(Invitation(unit_id=unit_id, invited_on=date.today()))
    removed_maps = set(form.get("remove_mapping") or [])
    mapping = [m for i, m in enumerate(sip.needs_mapping) if str(i) not in removed_maps]
    if form.get("new_mapping_need", "").strip():
        mapping.append(
            NeedMapping(
                need=form["new_mapping_need"].strip(), unit_id=_uuid(form.get("new_mapping_unit", ""))
            )
        )
    return sip.model_copy(
        update={
            "meetings": meetings,
            "invitations": invitations,
            "needs_mapping": mapping,
            "main_responsible_unit_id": _uuid(form.get("sip_main_unit", "")),
            "follow_up_date": _date(form.get("sip_follow_up", "")),
            "evaluation": form.get("sip_evaluation", "").strip() or None,
        }
    )


def _content_from_form(form: dict[str, Any], before: PlanContent) -> PlanContent:
    needs_by_text = {n.text: n for n in before.needs}
    activities = list(before.activities)
    status = form.get("activity_status") or []
    for i, value in enumerate(status[: len(activities)]):
        activities[i] = activities[i].model_copy(update={"status": value})
    if form.get("new_activity_what", "").strip():
        activities.append(
            Activity(
                what=form["new_activity_what"].strip(),
                unit_id=_uuid(form.get("new_activity_unit", "")),
                by_name=form.get("new_activity_by", "").strip() or None,
                frequency=form.get("new_activity_frequency", "").strip() or None,
                start_date=_date(form.get("new_activity_start", "")),
                end_date=_date(form.get("new_activity_end", "")),
            )
        )
    participants = _participants(form, before)
    sip = None if before.sip is None else _sip_from_form(form, before.sip, before, participants)
    # validated as a whole once more: the model_copy calls above do not check what the form gave
    fields: dict[str, Any] = {
        "matters": _statements(_lines(form.get("matters", "")), before.matters),
        "goals": _statements(_lines(form.get("goals", "")), before.goals),
        "needs": [needs_by_text.get(t) or Need(text=t) for t in _lines(form.get("needs", ""))],
        "activities": activities,
        "timeline": _timeline(_lines(form.get("timeline", ""))),
        "participants": participants,
        "sip": sip,
        "agreement": before.agreement,
        "follow_up_date": _date(form.get("follow_up_date", "")),
    }
    return PlanContent.model_validate(PlanContent.model_construct(**fields).model_dump(warnings=False))


def _plan_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    plan: PlanOut,
    *,
    typed: dict[str, Any] | None = None,
    error: str | None = None,
    stale: bool = False,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "careplans/plan.html",
        status_code=status,
        plan=plan,
        typed=typed,
        error=error,
        stale=stale,
        units=service.units_to_choose(db),
        next_states=sorted(service.TRANSITIONS[plan.state], key=list(PlanState).index),
        staff_lines=lambda items: "\n".join(s.text for s in items if s.author.value == "staff"),
        saved=request.query_params.get("sparat"),
    )


# --- Staff ------------------------------------------------------------------------------------------------------


@router.get("/planer", response_class=HTMLResponse)
def worklist(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    items = service.worklist(db, actor=actor)
    figures = service.figures(db, actor=actor)
    return render(request, "careplans/worklist.html", items=items, figures=figures, pct=_pct)


@router.get("/planer/enhet", response_class=HTMLResponse)
def unit_figures(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    figures = service.figures(db, actor=actor, scope="unit")
    return render(request, "careplans/unit.html", figures=figures, pct=_pct)


@router.get("/planer/ny", response_class=HTMLResponse)
def new_form(request: Request, actor: CurrentActor, db: DbSession, person: uuid.UUID) -> HTMLResponse:
    existing = service.plans_of_person(db, actor=actor, person_id=person)
    return render(
        request,
        "careplans/new.html",
        person=person,
        existing=existing,
        units=service.units_to_choose(db),
        error=None,
        typed={},
    )


@router.post("/planer/ny", response_model=None)
def create(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    person_id: Text,
    kind: Text = "patientkontrakt",
    matters: Text = "",
    goals: Text = "",
    needs: Text = "",
    sip_consent: Text = "",
    sip_main_unit: Text = "",
    sip_follow_up: Text = "",
) -> HTMLResponse | RedirectResponse:
    typed = {"kind": kind, "matters": matters, "goals": goals, "needs": needs}
    try:
        person = uuid.UUID(person_id)
        sip = None
        if kind == PlanKind.SIP.value:
            sip = Sip(
                called_by_unit_id=actor.unit_id,
                called_by_name=actor.display_name or actor.username,
                called_on=date.today(),
                patient_consent=bool(sip_consent),
                patient_consent_on=date.today() if sip_consent else None,
                main_responsible_unit_id=_uuid(sip_main_unit),
                follow_up_date=_date(sip_follow_up),
            )
        content = PlanContent(
            matters=[Statement(text=t) for t in _lines(matters)],
            goals=[Statement(text=t) for t in _lines(goals)],
            needs=[Need(text=t) for t in _lines(needs)],
            sip=sip,
        )
        plan = service.create_plan(
            db, actor=actor, request=CreatePlan(person_id=person, kind=PlanKind(kind), content=content)
        )
    except (NaravardError, ValidationError, ValueError) as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return render(
            request,
            "careplans/new.html",
            status_code=getattr(exc, "status_code", 422),
            person=person_id,
            existing=[],
            units=service.units_to_choose(db),
            error=_error(request, exc),
            typed=typed,
        )
    return RedirectResponse(f"/planer/{plan.id}", status_code=303)


@router.get("/planer/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _plan_page(request, actor, db, service.get_plan(db, actor=actor, plan_id=plan_id))


@router.post("/planer/{plan_id}", response_model=None)
async def save(
    request: Request, plan_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    raw = await request.form()
    form: dict[str, Any] = {k: raw.get(k) for k in raw.keys()}  # noqa: SIM118 - a FormData
    for name in LISTS:
        form[name] = [str(v) for v in raw.getlist(name)]
    try:
        base = int(str(form.get("base_version", "")))
        current = service.version_content(db, actor=actor, plan_id=plan_id, version_no=base)
        content = _content_from_form(form, current)
        service.save_plan(db, actor=actor, plan_id=plan_id, base_version=base, content=content)
    except PreconditionFailed:
        db.rollback()
        newer = service.get_plan(db, actor=actor, plan_id=plan_id)
        error = translate(STALE, language_of(request))
        return _plan_page(request, actor, db, newer, typed=form, error=error, stale=True, status=409)
    except (NaravardError, ValidationError, ValueError) as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        plan = service.get_plan(db, actor=actor, plan_id=plan_id)
        return _plan_page(request, actor, db, plan, typed=form, error=_error(request, exc), status=422)
    return RedirectResponse(f"/planer/{plan_id}?sparat=1", status_code=303)


@router.post("/planer/{plan_id}/status", response_model=None)
def change_state(
    request: Request,
    plan_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    base_version: Annotated[int, Form()],
    to: Text,
    reason: Text = "",
    agreement_method: Text = "",
) -> HTMLResponse | RedirectResponse:
    try:
        agreement = (
            Agreement(method=agreement_method, on=date.today())
            if to == PlanState.AGREED.value and agreement_method
            else None
        )
        body = TransitionRequest(to=PlanState(to), reason=reason.strip() or None, agreement=agreement)
        service.transition(db, actor=actor, plan_id=plan_id, base_version=base_version, request=body)
    except (NaravardError, ValidationError, ValueError) as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        plan = service.get_plan(db, actor=actor, plan_id=plan_id)
        stale = isinstance(exc, PreconditionFailed)
        error = translate(STALE, language_of(request)) if stale else _error(request, exc)
        return _plan_page(
            request, actor, db, plan, error=error, stale=stale, status=getattr(exc, "status_code", 422)
        )
    return RedirectResponse(f"/planer/{plan_id}?sparat=1", status_code=303)


@router.get("/planer/{plan_id}/versioner", response_class=HTMLResponse)
def history(
    request: Request,
    plan_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    a: int | None = None,
    b: int | None = None,
) -> HTMLResponse:
    versions = service.versions(db, actor=actor, plan_id=plan_id)
    newest = versions[0].version_no
    b = b if b is not None else newest
    a = a if a is not None else max(1, b - 1)
    changes = service.diff(db, actor=actor, plan_id=plan_id, from_version=a, to_version=b) if a != b else None
    return render(
        request, "careplans/history.html", plan_id=plan_id, versions=versions, a=a, b=b, changes=changes
    )


# --- The patient ------------------------------------------------------------------------------------------------


@router.get("/min/plan", response_class=HTMLResponse)
def my_plan(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    plans = service.my_plans(db, actor=actor)
    return render(
        request, "careplans/mine.html", plans=plans, saved=request.query_params.get("sparat"), error=None
    )


@router.post("/min/plan/{plan_id}/skriv", response_model=None)
def my_statement(
    request: Request,
    plan_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    base_version: Annotated[int, Form()],
    section: Text,
    text: Text,
    statement_id: Text = "",
) -> HTMLResponse | RedirectResponse:
    try:
        body = PatientStatementIn(section=section, text=text, id=_uuid(statement_id))
        service.patient_statement(db, actor=actor, plan_id=plan_id, base_version=base_version, request=body)
    except (NaravardError, ValidationError, ValueError) as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        plans = service.my_plans(db, actor=actor)
        error = (
            translate(STALE, language_of(request))
            if isinstance(exc, PreconditionFailed)
            else _error(request, exc)
        )
        return render(
            request,
            "careplans/mine.html",
            status_code=getattr(exc, "status_code", 422),
            plans=plans,
            saved=None,
            error=error,
        )
    return RedirectResponse("/min/plan?sparat=1", status_code=303)


@router.post("/min/plan/{plan_id}/godkann", response_model=None)
def my_agreement(
    request: Request,
    plan_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    base_version: Annotated[int, Form()],
) -> HTMLResponse | RedirectResponse:
    try:
        service.patient_agree(db, actor=actor, plan_id=plan_id, base_version=base_version)
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        plans = service.my_plans(db, actor=actor)
        error = (
            translate(STALE, language_of(request))
            if isinstance(exc, PreconditionFailed)
            else _error(request, exc)
        )
        return render(
            request, "careplans/mine.html", status_code=exc.status_code, plans=plans, saved=None, error=error
        )
    return RedirectResponse("/min/plan?sparat=godkand", status_code=303)


@router.get("/min/plan/{plan_id}/plan.pdf")
def my_plan_pdf(request: Request, plan_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> Response:
    plan = next((p for p in service.my_plans(db, actor=actor) if p.id == plan_id), None)
    if plan is None:
        raise Invalid("no such plan of yours", field="plan_id")
    data = pdf.plan_pdf(plan, language_of(request))
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="min-plan.pdf"'},
    )
