"""The governance pages (/styrning): the portfolio with missed deadlines standing out and the forms for new
directives, plans and action plans; directives with their history; a plan's prioritisation (criteria and
weights, projects and their status, scores, ranked list, what changed since the decision); action plans with
each action's indicators; bodies, members and meetings; the decision log and one deadline calendar. Plain
forms, POST-redirect-GET; a refusal the user can mend (422, 409, 412) is shown on the form's own page in the
user's language with what was typed kept; 403 and 404 are error pages. Versioned forms carry the base
version."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from naravard.deps import CurrentActor, DbSession
from naravard.errors import BusinessRule, Conflict, Invalid, NaravardError
from naravard.followup import service as followup_service
from naravard.governance import document, pack, service
from naravard.governance.schemas import (
    ActionIn,
    ActionPlanIn,
    BodyIn,
    CriteriaIn,
    CriterionIn,
    DecisionIn,
    DirectiveIn,
    MeetingIn,
    MemberIn,
    PlanIn,
    ProjectIn,
    ScoreIn,
    StateIn,
)
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

router = APIRouter(include_in_schema=False)


def _figures_from(request: Request) -> tuple[Path, Path | None]:
    s = request.app.state.settings
    return Path(s.effective_results_dir), s.targets_file


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid("%(field)s is not a date (YYYY-MM-DD)", field=field, params={"field": field}) from exc


def _opt_date(value: str, field: str) -> dt.date | None:
    return _date(value, field) if value.strip() else None


def _int(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError as exc:
        raise Invalid("%(field)s is not a whole number", field=field, params={"field": field}) from exc


# The refusals a form shows on its own page (with what was typed kept); 403/404 stay error pages.
_SHOWN = (Invalid, Conflict, BusinessRule, ValidationError)


def _refusal(request: Request, db: DbSession, exc: Exception) -> tuple[str, int]:
    """The refusal's text in the page's language and its status; the unit of work is rolled back."""
    db.rollback()
    lang = language_of(request)
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err.get("loc", ())) or "form"
        exc = Invalid("%(field)s is missing or out of range", field=field, params={"field": field})
    assert isinstance(exc, NaravardError)
    return exc.text(lambda s: translate(s, lang)), exc.status_code


async def _typed(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items() if k != "csrf_token"}


@router.get("/styrning", response_class=HTMLResponse)
def portfolio(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _portfolio_page(request, actor, db)


def _portfolio_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    error: str | None = None,
    status: int = 200,
    form: str = "",
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    p = service.portfolio(db, actor=actor)
    return render(
        request,
        "governance/portfolio.html",
        status_code=status,
        error=error,
        form=form,
        typed=typed or {},
        p=p,
        bodies=service.body_names(db),
        missed=[d for d in p.deadlines if d.overdue],
        editor=service.may_edit(actor),
        all_bodies=sorted(service.body_names(db).items(), key=lambda kv: kv[1]),
    )


@router.get("/styrning/navigering", response_class=HTMLResponse)
def nav_link(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    """The navigation's link to /styrning for a user whose role alone does not show it (a clinician or
    municipal staff who is a member of a body): loaded by the layout (htmx), empty for everyone else."""
    if not service.may_read_any(db, actor):
        return HTMLResponse("")
    text = translate("Governance", language_of(request))
    return HTMLResponse(f'<a href="/styrning">{html.escape(text)}</a>')


@router.post("/styrning/handlingsplaner", response_model=None)
async def action_plan_create(
    request: Request, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    f = await _typed(request)
    try:
        data = ActionPlanIn(
            body_id=f.get("body_id", ""),
            title=f.get("title", ""),
            recipient=f.get("recipient", ""),
            deadline=_date(f.get("deadline", ""), "deadline"),
            focus=f.get("focus", ""),
            owner=f.get("owner", ""),
            owner_user_id=actor.user_id,
        )
        ap = service.create_action_plan(db, actor=actor, data=data)
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _portfolio_page(request, actor, db, error=error, status=status, form="action_plan", typed=f)
    return RedirectResponse(f"/styrning/handlingsplaner/{ap.id}", status_code=303)


@router.post("/styrning/direktiv", response_model=None)
async def directive_create(
    request: Request, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    """A new directive (a draft, version 1)."""
    f = await _typed(request)
    try:
        data = DirectiveIn(
            body_id=f.get("body_id", ""),
            title=f.get("title", ""),
            owner=f.get("owner", ""),
            owner_user_id=actor.user_id,
            purpose=f.get("purpose", ""),
            direction=f.get("direction", ""),
            yearly_goals=f.get("yearly_goals", ""),
            external_ref=f.get("external_ref") or None,
            registration_due=_opt_date(f.get("registration_due", ""), "registration_due"),
            review_date=_opt_date(f.get("review_date", ""), "review_date"),
        )
        d = service.create_directive(db, actor=actor, data=data)
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _portfolio_page(request, actor, db, error=error, status=status, form="directive", typed=f)
    return RedirectResponse(f"/styrning/direktiv/{d.id}?sparat=1", status_code=303)


@router.post("/styrning/planer", response_model=None)
async def plan_create(
    request: Request, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    """A new plan for a programområde's body and a period of years."""
    f = await _typed(request)
    try:
        data = PlanIn(
            body_id=f.get("body_id", ""),
            title=f.get("title", ""),
            first_year=_int(f.get("first_year", ""), "first_year"),
            last_year=_int(f.get("last_year", ""), "last_year"),
            due_date=_opt_date(f.get("due_date", ""), "due_date"),
        )
        plan = service.create_plan(db, actor=actor, data=data)
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _portfolio_page(request, actor, db, error=error, status=status, form="plan", typed=f)
    return RedirectResponse(f"/styrning/planer/{plan.id}?sparat=1", status_code=303)


@router.get("/styrning/tidsfrister", response_class=HTMLResponse)
def calendar(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    items = service.deadlines(db, actor=actor)
    months: dict[str, list[object]] = {}
    for d in items:
        months.setdefault(d.due.strftime("%Y-%m"), []).append(d)
    return render(request, "governance/calendar.html", months=months)


@router.get("/styrning/direktiv/{directive_id}", response_class=HTMLResponse)
def directive_page(
    request: Request, directive_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> HTMLResponse:
    return _directive_page(request, directive_id, actor, db)


def _directive_page(
    request: Request,
    directive_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    *,
    error: str | None = None,
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    d = service.get_directive(db, actor=actor, directive_id=directive_id)
    history = service.versions(db, actor=actor, entity="directive", entity_id=directive_id)
    return render(
        request,
        "governance/directive.html",
        status_code=status,
        d=d,
        history=history,
        body=service.body_names(db).get(d.body_id, ""),
        editor=service.may_edit(actor),
        error=error,
        typed=typed,
    )


@router.post("/styrning/direktiv/{directive_id}", response_model=None)
def directive_save(
    request: Request,
    directive_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    version: Annotated[int, Form()],
    title: Annotated[str, Form(max_length=200)],
    owner: Annotated[str, Form(max_length=200)],
    purpose: Annotated[str, Form(max_length=20000)] = "",
    direction: Annotated[str, Form(max_length=20000)] = "",
    yearly_goals: Annotated[str, Form(max_length=20000)] = "",
    external_ref: Annotated[str, Form(max_length=64)] = "",
    registration_due: Annotated[str, Form(max_length=10)] = "",
    registered_on: Annotated[str, Form(max_length=10)] = "",
    review_date: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse | RedirectResponse:
    """A new version of the directive, based on ``version``; a newer one saved meanwhile is shown (412)."""
    current = service.get_directive(db, actor=actor, directive_id=directive_id)
    typed = {
        "title": title,
        "owner": owner,
        "purpose": purpose,
        "direction": direction,
        "yearly_goals": yearly_goals,
        "external_ref": external_ref,
        "registration_due": registration_due,
        "registered_on": registered_on,
        "review_date": review_date,
    }
    try:
        data = DirectiveIn(
            body_id=current.body_id,
            title=title,
            owner=owner,
            owner_user_id=current.owner_user_id,
            purpose=purpose,
            direction=direction,
            yearly_goals=yearly_goals,
            external_ref=external_ref or None,
            registration_due=_opt_date(registration_due, "registration_due"),
            registered_on=_opt_date(registered_on, "registered_on"),
            review_date=_opt_date(review_date, "review_date"),
        )
        service.update_directive(
            db, actor=actor, directive_id=directive_id, data=data, expected_version=version
        )
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _directive_page(request, directive_id, actor, db, error=error, status=status, typed=typed)
    return RedirectResponse(f"/styrning/direktiv/{directive_id}?sparat=1", status_code=303)


@router.post("/styrning/direktiv/{directive_id}/status")
def directive_state(
    directive_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    version: Annotated[int, Form()],
    state: Annotated[str, Form(max_length=32)],
) -> RedirectResponse:
    service.set_directive_state(
        db, actor=actor, directive_id=directive_id, data=StateIn(state=state, version=version)
    )
    return RedirectResponse(f"/styrning/direktiv/{directive_id}", status_code=303)


@router.get("/styrning/planer/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _plan_page(request, plan_id, actor, db)


def _plan_page(
    request: Request,
    plan_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    *,
    error: str | None = None,
    status: int = 200,
    form: str = "",
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    plan = service.get_plan(db, actor=actor, plan_id=plan_id)
    return render(
        request,
        "governance/plan.html",
        status_code=status,
        error=error,
        form=form,
        typed=typed or {},
        plan=plan,
        body=service.body_names(db).get(plan.body_id, ""),
        titles={str(p.id): p.title for p in plan.projects},
        editor=service.may_edit(actor),
        today=dt.date.today().isoformat(),
        project_states=service.project_moves(),
    )


@router.post("/styrning/planer/{plan_id}/poang/{project_id}", response_model=None)
async def plan_scores(
    request: Request, plan_id: uuid.UUID, project_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    """Scores of one project, one field ``score-<criterion id>`` per criterion."""
    f = await _typed(request)
    try:
        for key, value in f.items():
            if not key.startswith("score-") or not value.strip():
                continue
            try:
                criterion_id, score = uuid.UUID(key.removeprefix("score-")), int(value)
            except ValueError as exc:
                raise Invalid("a score is a whole number", field="score") from exc
            service.set_score(
                db, actor=actor, project_id=project_id, data=ScoreIn(criterion_id=criterion_id, score=score)
            )
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _plan_page(request, plan_id, actor, db, error=error, status=status, form="scores", typed=f)
    return RedirectResponse(f"/styrning/planer/{plan_id}", status_code=303)


@router.post("/styrning/planer/{plan_id}/kriterier", response_model=None)
async def plan_criteria(
    request: Request, plan_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    """The plan's criteria and weights (``name-<n>``/``weight-<n>`` rows; an empty name drops the row),
    based on the plan's ``version``."""
    f = await _typed(request)
    try:
        rows: list[CriterionIn] = []
        n = 0
        while f"name-{n}" in f:
            name = f[f"name-{n}"].strip()
            if name:
                rows.append(CriterionIn(name=name, weight=_int(f.get(f"weight-{n}", ""), "weight")))
            n += 1
        service.set_criteria(
            db,
            actor=actor,
            plan_id=plan_id,
            data=CriteriaIn(criteria=rows, version=_int(f.get("version", ""), "version")),
        )
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _plan_page(request, plan_id, actor, db, error=error, status=status, form="criteria", typed=f)
    return RedirectResponse(f"/styrning/planer/{plan_id}?sparat=1", status_code=303)


@router.post("/styrning/planer/{plan_id}/projekt", response_model=None)
async def project_create(
    request: Request, plan_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    f = await _typed(request)
    try:
        budget = f.get("budget", "").replace(" ", "")
        data = ProjectIn(
            title=f.get("title", ""),
            owner=f.get("owner", ""),
            owner_user_id=actor.user_id,
            budget=_int(budget, "budget") if budget else 0,
        )
        service.add_project(db, actor=actor, plan_id=plan_id, data=data)
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _plan_page(request, plan_id, actor, db, error=error, status=status, form="project", typed=f)
    return RedirectResponse(f"/styrning/planer/{plan_id}?sparat=1", status_code=303)


@router.post("/styrning/planer/{plan_id}/projekt/{project_id}/status", response_model=None)
async def project_state(
    request: Request, plan_id: uuid.UUID, project_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    """A project's status, based on the project's ``version`` (412 when another change came first)."""
    f = await _typed(request)
    try:
        service.set_project_status(
            db,
            actor=actor,
            project_id=project_id,
            data=StateIn(state=f.get("state", ""), version=_int(f.get("version", ""), "version")),
        )
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _plan_page(request, plan_id, actor, db, error=error, status=status, form="status", typed=f)
    return RedirectResponse(f"/styrning/planer/{plan_id}?sparat=1", status_code=303)


@router.post("/styrning/planer/{plan_id}/beslut")
def plan_decide(
    plan_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    decided_on: Annotated[str, Form(max_length=10)],
    text: Annotated[str, Form(min_length=1, max_length=5000)],
) -> RedirectResponse:
    plan = service.get_plan(db, actor=actor, plan_id=plan_id)
    service.record_decision(
        db,
        actor=actor,
        data=DecisionIn(
            body_id=plan.body_id,
            decided_on=_date(decided_on, "decided_on"),
            text=text,
            kind="priority_list",
            subject_id=plan_id,
        ),
    )
    return RedirectResponse(f"/styrning/planer/{plan_id}?beslutad=1", status_code=303)


@router.get("/styrning/handlingsplaner/{action_plan_id}", response_class=HTMLResponse)
def action_plan_page(
    request: Request, action_plan_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> HTMLResponse:
    results, targets = _figures_from(request)
    ap = service.get_action_plan(
        db, actor=actor, action_plan_id=action_plan_id, results_dir=results, targets_file=targets
    )
    lang = language_of(request)
    indicators = [
        (i["code"], i.get("name_sv") if lang == "sv" else i.get("name"))
        for i in followup_service.list_indicators()
    ]
    return render(
        request,
        "governance/action_plan.html",
        ap=ap,
        body=service.body_names(db).get(ap.body_id, ""),
        editor=service.may_edit(actor),
        indicators=indicators,
    )


@router.post("/styrning/handlingsplaner/{action_plan_id}/atgarder")
async def action_add(
    request: Request, action_plan_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> RedirectResponse:
    form = await request.form()
    codes = [str(v) for v in form.getlist("indicators") if str(v)]
    data = ActionIn(
        title=str(form.get("title", "")),
        owner=str(form.get("owner", "")),
        due_date=_date(str(form.get("due_date", "")), "due_date"),
        light=str(form.get("light", "green")),
        indicators=codes,
    )
    service.add_action(db, actor=actor, action_plan_id=action_plan_id, data=data)
    return RedirectResponse(f"/styrning/handlingsplaner/{action_plan_id}?sparat=1", status_code=303)


@router.get("/styrning/handlingsplaner/{action_plan_id}/handlingsplan.pdf")
def action_plan_document(
    request: Request, action_plan_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> Response:
    """The action plan as a Swedish document for its national recipient: PDF (WeasyPrint), or ``?format=html``."""
    results, targets = _figures_from(request)
    ap = service.get_action_plan(
        db, actor=actor, action_plan_id=action_plan_id, results_dir=results, targets_file=targets
    )
    body = service.body_names(db).get(ap.body_id, "")
    html = document.action_plan_html(ap, body)
    if request.query_params.get("format") == "html":
        return HTMLResponse(html)
    return Response(
        document.to_pdf(html),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="handlingsplan.pdf"'},
    )


@router.get("/styrning/beslut", response_class=HTMLResponse)
def decisions_page(request: Request, actor: CurrentActor, db: DbSession, q: str = "") -> HTMLResponse:
    rows = service.decision_log(db, actor=actor, q=q or None)
    return render(request, "governance/decisions.html", rows=rows, q=q)


@router.get("/styrning/beslut.csv")
def decisions_csv(actor: CurrentActor, db: DbSession, q: str = "") -> Response:
    rows = service.decision_log(db, actor=actor, q=q or None)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(["datum", "organ", "typ", "beslut"])
    for d in rows:
        w.writerow([d.decided_on.isoformat(), d.body, d.kind, d.text])
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="beslutslogg.csv"'},
    )


@router.get("/styrning/beslut.xlsx")
def decisions_xlsx(actor: CurrentActor, db: DbSession, q: str = "") -> Response:
    rows = service.decision_log(db, actor=actor, q=q or None)
    return Response(
        pack.decisions_xlsx(rows),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="beslutslogg.xlsx"'},
    )


@router.get("/styrning/moten", response_class=HTMLResponse)
def meetings_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    return _meetings_page(request, actor, db)


def _meetings_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    error: str | None = None,
    status: int = 200,
    form: str = "",
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    subjects: list[tuple[str, str]] = []
    if service.may_edit(actor):
        for d in service.list_directives(db, actor=actor):
            if d.state in ("draft", "under_review"):
                subjects.append((f"directive_approved:{d.id}", d.title))
        for ap in service.list_action_plans(db, actor=actor):
            if ap.state == "ready":
                subjects.append((f"action_plan_sent:{ap.id}", ap.title))
    return render(
        request,
        "governance/meetings.html",
        status_code=status,
        error=error,
        form=form,
        typed=typed or {},
        body_kinds=service.body_kinds(),
        rows=service.list_meetings(db, actor=actor),
        bodies=service.list_bodies(db, actor=actor),
        names=service.body_names(db),
        editor=service.may_edit(actor),
        subjects=subjects,
        today=dt.date.today().isoformat(),
    )


@router.post("/styrning/moten", response_model=None)
async def meeting_create(
    request: Request, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    f = await _typed(request)
    try:
        data = MeetingIn(
            body_id=f.get("body_id", ""),
            held_on=_date(f.get("held_on", ""), "held_on"),
            agenda=f.get("agenda", ""),
            attendees=f.get("attendees", ""),
            minutes=f.get("minutes", ""),
        )
        service.create_meeting(db, actor=actor, data=data)
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _meetings_page(request, actor, db, error=error, status=status, form="meeting", typed=f)
    return RedirectResponse("/styrning/moten?sparat=1", status_code=303)


@router.post("/styrning/organ", response_model=None)
async def body_create(
    request: Request, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    """A new body (Länsledning, the management, a programområde's steering group, the programme office)."""
    f = await _typed(request)
    try:
        data = BodyIn(
            name=f.get("name", "").strip(),
            kind=f.get("kind", ""),
            programme_area=f.get("programme_area", "").strip() or None,
        )
        service.create_body(db, actor=actor, data=data)
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _meetings_page(request, actor, db, error=error, status=status, form="body", typed=f)
    return RedirectResponse("/styrning/moten?sparat=1", status_code=303)


@router.post("/styrning/ledamoter", response_model=None)
async def member_add(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse | RedirectResponse:
    """A member of a body with organisation and role (the API ties a member to an account by user id)."""
    f = await _typed(request)
    try:
        try:
            body_id = uuid.UUID(f.get("body_id", ""))
        except ValueError as exc:
            raise Invalid(
                "%(field)s is missing or out of range", field="body_id", params={"field": "body_id"}
            ) from exc
        data = MemberIn(
            name=f.get("name", "").strip(),
            organisation=f.get("organisation", ""),
            role=f.get("role", ""),
        )
        service.add_member(db, actor=actor, body_id=body_id, data=data)
    except _SHOWN as exc:
        error, status = _refusal(request, db, exc)
        return _meetings_page(request, actor, db, error=error, status=status, form="member", typed=f)
    return RedirectResponse("/styrning/moten?sparat=1", status_code=303)


@router.post("/styrning/beslut")
def decision_create(
    actor: CurrentActor,
    db: DbSession,
    body_id: Annotated[uuid.UUID, Form()],
    decided_on: Annotated[str, Form(max_length=10)],
    text: Annotated[str, Form(min_length=1, max_length=5000)],
    subject: Annotated[str, Form(max_length=100)] = "",
) -> RedirectResponse:
    """A decision; ``subject`` is ``<kind>:<id>`` (a directive approved, an action plan sent) or empty."""
    kind, _, raw = subject.partition(":")
    try:
        subject_id = uuid.UUID(raw) if raw else None
    except ValueError as exc:
        raise Invalid("the decision's subject is not one the page offers", field="subject") from exc
    data = DecisionIn(
        body_id=body_id,
        decided_on=_date(decided_on, "decided_on"),
        text=text,
        kind=kind or "other",
        subject_id=subject_id,
    )
    service.record_decision(db, actor=actor, data=data)
    return RedirectResponse("/styrning/beslut", status_code=303)


@router.get("/styrning/underlag.pdf")
def pack_pdf(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    """The steering-group pack as PDF."""
    results, targets = _figures_from(request)
    data = service.steering_pack(db, actor=actor, results_dir=results, targets_file=targets)
    return Response(
        pack.pack_pdf(data),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="styrgruppsunderlag.pdf"'},
    )


@router.get("/styrning/underlag.xlsx")
def pack_xlsx(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    """The steering-group pack as an Excel workbook."""
    results, targets = _figures_from(request)
    data = service.steering_pack(db, actor=actor, results_dir=results, targets_file=targets)
    return Response(
        pack.pack_xlsx(data),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="styrgruppsunderlag.xlsx"'},
    )
