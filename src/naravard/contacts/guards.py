"""Who may act on fixed contacts, shared by the contacts' use cases (service, proposal_service, notice_service):
the unit manager's checks (refusals audited), opening a patient through the access policy, the default notifier,
and the flush that turns a concurrent writer's change into a conflict."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from naravard.actor import Actor, Role
from naravard.audit import service as audit_service
from naravard.consent import service as consent_service
from naravard.contacts import notices
from naravard.contacts.actions import ContactAction
from naravard.errors import Conflict
from naravard.patients import service as patients_service


def manager(
    session: Session, actor: Actor, action: ContactAction, person_id: uuid.UUID | None = None
) -> uuid.UUID:
    """The verksamhetschef appoints the fixed contacts (HSF 2017:80 4 kap.): a unit manager acting for a unit."""
    if actor.role is not Role.UNIT_MANAGER or actor.unit_id is None:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="only a unit manager appoints fixed contacts",
            patient_id=person_id,
        )
    return actor.unit_id


def own_unit(session: Session, actor: Actor, unit_id: uuid.UUID, action: ContactAction) -> None:
    if manager(session, actor, action) != unit_id:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="not_own_unit",
            message="a unit manager sees and changes the lists of their own unit only",
        )


def open_person(
    session: Session,
    actor: Actor,
    person_id: uuid.UUID,
    access: consent_service.Access,
    action: ContactAction,
) -> tuple[consent_service.PatientGrant, patients_service.PersonBrief]:
    brief = patients_service.brief_for_grant(session, person_id)
    grant = consent_service.open_patient(
        session,
        actor=actor,
        person_id=person_id,
        protected_identity=brief.protected_identity,
        access=access,
        action=action,
    )
    return grant, brief


def notifier(notifier: notices.Notifier | None) -> notices.Notifier:
    return notifier or notices.OutboxNotifier()


def flush_versioned(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:  # a concurrent writer committed between our read and our write
        raise Conflict("the fixed contact was changed by someone else; reload and try again") from exc
