"""The governance context's service: bodies, directives, plans and prioritisation, action plans tied to the
follow-up's indicators, meetings, decisions, deadlines and reminders.

Access: the governance officer (and the system) edits; a member of a body reads its documents; analysts and
unit managers read what is published (a directive past draft, a plan whose list has been decided, an action
plan past draft, decisions). Every change bumps the document's ``version``, writes an immutable row to
``gov_version`` and one audit row; a save based on another version gets 412. The state machines are in
``rules``; a move they do not allow gets 409 naming both states."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from naravard import seeding
from naravard.actor import Actor, Role
from naravard.audit import service as audit_service
from naravard.db import Base, utcnow
from naravard.errors import Conflict, Invalid, NaravardError, NotFound, PreconditionFailed
from naravard.followup import service as followup_service
from naravard.governance import rules
from naravard.governance.actions import GovernanceAction as GA
from naravard.governance.models import (
    GovAction,
    GovActionPlan,
    GovBody,
    GovCriterion,
    GovDecision,
    GovDirective,
    GovMeeting,
    GovMember,
    GovPlan,
    GovProject,
    GovReminder,
    GovScore,
    GovVersion,
)
from naravard.governance.schemas import (
    ActionIn,
    ActionOut,
    ActionPlanIn,
    ActionPlanOut,
    ActionUpdate,
    BodyIn,
    BodyOut,
    CriteriaIn,
    CriterionOut,
    Deadline,
    DecisionIn,
    DecisionOut,
    DirectiveIn,
    DirectiveOut,
    IndicatorFigure,
    MeetingIn,
    MeetingOut,
    MemberIn,
    MemberOut,
    Pack,
    PlanIn,
    PlanOut,
    Portfolio,
    ProjectIn,
    ProjectOut,
    RankedOut,
    ScoreIn,
    StateIn,
    VersionOut,
)
from naravard.notifications import service as notifications_service

EDITORS = frozenset({Role.GOVERNANCE_OFFICER, Role.SYSTEM})
PUBLISHED_READERS = frozenset({Role.ANALYST, Role.UNIT_MANAGER})


def today() -> dt.date:
    return dt.date.today()


# --- access ----------------------------------------------------------------------------------------------


def may_edit(actor: Actor) -> bool:
    return actor.role in EDITORS


def _require_editor(session: Session, actor: Actor, action: StrEnum) -> None:
    if not may_edit(actor):
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="only a governance officer changes governance documents",
        )


def member_bodies(session: Session, actor: Actor) -> set[uuid.UUID]:
    if actor.user_id is None:
        return set()
    return set(session.scalars(select(GovMember.body_id).where(GovMember.user_id == actor.user_id)))


def may_read_any(session: Session, actor: Actor) -> bool:
    """Whether the actor reads any governance page at all (the navigation shows it)."""
    return may_edit(actor) or actor.role in PUBLISHED_READERS or bool(member_bodies(session, actor))


def _may_read(session: Session, actor: Actor, body_id: uuid.UUID, published: bool) -> bool:
    if may_edit(actor):
        return True
    if body_id in member_bodies(session, actor):
        return True
    return published and actor.role in PUBLISHED_READERS


def _require_read(session: Session, actor: Actor, body_id: uuid.UUID, published: bool) -> None:
    if not _may_read(session, actor, body_id, published):
        audit_service.refuse(
            session,
            actor=actor,
            action=GA.READ_REFUSED,
            reason="not_member_or_unpublished",
            message="only the body's members and the governance officers read this document",
        )


def _require_any(session: Session, actor: Actor) -> None:
    if not may_read_any(session, actor):
        audit_service.refuse(
            session,
            actor=actor,
            action=GA.READ_REFUSED,
            reason="role_not_permitted",
            message="governance documents are for governance officers, body members, analysts and managers",
        )


# --- versions ---------------------------------------------------------------------------------------------


def _snapshot(row: Base) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in inspect(row).mapper.column_attrs:
        v = getattr(row, col.key)
        out[col.key] = (
            v.isoformat()
            if isinstance(v, dt.date | dt.datetime)
            else (str(v) if isinstance(v, uuid.UUID) else v)
        )
    return out


def _check_version(entity: str, row: Any, expected: int | None) -> None:
    if expected is not None and expected != row.version:
        raise PreconditionFailed(
            "the %(entity)s was changed by someone else: it is at version %(current)s, not %(expected)s",
            field="version",
            params={"entity": entity, "current": row.version, "expected": expected},
        )


def _save(
    session: Session, actor: Actor, entity: str, row: Any, action: StrEnum, *, new: bool = False
) -> None:
    """Bump the version (unless new), keep the snapshot as an immutable version and audit the change."""
    if not new:
        row.version += 1
    session.add(row)
    session.flush()
    session.add(
        GovVersion(
            entity=entity,
            entity_id=row.id,
            version=row.version,
            snapshot=json.dumps(_snapshot(row), ensure_ascii=False, sort_keys=True),
            saved_by=actor.username,
            saved_at=utcnow(),
        )
    )
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as e:  # another officer saved the same version at the same moment
        raise PreconditionFailed(
            "the %(entity)s was changed by someone else", field="version", params={"entity": entity}
        ) from e
    audit_service.record(
        session,
        actor=actor,
        action=action,
        detail={"entity": entity, "id": str(row.id), "version": row.version},
    )


def versions(session: Session, *, actor: Actor, entity: str, entity_id: uuid.UUID) -> list[VersionOut]:
    if entity == "directive":
        d = _directive(session, entity_id)
        _require_read(session, actor, d.body_id, d.state != "draft")
    else:
        _require_any(session, actor)
    rows = session.scalars(
        select(GovVersion)
        .where(GovVersion.entity == entity, GovVersion.entity_id == entity_id)
        .order_by(GovVersion.version.desc())
    )
    return [
        VersionOut(
            version=r.version, saved_by=r.saved_by, saved_at=r.saved_at, snapshot=json.loads(r.snapshot)
        )
        for r in rows
    ]


def _get(session: Session, model: Any, id_: uuid.UUID, what: str) -> Any:
    row = session.get(model, id_)
    if row is None:
        raise NotFound("no %(what)s with id %(id)s", params={"what": what, "id": str(id_)})
    return row


def _one_of(value: str, allowed: Sequence[str], field: str) -> None:
    if value not in allowed:
        raise Invalid(
            "%(field)s %(value)r is not one of %(allowed)s",
            field=field,
            params={"field": field, "value": value, "allowed": ", ".join(allowed)},
        )


# --- bodies -----------------------------------------------------------------------------------------------


def create_body(session: Session, *, actor: Actor, data: BodyIn) -> BodyOut:
    _require_editor(session, actor, GA.BODY_CREATE)
    _one_of(data.kind, rules.BODY_KINDS, "kind")
    if session.scalar(select(GovBody.id).where(GovBody.name == data.name)):
        raise Invalid("a body named %(name)r exists already", field="name", params={"name": data.name})
    b = GovBody(name=data.name, kind=data.kind, programme_area=data.programme_area)
    session.add(b)
    session.flush()
    audit_service.record(session, actor=actor, action=GA.BODY_CREATE, detail={"id": str(b.id)})
    return _body_out(session, b)


def add_member(session: Session, *, actor: Actor, body_id: uuid.UUID, data: MemberIn) -> MemberOut:
    _require_editor(session, actor, GA.MEMBER_ADD)
    _get(session, GovBody, body_id, "body")
    _one_of(data.organisation, rules.ORGANISATIONS, "organisation")
    _one_of(data.role, rules.MEMBER_ROLES, "role")
    m = GovMember(body_id=body_id, **data.model_dump())
    session.add(m)
    session.flush()
    audit_service.record(session, actor=actor, action=GA.MEMBER_ADD, detail={"body": str(body_id)})
    return MemberOut(id=m.id, **data.model_dump())


def _body_out(session: Session, b: GovBody) -> BodyOut:
    members = session.scalars(select(GovMember).where(GovMember.body_id == b.id).order_by(GovMember.name))
    return BodyOut(
        id=b.id,
        name=b.name,
        kind=b.kind,
        programme_area=b.programme_area,
        members=[
            MemberOut(id=m.id, name=m.name, organisation=m.organisation, role=m.role, user_id=m.user_id)
            for m in members
        ],
    )


def body_kinds() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The kinds of body, the members' organisations and roles (the forms' choices)."""
    return rules.BODY_KINDS, rules.ORGANISATIONS, rules.MEMBER_ROLES


def project_moves() -> dict[str, list[str]]:
    """Per project status, the statuses it may move to (the page's choices)."""
    return {k: sorted(v) for k, v in rules.PROJECT_STATES.items()}


def list_bodies(session: Session, *, actor: Actor) -> list[BodyOut]:
    _require_any(session, actor)
    return [_body_out(session, b) for b in session.scalars(select(GovBody).order_by(GovBody.name))]


def body_names(session: Session) -> dict[uuid.UUID, str]:
    return {i: n for i, n in session.execute(select(GovBody.id, GovBody.name))}


# --- directives -------------------------------------------------------------------------------------------


def _directive(session: Session, directive_id: uuid.UUID) -> GovDirective:
    d: GovDirective = _get(session, GovDirective, directive_id, "directive")
    return d


def _directive_overdue(d: GovDirective, on: dt.date) -> list[str]:
    out = []
    if d.registration_due and d.registered_on is None and d.registration_due < on:
        out.append("registration_due")
    if d.review_date and d.review_date < on and d.state in ("approved", "under_review"):
        out.append("review_date")
    return out


def _directive_out(d: GovDirective, on: dt.date | None = None) -> DirectiveOut:
    return DirectiveOut(
        id=d.id,
        body_id=d.body_id,
        title=d.title,
        purpose=d.purpose,
        direction=d.direction,
        yearly_goals=d.yearly_goals,
        owner=d.owner,
        owner_user_id=d.owner_user_id,
        review_date=d.review_date,
        external_ref=d.external_ref,
        registration_due=d.registration_due,
        registered_on=d.registered_on,
        state=d.state,
        version=d.version,
        overdue=_directive_overdue(d, on or today()),
    )


def create_directive(session: Session, *, actor: Actor, data: DirectiveIn) -> DirectiveOut:
    _require_editor(session, actor, GA.DIRECTIVE_CREATE)
    _get(session, GovBody, data.body_id, "body")
    d = GovDirective(**data.model_dump(), state="draft", version=1)
    _save(session, actor, "directive", d, GA.DIRECTIVE_CREATE, new=True)
    return _directive_out(d)


def update_directive(
    session: Session,
    *,
    actor: Actor,
    directive_id: uuid.UUID,
    data: DirectiveIn,
    expected_version: int | None,
) -> DirectiveOut:
    """A new version of the directive's text; a draft or one under review only (409 otherwise); 412 when
    ``expected_version`` is not the current one."""
    _require_editor(session, actor, GA.DIRECTIVE_UPDATE)
    d = _directive(session, directive_id)
    if expected_version is None:
        raise PreconditionFailed("a change needs the version it is based on (If-Match)", field="version")
    _check_version("directive", d, expected_version)
    if d.state not in ("draft", "under_review"):
        raise Conflict(
            "a directive in state %(state)s is not edited; put it under review first",
            field="state",
            params={"state": d.state},
        )
    for k, v in data.model_dump().items():
        setattr(d, k, v)
    _save(session, actor, "directive", d, GA.DIRECTIVE_UPDATE)
    return _directive_out(d)


def set_directive_state(
    session: Session, *, actor: Actor, directive_id: uuid.UUID, data: StateIn
) -> DirectiveOut:
    """Under review or replaced; approval is by a decision (record_decision, kind directive_approved)."""
    _require_editor(session, actor, GA.DIRECTIVE_TRANSITION)
    d = _directive(session, directive_id)
    _check_version("directive", d, data.version)
    if data.state == "approved":
        raise Conflict(
            "a directive moves from %(current)s to approved only by a decision",
            field="state",
            params={"current": d.state},
        )
    d.state = rules.transition("directive", d.state, data.state)
    _save(session, actor, "directive", d, GA.DIRECTIVE_TRANSITION)
    return _directive_out(d)


def get_directive(session: Session, *, actor: Actor, directive_id: uuid.UUID) -> DirectiveOut:
    d = _directive(session, directive_id)
    _require_read(session, actor, d.body_id, d.state != "draft")
    return _directive_out(d)


def list_directives(session: Session, *, actor: Actor, on: dt.date | None = None) -> list[DirectiveOut]:
    _require_any(session, actor)
    rows = session.scalars(select(GovDirective).order_by(GovDirective.title))
    return [_directive_out(d, on) for d in rows if _may_read(session, actor, d.body_id, d.state != "draft")]


# --- plans, projects, prioritisation ----------------------------------------------------------------------


def create_plan(session: Session, *, actor: Actor, data: PlanIn) -> PlanOut:
    _require_editor(session, actor, GA.PLAN_CREATE)
    _get(session, GovBody, data.body_id, "body")
    rules.check_order(data.first_year, data.last_year, first_field="first_year", last_field="last_year")
    p = GovPlan(**data.model_dump(), version=1)
    _save(session, actor, "plan", p, GA.PLAN_CREATE, new=True)
    return _plan_out(session, p)


def _plan(session: Session, plan_id: uuid.UUID) -> GovPlan:
    p: GovPlan = _get(session, GovPlan, plan_id, "plan")
    return p


def set_criteria(session: Session, *, actor: Actor, plan_id: uuid.UUID, data: CriteriaIn) -> PlanOut:
    """Replace the plan's criteria; weights sum to 100 % (422 naming the rule); scores on a criterion that
    is kept (same name) stay."""
    _require_editor(session, actor, GA.CRITERIA_SET)
    p = _plan(session, plan_id)
    _check_version("plan", p, data.version)
    rules.check_weights([c.weight for c in data.criteria])
    names = [c.name for c in data.criteria]
    if len(set(names)) != len(names):
        raise Invalid("each criterion has its own name", field="criteria")
    old = {c.name: c for c in session.scalars(select(GovCriterion).where(GovCriterion.plan_id == p.id))}
    for c in data.criteria:
        if c.name in old:
            old.pop(c.name).weight = c.weight
        else:
            session.add(GovCriterion(plan_id=p.id, name=c.name, weight=c.weight))
    for gone in old.values():
        for s in session.scalars(select(GovScore).where(GovScore.criterion_id == gone.id)):
            session.delete(s)
        session.flush()
        session.delete(gone)
    _save(session, actor, "plan", p, GA.CRITERIA_SET)
    return _plan_out(session, p)


def add_project(session: Session, *, actor: Actor, plan_id: uuid.UUID, data: ProjectIn) -> ProjectOut:
    _require_editor(session, actor, GA.PROJECT_CREATE)
    p = _plan(session, plan_id)
    pr = GovProject(plan_id=p.id, **data.model_dump(), status="proposed", version=1)
    _save(session, actor, "project", pr, GA.PROJECT_CREATE, new=True)
    return _project_out(session, pr)


def set_project_status(session: Session, *, actor: Actor, project_id: uuid.UUID, data: StateIn) -> ProjectOut:
    _require_editor(session, actor, GA.PROJECT_UPDATE)
    pr: GovProject = _get(session, GovProject, project_id, "project")
    _check_version("project", pr, data.version)
    pr.status = rules.transition("project", pr.status, data.state)
    _save(session, actor, "project", pr, GA.PROJECT_UPDATE)
    return _project_out(session, pr)


def set_score(session: Session, *, actor: Actor, project_id: uuid.UUID, data: ScoreIn) -> ProjectOut:
    _require_editor(session, actor, GA.SCORE_SET)
    pr: GovProject = _get(session, GovProject, project_id, "project")
    crit = session.get(GovCriterion, data.criterion_id)
    if crit is None or crit.plan_id != pr.plan_id:
        raise Invalid("the criterion is not one of the project's plan", field="criterion_id")
    rules.check_score(data.score)
    row = session.scalar(
        select(GovScore).where(GovScore.project_id == pr.id, GovScore.criterion_id == crit.id)
    )
    if row is None:
        session.add(GovScore(project_id=pr.id, criterion_id=crit.id, score=data.score))
    else:
        row.score = data.score
    _save(session, actor, "project", pr, GA.SCORE_SET)
    return _project_out(session, pr)


def _project_out(session: Session, pr: GovProject) -> ProjectOut:
    scores = {
        str(c): s
        for c, s in session.execute(
            select(GovScore.criterion_id, GovScore.score).where(GovScore.project_id == pr.id)
        )
    }
    return ProjectOut(
        id=pr.id,
        title=pr.title,
        owner=pr.owner,
        owner_user_id=pr.owner_user_id,
        budget=pr.budget,
        status=pr.status,
        version=pr.version,
        scores=scores,
    )


def ranking(session: Session, plan_id: uuid.UUID) -> list[rules.Ranked]:
    projects = {
        str(pr.id): pr.title
        for pr in session.scalars(
            select(GovProject).where(GovProject.plan_id == plan_id, GovProject.status != "cancelled")
        )
    }
    weights = {
        str(c.id): c.weight
        for c in session.scalars(select(GovCriterion).where(GovCriterion.plan_id == plan_id))
    }
    scores = {
        (str(p), str(c)): s
        for p, c, s in session.execute(
            select(GovScore.project_id, GovScore.criterion_id, GovScore.score)
            .join(GovProject, GovProject.id == GovScore.project_id)
            .where(GovProject.plan_id == plan_id)
        )
    }
    return rules.rank(projects, weights, scores)


def _plan_out(session: Session, p: GovPlan) -> PlanOut:
    crits = list(
        session.scalars(select(GovCriterion).where(GovCriterion.plan_id == p.id).order_by(GovCriterion.name))
    )
    projects = list(
        session.scalars(select(GovProject).where(GovProject.plan_id == p.id).order_by(GovProject.title))
    )
    now = ranking(session, p.id)
    decided: list[dict[str, Any]] = []
    if p.frozen_decision_id is not None:
        dec = session.get(GovDecision, p.frozen_decision_id)
        decided = json.loads(dec.frozen or "[]") if dec else []
    return PlanOut(
        id=p.id,
        body_id=p.body_id,
        title=p.title,
        first_year=p.first_year,
        last_year=p.last_year,
        due_date=p.due_date,
        version=p.version,
        frozen_decision_id=p.frozen_decision_id,
        criteria=[CriterionOut(id=c.id, name=c.name, weight=c.weight) for c in crits],
        projects=[_project_out(session, pr) for pr in projects],
        ranking=[RankedOut(**r.__dict__) for r in now],
        decided=[RankedOut(**r) for r in decided],
        changes=rules.ranking_changes(decided, now) if p.frozen_decision_id else [],
    )


def get_plan(session: Session, *, actor: Actor, plan_id: uuid.UUID) -> PlanOut:
    p = _plan(session, plan_id)
    _require_read(session, actor, p.body_id, p.frozen_decision_id is not None)
    return _plan_out(session, p)


def list_plans(session: Session, *, actor: Actor) -> list[PlanOut]:
    _require_any(session, actor)
    rows = session.scalars(select(GovPlan).order_by(GovPlan.title))
    return [
        _plan_out(session, p)
        for p in rows
        if _may_read(session, actor, p.body_id, p.frozen_decision_id is not None)
    ]


# --- action plans and actions -----------------------------------------------------------------------------


def _check_indicators(codes: Sequence[str]) -> None:
    known = {i["code"] for i in followup_service.list_indicators()}
    for c in codes:
        if c not in known:
            raise Invalid(
                "unknown indicator %(code)r: not one the follow-up defines",
                field="indicators",
                params={"code": c},
            )


def create_action_plan(session: Session, *, actor: Actor, data: ActionPlanIn) -> ActionPlanOut:
    _require_editor(session, actor, GA.ACTION_PLAN_CREATE)
    _get(session, GovBody, data.body_id, "body")
    ap = GovActionPlan(**data.model_dump(), state="draft", version=1)
    _save(session, actor, "action_plan", ap, GA.ACTION_PLAN_CREATE, new=True)
    return _action_plan_out(session, ap, None, None)


def set_action_plan_state(
    session: Session, *, actor: Actor, action_plan_id: uuid.UUID, data: StateIn
) -> ActionPlanOut:
    _require_editor(session, actor, GA.ACTION_PLAN_TRANSITION)
    ap: GovActionPlan = _get(session, GovActionPlan, action_plan_id, "action plan")
    _check_version("action plan", ap, data.version)
    if data.state == "sent":
        raise Conflict(
            "an action plan moves from %(current)s to sent only by a decision",
            field="state",
            params={"current": ap.state},
        )
    ap.state = rules.transition("action_plan", ap.state, data.state)
    _save(session, actor, "action_plan", ap, GA.ACTION_PLAN_TRANSITION)
    return _action_plan_out(session, ap, None, None)


def add_action(session: Session, *, actor: Actor, action_plan_id: uuid.UUID, data: ActionIn) -> ActionOut:
    _require_editor(session, actor, GA.ACTION_CREATE)
    ap: GovActionPlan = _get(session, GovActionPlan, action_plan_id, "action plan")
    _one_of(data.light, rules.LIGHTS, "light")
    _check_indicators(data.indicators)
    a = GovAction(
        action_plan_id=ap.id,
        title=data.title,
        owner=data.owner,
        owner_user_id=data.owner_user_id,
        due_date=data.due_date,
        light=data.light,
        indicators=json.dumps(data.indicators),
        status="planned",
        version=1,
    )
    _save(session, actor, "action", a, GA.ACTION_CREATE, new=True)
    return _action_out(a, today(), {})


def update_action(session: Session, *, actor: Actor, action_id: uuid.UUID, data: ActionUpdate) -> ActionOut:
    _require_editor(session, actor, GA.ACTION_UPDATE)
    a: GovAction = _get(session, GovAction, action_id, "action")
    _check_version("action", a, data.version)
    if data.status is not None and data.status != a.status:
        a.status = rules.transition("action", a.status, data.status)
    if data.light is not None:
        _one_of(data.light, rules.LIGHTS, "light")
        a.light = data.light
    if data.indicators is not None:
        _check_indicators(data.indicators)
        a.indicators = json.dumps(data.indicators)
    if data.due_date is not None:
        a.due_date = data.due_date
    _save(session, actor, "action", a, GA.ACTION_UPDATE)
    return _action_out(a, today(), {})


def indicator_figures(
    session: Session, codes: Sequence[str], *, results_dir: Path | None, targets_file: Path | None
) -> dict[str, IndicatorFigure]:
    """Per indicator code: its name, the latest yearly value for the region, the trend against the year
    before and the target in effect (national, the targets file's or the region's own, as the follow-up
    marks it); without results, the name only."""
    names = {
        i["code"]: i.get("name_sv") or i.get("name") or i["code"] for i in followup_service.list_indicators()
    }
    out = {c: IndicatorFigure(code=c, name=str(names.get(c, c))) for c in codes}
    if not codes or results_dir is None:
        return out
    try:
        rows = followup_service.query_results(
            results_dir,
            list(codes),
            "year",
            "total",
            targets=followup_service.targets_for(session, list(codes), targets_file=targets_file),
        )
    except NaravardError:
        return out
    by_code: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("stratum", "all") in (None, "all") and r.get("value") is not None:
            by_code.setdefault(r["indicator"], []).append(r)
    for c, series in by_code.items():
        series.sort(key=lambda r: r["period_start"])
        last = series[-1]
        trend = None
        if len(series) > 1:
            prev = series[-2]["value"]
            trend = "up" if last["value"] > prev else "down" if last["value"] < prev else "flat"
        out[c] = IndicatorFigure(
            code=c,
            name=str(names.get(c, c)),
            latest=float(last["value"]),
            period=str(last.get("period_label") or last["period_start"])[:10],
            trend=trend,
            target=last.get("target"),
            meets_target=last.get("meets_target"),
            series=[float(r["value"]) for r in series],
        )
    return out


def _action_out(a: GovAction, on: dt.date, figures: dict[str, IndicatorFigure]) -> ActionOut:
    codes = json.loads(a.indicators)
    return ActionOut(
        id=a.id,
        title=a.title,
        owner=a.owner,
        due_date=a.due_date,
        status=a.status,
        light=a.light,
        indicators=codes,
        version=a.version,
        overdue=a.due_date < on and a.status in ("planned", "ongoing"),
        figures=[figures[c] for c in codes if c in figures],
    )


def _action_plan_out(
    session: Session,
    ap: GovActionPlan,
    results_dir: Path | None,
    targets_file: Path | None,
    *,
    figures: bool = False,
) -> ActionPlanOut:
    on = today()
    actions = list(
        session.scalars(
            select(GovAction)
            .where(GovAction.action_plan_id == ap.id)
            .order_by(GovAction.due_date, GovAction.title)
        )
    )
    figs: dict[str, IndicatorFigure] = {}
    if figures:
        codes = sorted({c for a in actions for c in json.loads(a.indicators)})
        figs = indicator_figures(session, codes, results_dir=results_dir, targets_file=targets_file)
    return ActionPlanOut(
        id=ap.id,
        body_id=ap.body_id,
        title=ap.title,
        recipient=ap.recipient,
        deadline=ap.deadline,
        focus=ap.focus,
        owner=ap.owner,
        state=ap.state,
        version=ap.version,
        overdue=ap.deadline < on and ap.state in ("draft", "ready"),
        actions=[_action_out(a, on, figs) for a in actions],
    )


def get_action_plan(
    session: Session,
    *,
    actor: Actor,
    action_plan_id: uuid.UUID,
    results_dir: Path | None = None,
    targets_file: Path | None = None,
) -> ActionPlanOut:
    ap: GovActionPlan = _get(session, GovActionPlan, action_plan_id, "action plan")
    _require_read(session, actor, ap.body_id, ap.state != "draft")
    return _action_plan_out(session, ap, results_dir, targets_file, figures=True)


def list_action_plans(session: Session, *, actor: Actor) -> list[ActionPlanOut]:
    _require_any(session, actor)
    rows = session.scalars(select(GovActionPlan).order_by(GovActionPlan.deadline))
    return [
        _action_plan_out(session, ap, None, None)
        for ap in rows
        if _may_read(session, actor, ap.body_id, ap.state != "draft")
    ]


# --- meetings and decisions -------------------------------------------------------------------------------


def create_meeting(session: Session, *, actor: Actor, data: MeetingIn) -> MeetingOut:
    _require_editor(session, actor, GA.MEETING_CREATE)
    _get(session, GovBody, data.body_id, "body")
    m = GovMeeting(**data.model_dump())
    session.add(m)
    session.flush()
    audit_service.record(session, actor=actor, action=GA.MEETING_CREATE, detail={"id": str(m.id)})
    return MeetingOut(id=m.id, **data.model_dump())


def list_meetings(session: Session, *, actor: Actor) -> list[MeetingOut]:
    _require_any(session, actor)
    rows = session.scalars(select(GovMeeting).order_by(GovMeeting.held_on.desc()))
    return [
        MeetingOut(
            id=m.id,
            body_id=m.body_id,
            held_on=m.held_on,
            agenda=m.agenda,
            attendees=m.attendees,
            minutes=m.minutes,
        )
        for m in rows
        if _may_read(session, actor, m.body_id, False)
    ]


def record_decision(session: Session, *, actor: Actor, data: DecisionIn) -> DecisionOut:
    """A decision and what it changes: a directive approved, a plan's priority list decided (the ranked
    list is frozen in the decision and its projects prioritised), an action plan sent."""
    _require_editor(session, actor, GA.DECISION_CREATE)
    _one_of(data.kind, rules.DECISION_KINDS, "kind")
    body = _get(session, GovBody, data.body_id, "body")
    if data.meeting_id is not None:
        _get(session, GovMeeting, data.meeting_id, "meeting")
    if data.kind != "other" and data.subject_id is None:
        raise Invalid(
            "a decision of kind %(kind)s names its subject", field="subject_id", params={"kind": data.kind}
        )
    dec = GovDecision(**data.model_dump())
    session.add(dec)
    session.flush()
    if data.kind == "directive_approved":
        d = _directive(session, data.subject_id)  # type: ignore[arg-type]
        d.state = rules.transition("directive", d.state, "approved")
        _save(session, actor, "directive", d, GA.DIRECTIVE_TRANSITION)
    elif data.kind == "priority_list":
        p = _plan(session, data.subject_id)  # type: ignore[arg-type]
        ranked = ranking(session, p.id)
        if not ranked:
            raise Invalid("the plan has no projects to prioritise", field="subject_id")
        dec.frozen = json.dumps([r.__dict__ for r in ranked])
        p.frozen_decision_id = dec.id
        _save(session, actor, "plan", p, GA.DECISION_CREATE)
        for r in ranked:
            pr = session.get(GovProject, uuid.UUID(r.project_id))
            if pr is not None and pr.status == "proposed":
                pr.status = "prioritised"
                _save(session, actor, "project", pr, GA.PROJECT_UPDATE)
    elif data.kind == "action_plan_sent":
        ap: GovActionPlan = _get(session, GovActionPlan, data.subject_id, "action plan")  # type: ignore[arg-type]
        ap.state = rules.transition("action_plan", ap.state, "sent")
        _save(session, actor, "action_plan", ap, GA.ACTION_PLAN_TRANSITION)
    session.flush()
    audit_service.record(
        session, actor=actor, action=GA.DECISION_CREATE, detail={"id": str(dec.id), "kind": dec.kind}
    )
    return _decision_out(dec, body.name)


def _decision_out(d: GovDecision, body: str) -> DecisionOut:
    return DecisionOut(
        id=d.id,
        body_id=d.body_id,
        body=body,
        decided_on=d.decided_on,
        text=d.text,
        kind=d.kind,
        subject_id=d.subject_id,
        meeting_id=d.meeting_id,
    )


def decision_log(
    session: Session,
    *,
    actor: Actor,
    q: str | None = None,
    body_id: uuid.UUID | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[DecisionOut]:
    """Decisions, newest first; ``q`` searches the text (case-insensitive)."""
    _require_any(session, actor)
    rules.check_order(since, until, first_field="since", last_field="until")
    stmt = select(GovDecision).order_by(GovDecision.decided_on.desc(), GovDecision.created_at.desc())
    if q:
        stmt = stmt.where(or_(GovDecision.text.ilike(f"%{q}%"), GovDecision.kind.ilike(f"%{q}%")))
    if body_id:
        stmt = stmt.where(GovDecision.body_id == body_id)
    if since:
        stmt = stmt.where(GovDecision.decided_on >= since)
    if until:
        stmt = stmt.where(GovDecision.decided_on <= until)
    names = body_names(session)
    return [_decision_out(d, names.get(d.body_id, "")) for d in session.scalars(stmt)]


# --- deadlines, portfolio, reminders ----------------------------------------------------------------------


def deadlines(session: Session, *, actor: Actor, on: dt.date | None = None) -> list[Deadline]:
    """One calendar across the bodies the actor reads: directives to register and review, plans due, action
    plans to send, actions due; each says whether it is missed."""
    _require_any(session, actor)
    on = on or today()
    names = body_names(session)
    out: list[Deadline] = []
    for d in session.scalars(select(GovDirective).where(GovDirective.state != "replaced")):
        if not _may_read(session, actor, d.body_id, d.state != "draft"):
            continue
        link = f"/styrning/direktiv/{d.id}"
        if d.registration_due and d.registered_on is None:
            out.append(
                Deadline(
                    key=f"directive-registration:{d.id}",
                    kind="directive_registration",
                    title=d.title,
                    body=names[d.body_id],
                    due=d.registration_due,
                    owner=d.owner,
                    owner_user_id=d.owner_user_id,
                    overdue=d.registration_due < on,
                    link=link,
                )
            )
        if d.review_date:
            out.append(
                Deadline(
                    key=f"directive-review:{d.id}",
                    kind="directive_review",
                    title=d.title,
                    body=names[d.body_id],
                    due=d.review_date,
                    owner=d.owner,
                    owner_user_id=d.owner_user_id,
                    overdue=d.review_date < on,
                    link=link,
                )
            )
    for p in session.scalars(
        select(GovPlan).where(GovPlan.due_date.is_not(None), GovPlan.frozen_decision_id.is_(None))
    ):
        if _may_read(session, actor, p.body_id, False) and p.due_date is not None:
            out.append(
                Deadline(
                    key=f"plan:{p.id}",
                    kind="plan",
                    title=p.title,
                    body=names[p.body_id],
                    due=p.due_date,
                    owner="",
                    owner_user_id=None,
                    overdue=p.due_date < on,
                    link=f"/styrning/planer/{p.id}",
                )
            )
    for ap in session.scalars(select(GovActionPlan).where(GovActionPlan.state.in_(("draft", "ready")))):
        if not _may_read(session, actor, ap.body_id, ap.state != "draft"):
            continue
        link = f"/styrning/handlingsplaner/{ap.id}"
        out.append(
            Deadline(
                key=f"action-plan:{ap.id}",
                kind="action_plan",
                title=ap.title,
                body=names[ap.body_id],
                due=ap.deadline,
                owner=ap.owner,
                owner_user_id=ap.owner_user_id,
                overdue=ap.deadline < on,
                link=link,
            )
        )
    for a, ap in session.execute(
        select(GovAction, GovActionPlan)
        .join(GovActionPlan, GovActionPlan.id == GovAction.action_plan_id)
        .where(GovAction.status.in_(("planned", "ongoing")))
    ).all():
        if _may_read(session, actor, ap.body_id, ap.state != "draft"):
            out.append(
                Deadline(
                    key=f"action:{a.id}",
                    kind="action",
                    title=a.title,
                    body=names[ap.body_id],
                    due=a.due_date,
                    owner=a.owner,
                    owner_user_id=a.owner_user_id,
                    overdue=a.due_date < on,
                    link=f"/styrning/handlingsplaner/{ap.id}",
                )
            )
    out.sort(key=lambda d: (d.due, d.title))
    return out


def portfolio(session: Session, *, actor: Actor, on: dt.date | None = None) -> Portfolio:
    return Portfolio(
        directives=list_directives(session, actor=actor, on=on),
        plans=list_plans(session, actor=actor),
        action_plans=list_action_plans(session, actor=actor),
        deadlines=deadlines(session, actor=actor, on=on),
    )


def steering_pack(
    session: Session,
    *,
    actor: Actor,
    results_dir: Path | None = None,
    targets_file: Path | None = None,
    on: dt.date | None = None,
) -> Pack:
    """The steering-group pack's content: the portfolio and deadlines the actor reads, the decisions since the
    last meeting held before today (all when none), and every action plan with its actions' figures."""
    p = portfolio(session, actor=actor, on=on)
    on = on or today()
    visible = member_bodies(session, actor)
    stmt = select(func.max(GovMeeting.held_on)).where(GovMeeting.held_on < on)
    if not may_edit(actor):
        stmt = stmt.where(GovMeeting.body_id.in_(visible))
    since = session.scalar(stmt)
    decisions = [d for d in decision_log(session, actor=actor) if since is None or d.decided_on >= since]
    plans = [
        _action_plan_out(
            session, session.get_one(GovActionPlan, ap.id), results_dir, targets_file, figures=True
        )
        for ap in p.action_plans
    ]
    return Pack(created=on, since=since, portfolio=p, decisions=decisions, action_plans=plans)


def remind(session: Session, *, actor: Actor, within_days: int, on: dt.date | None = None) -> int:
    """Notify the owner of every deadline within ``within_days`` (and every missed one) through the
    notifications outbox, once per deadline and day; returns how many were sent."""
    _require_editor(session, actor, GA.REMIND)
    if within_days < 0:
        raise Invalid("within_days is 0 or more", field="within_days")
    on = on or today()
    sent = 0
    for d in deadlines(session, actor=actor, on=on):
        if d.owner_user_id is None or d.due > on + dt.timedelta(days=within_days):
            continue
        done = session.scalar(
            select(GovReminder.id).where(GovReminder.deadline_key == d.key, GovReminder.sent_on == on)
        )
        if done:
            continue
        session.add(GovReminder(deadline_key=d.key, sent_on=on))
        notifications_service.notify(
            session,
            actor=actor,
            kind="governance_deadline",
            subject=f"Tidsfrist {d.due.isoformat()}: {d.title}",
            body=f"{d.body}: {d.title} ska vara klar {d.due.isoformat()}.",
            to_user_id=d.owner_user_id,
            link=d.link,
            due=d.due,
        )
        sent += 1
    session.flush()
    audit_service.record(session, actor=actor, action=GA.REMIND, detail={"sent": sent, "on": on.isoformat()})
    return sent


# --- seeding ----------------------------------------------------------------------------------------------


def seed_rows(
    session: Session,
    *,
    actor: Actor,
    bodies: seeding.Rows = (),
    members: seeding.Rows = (),
    directives: seeding.Rows = (),
    meetings: seeding.Rows = (),
    decisions: seeding.Rows = (),
    plans: seeding.Rows = (),
    criteria: seeding.Rows = (),
    projects: seeding.Rows = (),
    scores: seeding.Rows = (),
    action_plans: seeding.Rows = (),
    actions: seeding.Rows = (),
) -> None:
    """Seeding interface (`naravard.seeding`), parents before children; a plan's frozen decision is set in
    the plan row (the decisions are inserted first)."""
    for model, rows, action in (
        (GovBody, bodies, GA.SEED_BODY),
        (GovMember, members, GA.SEED_MEMBER),
        (GovDirective, directives, GA.SEED_DIRECTIVE),
        (GovMeeting, meetings, GA.SEED_MEETING),
        (GovDecision, decisions, GA.SEED_DECISION),
        (GovPlan, plans, GA.SEED_PLAN),
        (GovCriterion, criteria, GA.SEED_CRITERION),
        (GovProject, projects, GA.SEED_PROJECT),
        (GovScore, scores, GA.SEED_SCORE),
        (GovActionPlan, action_plans, GA.SEED_ACTION_PLAN),
        (GovAction, actions, GA.SEED_ACTION),
    ):
        seeding.insert_rows(session, actor=actor, model=model, rows=rows, action=action)
