"""The governance context's JSON API (/api/governance/...). Each route calls one service function; access,
versions and audit rows live there. A directive's change takes its base version as If-Match (W/"n")."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from naravard.deps import CurrentActor, DbSession
from naravard.errors import Invalid
from naravard.governance import service
from naravard.governance.schemas import (
    ActionIn,
    ActionOut,
    ActionPlanIn,
    ActionPlanOut,
    ActionUpdate,
    BodyIn,
    BodyOut,
    CriteriaIn,
    Deadline,
    DecisionIn,
    DecisionOut,
    DirectiveIn,
    DirectiveOut,
    MeetingIn,
    MeetingOut,
    MemberIn,
    MemberOut,
    PlanIn,
    PlanOut,
    Portfolio,
    ProjectIn,
    ProjectOut,
    ScoreIn,
    StateIn,
    VersionOut,
)

router = APIRouter(prefix="/governance", tags=["governance"])


def parse_if_match(value: str | None) -> int | None:
    if value is None:
        return None
    raw = value.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise Invalid('If-Match must be an ETag like W/"3"', field="If-Match")
    return int(raw)


def _figures_from(request: Request) -> tuple[Path, Path | None]:
    s = request.app.state.settings
    return Path(s.effective_results_dir), s.targets_file


@router.get("/bodies", response_model=list[BodyOut])
def bodies(actor: CurrentActor, db: DbSession) -> list[BodyOut]:
    return service.list_bodies(db, actor=actor)


@router.post("/bodies", response_model=BodyOut, status_code=201)
def create_body(body: BodyIn, actor: CurrentActor, db: DbSession) -> BodyOut:
    return service.create_body(db, actor=actor, data=body)


@router.post("/bodies/{body_id}/members", response_model=MemberOut, status_code=201)
def add_member(body_id: uuid.UUID, body: MemberIn, actor: CurrentActor, db: DbSession) -> MemberOut:
    return service.add_member(db, actor=actor, body_id=body_id, data=body)


@router.get("/directives", response_model=list[DirectiveOut])
def directives(actor: CurrentActor, db: DbSession) -> list[DirectiveOut]:
    return service.list_directives(db, actor=actor)


@router.post("/directives", response_model=DirectiveOut, status_code=201)
def create_directive(
    body: DirectiveIn, actor: CurrentActor, db: DbSession, response: Response
) -> DirectiveOut:
    out = service.create_directive(db, actor=actor, data=body)
    response.headers["ETag"] = f'W/"{out.version}"'
    return out


@router.get("/directives/{directive_id}", response_model=DirectiveOut)
def directive(
    directive_id: uuid.UUID, actor: CurrentActor, db: DbSession, response: Response
) -> DirectiveOut:
    out = service.get_directive(db, actor=actor, directive_id=directive_id)
    response.headers["ETag"] = f'W/"{out.version}"'
    return out


@router.put("/directives/{directive_id}", response_model=DirectiveOut)
def update_directive(
    directive_id: uuid.UUID,
    body: DirectiveIn,
    actor: CurrentActor,
    db: DbSession,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> DirectiveOut:
    out = service.update_directive(
        db, actor=actor, directive_id=directive_id, data=body, expected_version=parse_if_match(if_match)
    )
    response.headers["ETag"] = f'W/"{out.version}"'
    return out


@router.post("/directives/{directive_id}/state", response_model=DirectiveOut)
def directive_state(
    directive_id: uuid.UUID, body: StateIn, actor: CurrentActor, db: DbSession
) -> DirectiveOut:
    return service.set_directive_state(db, actor=actor, directive_id=directive_id, data=body)


@router.get("/directives/{directive_id}/versions", response_model=list[VersionOut])
def directive_versions(directive_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> list[VersionOut]:
    return service.versions(db, actor=actor, entity="directive", entity_id=directive_id)


@router.get("/plans", response_model=list[PlanOut])
def plans(actor: CurrentActor, db: DbSession) -> list[PlanOut]:
    return service.list_plans(db, actor=actor)


@router.post("/plans", response_model=PlanOut, status_code=201)
def create_plan(body: PlanIn, actor: CurrentActor, db: DbSession) -> PlanOut:
    return service.create_plan(db, actor=actor, data=body)


@router.get("/plans/{plan_id}", response_model=PlanOut)
def plan(plan_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> PlanOut:
    return service.get_plan(db, actor=actor, plan_id=plan_id)


@router.put("/plans/{plan_id}/criteria", response_model=PlanOut)
def criteria(plan_id: uuid.UUID, body: CriteriaIn, actor: CurrentActor, db: DbSession) -> PlanOut:
    return service.set_criteria(db, actor=actor, plan_id=plan_id, data=body)


@router.post("/plans/{plan_id}/projects", response_model=ProjectOut, status_code=201)
def add_project(plan_id: uuid.UUID, body: ProjectIn, actor: CurrentActor, db: DbSession) -> ProjectOut:
    return service.add_project(db, actor=actor, plan_id=plan_id, data=body)


@router.put("/projects/{project_id}/scores", response_model=ProjectOut)
def score(project_id: uuid.UUID, body: ScoreIn, actor: CurrentActor, db: DbSession) -> ProjectOut:
    return service.set_score(db, actor=actor, project_id=project_id, data=body)


@router.post("/projects/{project_id}/state", response_model=ProjectOut)
def project_state(project_id: uuid.UUID, body: StateIn, actor: CurrentActor, db: DbSession) -> ProjectOut:
    return service.set_project_status(db, actor=actor, project_id=project_id, data=body)


@router.get("/action-plans", response_model=list[ActionPlanOut])
def action_plans(actor: CurrentActor, db: DbSession) -> list[ActionPlanOut]:
    return service.list_action_plans(db, actor=actor)


@router.post("/action-plans", response_model=ActionPlanOut, status_code=201)
def create_action_plan(body: ActionPlanIn, actor: CurrentActor, db: DbSession) -> ActionPlanOut:
    return service.create_action_plan(db, actor=actor, data=body)


@router.get("/action-plans/{action_plan_id}", response_model=ActionPlanOut)
def action_plan(
    action_plan_id: uuid.UUID, request: Request, actor: CurrentActor, db: DbSession
) -> ActionPlanOut:
    results, targets = _figures_from(request)
    return service.get_action_plan(
        db, actor=actor, action_plan_id=action_plan_id, results_dir=results, targets_file=targets
    )


@router.post("/action-plans/{action_plan_id}/state", response_model=ActionPlanOut)
def action_plan_state(
    action_plan_id: uuid.UUID, body: StateIn, actor: CurrentActor, db: DbSession
) -> ActionPlanOut:
    return service.set_action_plan_state(db, actor=actor, action_plan_id=action_plan_id, data=body)


@router.post("/action-plans/{action_plan_id}/actions", response_model=ActionOut, status_code=201)
def add_action(action_plan_id: uuid.UUID, body: ActionIn, actor: CurrentActor, db: DbSession) -> ActionOut:
    return service.add_action(db, actor=actor, action_plan_id=action_plan_id, data=body)


@router.patch("/actions/{action_id}", response_model=ActionOut)
def update_action(action_id: uuid.UUID, body: ActionUpdate, actor: CurrentActor, db: DbSession) -> ActionOut:
    return service.update_action(db, actor=actor, action_id=action_id, data=body)


@router.get("/meetings", response_model=list[MeetingOut])
def meetings(actor: CurrentActor, db: DbSession) -> list[MeetingOut]:
    return service.list_meetings(db, actor=actor)


@router.post("/meetings", response_model=MeetingOut, status_code=201)
def create_meeting(body: MeetingIn, actor: CurrentActor, db: DbSession) -> MeetingOut:
    return service.create_meeting(db, actor=actor, data=body)


@router.post("/decisions", response_model=DecisionOut, status_code=201)
def decide(body: DecisionIn, actor: CurrentActor, db: DbSession) -> DecisionOut:
    return service.record_decision(db, actor=actor, data=body)


@router.get("/decisions", response_model=list[DecisionOut])
def decisions(
    actor: CurrentActor,
    db: DbSession,
    q: str | None = None,
    body_id: uuid.UUID | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[DecisionOut]:
    return service.decision_log(db, actor=actor, q=q, body_id=body_id, since=since, until=until)


@router.get("/decisions.csv")
def decisions_csv(actor: CurrentActor, db: DbSession, q: str | None = None) -> Response:
    rows = service.decision_log(db, actor=actor, q=q)
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


@router.get("/deadlines", response_model=list[Deadline])
def deadlines(actor: CurrentActor, db: DbSession) -> list[Deadline]:
    return service.deadlines(db, actor=actor)


@router.get("/portfolio", response_model=Portfolio)
def portfolio(actor: CurrentActor, db: DbSession) -> Portfolio:
    return service.portfolio(db, actor=actor)
