"""Care plans in the JSON API (/api/careplans/...). Each route calls one service function; the access policy
and the audit rows live there. A plan's ETag is ``"<plan id>-<version>"``; a change sends it as If-Match and
gets 412 with the current plan when someone saved a newer version meanwhile."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.responses import JSONResponse

from naravard.careplans import service
from naravard.careplans.schemas import (
    CreatePlan,
    Figures,
    PatientStatementIn,
    PlanDiff,
    PlanListItem,
    PlanOut,
    SavePlan,
    TransitionRequest,
    VersionOut,
    parse_etag,
)
from naravard.deps import CurrentActor, DbSession
from naravard.errors import PreconditionFailed

router = APIRouter(prefix="/careplans", tags=["careplans"])

IfMatch = Annotated[str | None, Header(alias="If-Match")]


def _with_etag(plan: PlanOut, response: Response) -> PlanOut:
    response.headers["ETag"] = plan.etag
    return plan


def _write(
    db: DbSession, actor: CurrentActor, plan_id: uuid.UUID, response: Response, do: Callable[[], PlanOut]
) -> PlanOut | JSONResponse:
    """Run a versioned write; on a stale base answer 412 with the current plan (an audited read)."""
    try:
        return _with_etag(do(), response)
    except PreconditionFailed as exc:
        current = service.get_plan(db, actor=actor, plan_id=plan_id)
        return JSONResponse(
            status_code=412,
            content={
                "type": "about:blank",
                "title": "Precondition Failed",
                "status": 412,
                "code": exc.code,
                "detail": exc.message,
                "current": current.model_dump(mode="json"),
            },
            headers={"ETag": current.etag},
        )


@router.post("", response_model=PlanOut, status_code=201)
def create(body: CreatePlan, actor: CurrentActor, db: DbSession, response: Response) -> PlanOut:
    return _with_etag(service.create_plan(db, actor=actor, request=body), response)


@router.get("/worklist", response_model=list[PlanListItem])
def worklist(actor: CurrentActor, db: DbSession) -> list[PlanListItem]:
    return service.worklist(db, actor=actor)


@router.get("/figures", response_model=Figures)
def figures(actor: CurrentActor, db: DbSession, scope: str = "coordinator") -> Figures:
    return service.figures(db, actor=actor, scope="unit" if scope == "unit" else "coordinator")


@router.get("/mine", response_model=list[PlanOut])
def mine(actor: CurrentActor, db: DbSession) -> list[PlanOut]:
    return service.my_plans(db, actor=actor)


@router.get("/persons/{person_id}", response_model=list[PlanListItem])
def of_person(person_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> list[PlanListItem]:
    return service.plans_of_person(db, actor=actor, person_id=person_id)


@router.get("/{plan_id}", response_model=PlanOut)
def read(plan_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> Response:
    """The current version with its ETag (serialised once: the plan is already a validated `PlanOut`)."""
    plan = service.get_plan(db, actor=actor, plan_id=plan_id)
    return Response(plan.model_dump_json(), media_type="application/json", headers={"ETag": plan.etag})


@router.put("/{plan_id}", response_model=PlanOut)
def save(
    plan_id: uuid.UUID,
    body: SavePlan,
    actor: CurrentActor,
    db: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> PlanOut | JSONResponse:
    base = parse_etag(if_match, plan_id)
    return _write(
        db,
        actor,
        plan_id,
        response,
        lambda: service.save_plan(db, actor=actor, plan_id=plan_id, base_version=base, content=body.content),
    )


@router.post("/{plan_id}/transitions", response_model=PlanOut)
def transition(
    plan_id: uuid.UUID,
    body: TransitionRequest,
    actor: CurrentActor,
    db: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> PlanOut | JSONResponse:
    base = parse_etag(if_match, plan_id)
    return _write(
        db,
        actor,
        plan_id,
        response,
        lambda: service.transition(db, actor=actor, plan_id=plan_id, base_version=base, request=body),
    )


@router.post("/{plan_id}/patient/statements", response_model=PlanOut)
def patient_statement(
    plan_id: uuid.UUID,
    body: PatientStatementIn,
    actor: CurrentActor,
    db: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> PlanOut | JSONResponse:
    base = parse_etag(if_match, plan_id)
    return _write(
        db,
        actor,
        plan_id,
        response,
        lambda: service.patient_statement(db, actor=actor, plan_id=plan_id, base_version=base, request=body),
    )


@router.post("/{plan_id}/patient/agree", response_model=PlanOut)
def patient_agree(
    plan_id: uuid.UUID, actor: CurrentActor, db: DbSession, response: Response, if_match: IfMatch = None
) -> PlanOut | JSONResponse:
    base = parse_etag(if_match, plan_id)
    return _write(
        db,
        actor,
        plan_id,
        response,
        lambda: service.patient_agree(db, actor=actor, plan_id=plan_id, base_version=base),
    )


@router.get("/{plan_id}/versions", response_model=list[VersionOut])
def versions(plan_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> list[VersionOut]:
    return service.versions(db, actor=actor, plan_id=plan_id)


@router.get("/{plan_id}/diff", response_model=PlanDiff)
def diff(plan_id: uuid.UUID, actor: CurrentActor, db: DbSession, a: int, b: int) -> PlanDiff:
    return service.diff(db, actor=actor, plan_id=plan_id, from_version=a, to_version=b)
