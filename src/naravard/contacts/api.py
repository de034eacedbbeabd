"""Fixed contacts and listings in the JSON API (/api/contacts/...). Each route calls one service function; the
access policy and the audit rows live there."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from naravard.contacts import service
from naravard.contacts.continuity import ContinuitySource, source_for
from naravard.contacts.schemas import (
    AssignRequest,
    ChangeRequest,
    ChangeResult,
    ConfirmRequest,
    ConfirmResult,
    DoctorFteIn,
    DoctorList,
    EndRequest,
    FixedContactOut,
    MoveListingRequest,
    MyContacts,
    NoticeOut,
    Proposal,
    UnitOverview,
    UnitSettings,
)
from naravard.deps import CurrentActor, DbSession

router = APIRouter(prefix="/contacts", tags=["contacts"])


def continuity_of(request: Request) -> ContinuitySource:
    settings = request.app.state.settings
    return source_for(settings.effective_lake_dir, settings.secret_key)


@router.post("/fixed", response_model=FixedContactOut, status_code=201)
def assign(body: AssignRequest, actor: CurrentActor, db: DbSession) -> FixedContactOut:
    return service.assign_fixed_contact(db, actor=actor, request=body)


@router.post("/fixed/{contact_id}/change", response_model=ChangeResult)
def change(contact_id: uuid.UUID, body: ChangeRequest, actor: CurrentActor, db: DbSession) -> ChangeResult:
    return service.change_fixed_contact(db, actor=actor, contact_id=contact_id, request=body)


@router.post("/fixed/{contact_id}/end", response_model=FixedContactOut)
def end(contact_id: uuid.UUID, body: EndRequest, actor: CurrentActor, db: DbSession) -> FixedContactOut:
    return service.end_fixed_contact(db, actor=actor, contact_id=contact_id, request=body)


@router.get("/persons/{person_id}", response_model=list[FixedContactOut])
def history(person_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> list[FixedContactOut]:
    return service.fixed_contacts_of(db, actor=actor, person_id=person_id)


@router.post("/persons/{person_id}/listing/end", response_model=ChangeResult)
def end_listing(person_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> ChangeResult:
    return service.end_listing(db, actor=actor, person_id=person_id)


@router.post("/persons/{person_id}/listing/move", response_model=ChangeResult)
def move_listing(
    person_id: uuid.UUID, body: MoveListingRequest, actor: CurrentActor, db: DbSession
) -> ChangeResult:
    return service.move_listing(db, actor=actor, person_id=person_id, unit_id=body.unit_id)


@router.get("/units/{unit_id}", response_model=UnitOverview)
def unit(unit_id: uuid.UUID, request: Request, actor: CurrentActor, db: DbSession) -> UnitOverview:
    return service.unit_overview(db, actor=actor, unit_id=unit_id, continuity=continuity_of(request))


@router.get("/units/{unit_id}/settings", response_model=UnitSettings)
def get_settings(unit_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> UnitSettings:
    return service.get_unit_settings(db, actor=actor, unit_id=unit_id)


@router.put("/units/{unit_id}/settings", response_model=UnitSettings)
def put_settings(unit_id: uuid.UUID, body: UnitSettings, actor: CurrentActor, db: DbSession) -> UnitSettings:
    return service.update_unit_settings(db, actor=actor, unit_id=unit_id, settings=body)


@router.put("/units/{unit_id}/doctors/{practitioner_id}/fte", response_model=DoctorList)
def put_fte(
    unit_id: uuid.UUID, practitioner_id: uuid.UUID, body: DoctorFteIn, actor: CurrentActor, db: DbSession
) -> DoctorList:
    return service.set_doctor_fte(
        db, actor=actor, unit_id=unit_id, practitioner_id=practitioner_id, percent=body.percent
    )


@router.get("/units/{unit_id}/proposal", response_model=Proposal)
def proposal(unit_id: uuid.UUID, request: Request, actor: CurrentActor, db: DbSession) -> Proposal:
    return service.propose_for_unit(db, actor=actor, unit_id=unit_id, continuity=continuity_of(request))


@router.post("/units/{unit_id}/proposal/confirm", response_model=ConfirmResult)
def confirm(unit_id: uuid.UUID, body: ConfirmRequest, actor: CurrentActor, db: DbSession) -> ConfirmResult:
    """All rows in one transaction; 409 when a patient got a fast läkarkontakt meanwhile (nothing applied)."""
    return service.confirm_proposal(db, actor=actor, unit_id=unit_id, rows=body.rows)


@router.get("/units/{unit_id}/notices", response_model=list[NoticeOut])
def notices(unit_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> list[NoticeOut]:
    return service.undelivered_notices(db, actor=actor, unit_id=unit_id)


@router.post("/notices/{notice_id}/resend", response_model=NoticeOut)
def resend(notice_id: uuid.UUID, version: int, actor: CurrentActor, db: DbSession) -> NoticeOut:
    return service.resend_notice(db, actor=actor, notice_id=notice_id, version=version)


@router.get("/mine", response_model=MyContacts)
def mine(actor: CurrentActor, db: DbSession) -> MyContacts:
    return service.my_contacts(db, actor=actor)
