"""The log reviewer's lists of emergency accesses and of consents recorded by staff, with people and units
by name (issue 19): what `consent.service` lists, with the names patients, accounts and organisations hold,
reached through their services. Reading the patients' names is logged, one row per list
(`patients.service.names_for_log_review`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from naravard.accounts import service as accounts_service
from naravard.actor import Actor
from naravard.audit import service as audit_service
from naravard.consent import service
from naravard.consent.schemas import ConsentOut
from naravard.errors import Conflict
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service
from naravard.patients.service import ReviewedPerson

# The audit trail's tag for a page's names (patients.service logs the read under it).
NAMES_READ = audit_service.AuditAction.PATIENT_NAMES_READ


@dataclass(frozen=True)
class EmergencyItem:
    id: uuid.UUID
    opened_at: datetime
    expires_at: datetime
    username: str
    user_name: str | None
    unit: str | None
    organization: str | None
    person_id: uuid.UUID  # for links only, never shown
    patient: ReviewedPerson | None
    reason: str
    reviewed_at: datetime | None
    reviewed_by: str | None  # the reviewer's display name (the username when the account is gone)
    review_note: str | None


@dataclass(frozen=True)
class ConsentItem:
    consent: ConsentOut
    recorded_by_name: str | None
    patient: ReviewedPerson | None
    reviewed_by: str | None


def emergency_items(session: Session, *, actor: Actor, reviewed: bool) -> list[EmergencyItem]:
    """Emergency accesses to review (newest first), or those reviewed, with who reviewed them, when and the
    note (latest review first). Only the log reviewer."""
    rows = service.list_emergency_accesses(
        session, actor=actor, unreviewed_only=not reviewed, reviewed_only=reviewed
    )
    persons = patients_service.names_for_log_review(
        session, actor=actor, person_ids={r.person_id for r in rows}, action=NAMES_READ
    )
    users = accounts_service.user_names(session, {r.user_id for r in rows})
    reviewers = accounts_service.display_names(session, {r.reviewed_by for r in rows if r.reviewed_by})
    units = org_service.get_units(session, {r.unit_id for r in rows})
    items = []
    for r in rows:
        user = users.get(r.user_id)
        unit = units.get(r.unit_id)
        items.append(
            EmergencyItem(
                id=r.id,
                opened_at=r.created_at,
                expires_at=r.expires_at,
                username=user.username if user else "",
                user_name=user.display_name if user else None,
                unit=unit.name if unit else None,
                organization=unit.organization_name if unit else None,
                person_id=r.person_id,
                patient=persons.get(r.person_id),
                reason=r.reason,
                reviewed_at=r.reviewed_at,
                reviewed_by=reviewers.get(r.reviewed_by, r.reviewed_by) if r.reviewed_by else None,
                review_note=r.review_note,
            )
        )
    return items


def emergency_item(session: Session, *, actor: Actor, access_id: uuid.UUID) -> EmergencyItem:
    """One emergency access still to review (what the confirmation shows)."""
    for item in emergency_items(session, actor=actor, reviewed=False):
        if item.id == access_id:
            return item
    raise Conflict("this emergency access is not waiting for review")


def consent_items(session: Session, *, actor: Actor, reviewed: bool) -> list[ConsentItem]:
    """Consents recorded by staff to review, or those reviewed with who, when and the note."""
    rows = service.list_flagged_consents(
        session, actor=actor, unreviewed_only=not reviewed, reviewed_only=reviewed
    )
    persons = patients_service.names_for_log_review(
        session, actor=actor, person_ids={r.person_id for r in rows}, action=NAMES_READ
    )
    names = accounts_service.display_names(
        session, {r.recorded_by for r in rows} | {r.reviewed_by for r in rows if r.reviewed_by}
    )
    return [
        ConsentItem(
            consent=view,
            recorded_by_name=names.get(view.recorded_by),
            patient=persons.get(view.person_id),
            reviewed_by=names.get(view.reviewed_by, view.reviewed_by) if view.reviewed_by else None,
        )
        for view in service.consent_views(session, rows)
    ]


def consent_item(session: Session, *, actor: Actor, consent_id: uuid.UUID) -> ConsentItem:
    """One consent recorded by staff still to review (what the confirmation shows)."""
    for item in consent_items(session, actor=actor, reviewed=False):
        if item.consent.id == consent_id:
            return item
    raise Conflict("this consent is not waiting for review")
