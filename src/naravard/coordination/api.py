"""The coordination context's JSON API: tasks between units, discharge planning (2017:612) and the messages
hospitals' records systems send (idempotent by the sender's message id). Updates carry If-Match (the ETag
of the version they are based on); an outdated one gets 412."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from naravard.coordination import service
from naravard.coordination.schemas import (
    AdmissionIn,
    DischargeMessageIn,
    DischargeOut,
    DischargeStepIn,
    Figures,
    TaskChange,
    TaskIn,
    TaskOut,
    Worklist,
)
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Invalid

router = APIRouter(prefix="/coordination", tags=["coordination"])


def _etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


def _if_match(value: str | None) -> int:
    if value is None or not value.strip():
        raise Invalid(
            "If-Match: required; send the ETag of the version the change is based on", field="If-Match"
        )
    raw = value.strip().removeprefix("W/").strip('"')
    try:
        return int(raw)
    except ValueError:
        raise Invalid("If-Match: not an ETag of this item", field="If-Match") from None


IfMatch = Annotated[str | None, Header(alias="If-Match")]


@router.post("/tasks", response_model=TaskOut, status_code=201)
def create_task(data: TaskIn, response: Response, actor: CurrentActor, db: DbSession) -> TaskOut:
    out = service.create_task(db, actor=actor, data=data)
    _etag(response, out.version)
    return out


@router.get("/tasks/{task_id}", response_model=TaskOut)
def get_task(task_id: uuid.UUID, response: Response, actor: CurrentActor, db: DbSession) -> TaskOut:
    out = service.get_task(db, actor=actor, task_id=task_id)
    _etag(response, out.version)
    return out


@router.post("/tasks/{task_id}/status", response_model=TaskOut)
def change_task(
    task_id: uuid.UUID,
    change: TaskChange,
    response: Response,
    actor: CurrentActor,
    db: DbSession,
    if_match: IfMatch = None,
) -> TaskOut:
    out = service.change_task(
        db, actor=actor, task_id=task_id, change=change, base_version=_if_match(if_match)
    )
    _etag(response, out.version)
    return out


@router.get("/worklist", response_model=Worklist)
def worklist(
    actor: CurrentActor,
    db: DbSession,
    patient: str = "",
    kind: str = "",
    status: str = "",
    late: bool = False,
    offset: Annotated[int, Query(ge=0, lt=2**31)] = 0,
    limit: Annotated[int, Query(ge=1, le=service.WORKLIST_SHOWN)] = service.WORKLIST_PAGE,
) -> Worklist:
    flt = service.WorklistFilter(
        patient=patient[:64], kind=kind[:16], status=status[:16], only_late=late, offset=offset, limit=limit
    )
    return service.worklist(db, actor=actor, flt=flt)


@router.get("/waiting")
def waiting(actor: CurrentActor, db: DbSession) -> dict[str, int]:
    return {"waiting": service.waiting_count(db, actor=actor)}


@router.get("/figures", response_model=Figures)
def figures(actor: CurrentActor, db: DbSession) -> Figures:
    return service.worklist(db, actor=actor, flt=service.WorklistFilter(kind="none")).figures


@router.post("/admissions", response_model=DischargeOut, status_code=201)
def admit(data: AdmissionIn, response: Response, actor: CurrentActor, db: DbSession) -> DischargeOut:
    """An admission at the actor's hospital unit; a repeated (sender, message_id) returns the first (200)."""
    out, created = service.admit(db, actor=actor, data=data)
    if not created:
        response.status_code = 200
    _etag(response, out.version)
    return out


@router.post("/discharge-messages", response_model=DischargeOut)
def discharge_message(
    data: DischargeMessageIn, response: Response, actor: CurrentActor, db: DbSession
) -> DischargeOut:
    out, _ = service.discharge_message(db, actor=actor, data=data)
    _etag(response, out.version)
    return out


@router.get("/discharges/{discharge_id}", response_model=DischargeOut)
def get_discharge(
    discharge_id: uuid.UUID, response: Response, actor: CurrentActor, db: DbSession
) -> DischargeOut:
    out = service.get_discharge(db, actor=actor, discharge_id=discharge_id)
    _etag(response, out.version)
    return out


@router.post("/discharges/{discharge_id}/steps", response_model=DischargeOut)
def record_step(
    discharge_id: uuid.UUID,
    step: DischargeStepIn,
    response: Response,
    actor: CurrentActor,
    db: DbSession,
    if_match: IfMatch = None,
) -> DischargeOut:
    out = service.record_step(
        db, actor=actor, discharge_id=discharge_id, step=step, base_version=_if_match(if_match)
    )
    _etag(response, out.version)
    return out
