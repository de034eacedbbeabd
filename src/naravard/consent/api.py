"""Consent, blocks and the review of emergency access."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from sqlalchemy.orm import Session

from naravard.consent import service
from naravard.consent.actions import ConsentAction
from naravard.consent.schemas import (
    BlockOut,
    BlockRequest,
    ConsentOut,
    ConsentRequest,
    EmergencyAccessView,
    OnRequestBlock,
    OnRequestConsent,
    OnRequestOut,
    ReviewRequest,
)
from naravard.deps import CurrentActor, DbSession
from naravard.errors import NotFound
from naravard.patients import service as patients_service

router = APIRouter(tags=["consent"])


@router.get("/emergency-accesses", response_model=list[EmergencyAccessView])
def emergency_accesses(
    actor: CurrentActor, db: DbSession, unreviewed_only: bool = True
) -> list[EmergencyAccessView]:
    rows = service.list_emergency_accesses(db, actor=actor, unreviewed_only=unreviewed_only)
    return [EmergencyAccessView.model_validate(r, from_attributes=True) for r in rows]


@router.post("/emergency-accesses/{access_id}/review", response_model=EmergencyAccessView)
def review(
    access_id: uuid.UUID, body: ReviewRequest, actor: CurrentActor, db: DbSession
) -> EmergencyAccessView:
    row = service.review_emergency_access(db, actor=actor, access_id=access_id, note=body.note)
    return EmergencyAccessView.model_validate(row, from_attributes=True)


@router.post("/patients/{person_id}/consents", response_model=ConsentOut, status_code=201)
def record_consent(
    person_id: uuid.UUID, body: ConsentRequest, actor: CurrentActor, db: DbSession
) -> ConsentOut:
    """The patient gives a consent (own login: any organisation), or staff of a unit with a care
    relationship record one for their own organisation, stating `method` and `given_by`."""
    return patients_service.record_consent(db, actor=actor, person_id=person_id, request=body)


@router.get("/patients/{person_id}/consents", response_model=list[ConsentOut])
def list_consents(person_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> list[ConsentOut]:
    """Every consent of the patient, withdrawn ones too: the patient's own view."""
    return patients_service.list_consents(db, actor=actor, person_id=person_id)


@router.post("/patients/{person_id}/consents/{consent_id}/withdraw", response_model=ConsentOut)
def withdraw_consent(
    person_id: uuid.UUID, consent_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> ConsentOut:
    return patients_service.withdraw_consent(db, actor=actor, person_id=person_id, consent_id=consent_id)


@router.get("/consents/flagged", response_model=list[ConsentOut])
def flagged_consents(actor: CurrentActor, db: DbSession, unreviewed_only: bool = True) -> list[ConsentOut]:
    """Consents recorded by staff, for the log reviewer."""
    rows = service.list_flagged_consents(db, actor=actor, unreviewed_only=unreviewed_only)
    return service.consent_views(db, rows)


@router.post("/consents/{consent_id}/review", response_model=ConsentOut)
def review_consent(
    consent_id: uuid.UUID, body: ReviewRequest, actor: CurrentActor, db: DbSession
) -> ConsentOut:
    row = service.review_consent(db, actor=actor, consent_id=consent_id, note=body.note)
    return service.consent_views(db, [row])[0]


@router.post("/patients/{person_id}/blocks", response_model=BlockOut, status_code=201)
def add_block(person_id: uuid.UUID, body: BlockRequest, actor: CurrentActor, db: DbSession) -> BlockOut:
    row = service.add_block(
        db,
        actor=actor,
        person_id=person_id,
        blocked_organization_id=body.blocked_organization_id,
        reason=body.reason,
    )
    return BlockOut.model_validate(row, from_attributes=True)


@router.post("/blocks/{block_id}/lift", response_model=BlockOut)
def lift_block(block_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> BlockOut:
    return BlockOut.model_validate(
        service.lift_block(db, actor=actor, block_id=block_id), from_attributes=True
    )


# --- An administrator records the patient's written request (issue 20; ADR 0003, addendum) ------------------


def person_on_request(db: Session, identifier: str) -> tuple[uuid.UUID, bool]:
    """(person id, protected identity) of the personnummer or samordningsnummer on a written request."""
    found = patients_service.person_ids_by_identifier(db, {identifier.strip()})
    if identifier.strip() not in found:
        raise NotFound("no patient with this personnummer or samordningsnummer")
    brief = patients_service.brief_for_grant(db, found[identifier.strip()])
    return brief.id, brief.protected_identity


@router.post("/admin/consents", response_model=ConsentOut, status_code=201)
def consent_on_request(body: OnRequestConsent, actor: CurrentActor, db: DbSession) -> ConsentOut:
    """An administrator records the consent a written request gives (administrators only; 403 otherwise):
    recorded as written, flagged for the log reviewer, seen and withdrawn by the patient."""
    service.require_administrator(db, actor=actor, action=ConsentAction.CONSENT_RECORD_ON_REQUEST)
    person_id, protected = person_on_request(db, body.identifier)
    row = service.record_consent_on_request(
        db,
        actor=actor,
        person_id=person_id,
        protected_identity=protected,
        organization_id=body.organization_id,
        given_by=service.ConsentGiver(body.given_by),
        request_reference=body.request_reference,
        reason=body.reason,
        valid_until=body.valid_until,
    )
    return service.consent_views(db, [row])[0]


@router.post("/admin/blocks", response_model=BlockOut, status_code=201)
def block_on_request(body: OnRequestBlock, actor: CurrentActor, db: DbSession) -> BlockOut:
    """An administrator records the block a written request asks for (administrators only)."""
    service.require_administrator(db, actor=actor, action=ConsentAction.BLOCK_ADD_ON_REQUEST)
    person_id, _ = person_on_request(db, body.identifier)
    row = service.add_block_on_request(
        db,
        actor=actor,
        person_id=person_id,
        blocked_organization_id=body.blocked_organization_id,
        given_by=service.ConsentGiver(body.given_by),
        request_reference=body.request_reference,
        reason=body.reason,
    )
    return BlockOut.model_validate(row, from_attributes=True)


@router.get("/admin/on-request", response_model=list[OnRequestOut])
def on_request(actor: CurrentActor, db: DbSession) -> list[OnRequestOut]:
    """The consents and blocks recorded on written requests, newest first (no patient data)."""
    return service.list_on_request(db, actor=actor)
