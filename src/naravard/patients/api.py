"""Patient routes of the JSON API. Each calls one service function; the access policy and the audit
trail live there, so these cannot bypass them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from naravard.deps import CurrentActor, DbSession
from naravard.errors import Invalid
from naravard.patients import service
from naravard.patients.schemas import (
    AccessLogEntry,
    AccessQuestion,
    AccessQuestionRequest,
    ContactUpdate,
    EmergencyAccessOut,
    EmergencyAccessRequest,
    PatientHit,
    PatientOverview,
)

router = APIRouter(prefix="/patients", tags=["patients"])


def _etag(version: int) -> str:
    return f'W/"{version}"'


def _parse_if_match(value: str | None) -> int | None:
    if value is None:
        return None
    raw = value.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise Invalid('If-Match must be an ETag like W/"3"', field="If-Match")
    return int(raw)


@router.get("", response_model=list[PatientHit])
def search(
    actor: CurrentActor,
    db: DbSession,
    response: Response,
    q: Annotated[str, Query(min_length=1, max_length=100, description="personnummer or name")],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> list[PatientHit]:
    """At most `limit` hits; `X-Total-Count` says how many the search found in all (a name search finds
    only patients the caller may open)."""
    result = service.search_patients(db, actor=actor, query=q, limit=limit)
    response.headers["X-Total-Count"] = str(result.total)
    return result.hits


@router.get("/{person_id}", response_model=PatientOverview)
def overview(person_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> Response:
    """The overview, serialised here from the model the service built (and so validated): FastAPI would
    otherwise dump it, validate it again and serialise it, on a worker thread of its own, on the API's
    most frequent read. `response_model` still documents it."""
    result = service.get_overview(db, actor=actor, person_id=person_id)
    return Response(
        content=result.model_dump_json(),
        media_type="application/json",
        headers={"ETag": _etag(result.version)},
    )


@router.patch("/{person_id}", response_model=PatientOverview)
def update_contact(
    person_id: uuid.UUID,
    body: ContactUpdate,
    actor: CurrentActor,
    db: DbSession,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> PatientOverview:
    result = service.update_contact_details(
        db, actor=actor, person_id=person_id, changes=body, expected_version=_parse_if_match(if_match)
    )
    response.headers["ETag"] = _etag(result.version)
    return result


@router.post("/{person_id}/emergency-access", response_model=EmergencyAccessOut, status_code=201)
def emergency_access(
    person_id: uuid.UUID, body: EmergencyAccessRequest, actor: CurrentActor, db: DbSession
) -> EmergencyAccessOut:
    return service.open_emergency_access(db, actor=actor, person_id=person_id, reason=body.reason)


@router.get("/{person_id}/access-log", response_model=list[AccessLogEntry])
def access_log(person_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> list[AccessLogEntry]:
    """Who has read or changed the patient's data (the patient's own view): when, who (name, profession,
    unit, organisation), what and why (`what`, `why`: English words; emergency access with its reason)."""
    return service.access_log(db, actor=actor, person_id=person_id)


@router.post("/{person_id}/access-log/questions", response_model=AccessQuestion, status_code=201)
def question_access(
    person_id: uuid.UUID, body: AccessQuestionRequest, actor: CurrentActor, db: DbSession
) -> AccessQuestion:
    """The patient reports a row of their access log (its `seq`) that they question; the log reviewer
    follows it up. Only the patient themself; each row once (409 after)."""
    return service.question_access(
        db, actor=actor, person_id=person_id, audit_seq=body.audit_seq, note=body.note
    )
