"""The log reviewer's view of the audit trail: people and units by name, events in words (issue 19).

The trail itself (`audit.service`) is shared plumbing and imports no context; this module is the audit
context's use case over it and reaches patients, accounts and organisations through their services. The
personnummer, user name and unit name a reviewer filters by become the ids the trail holds, and the ids of
a page become names again. Reading the log is logged (`audit.service.search`), and so is reading the
patients' names a page shows (one row per page, `patients.service.names_for_log_review`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from naravard.accounts import service as accounts_service
from naravard.actor import Actor, Role
from naravard.audit import events
from naravard.audit import service as audit_service
from naravard.audit.actions import AuditAction
from naravard.consent import service as consent_service
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service
from naravard.patients.service import ReviewedPerson

PAGE_SIZE = 100


@dataclass(frozen=True)
class LogQuery:
    """The reviewer's filter as typed: a personnummer (or the id of a link), part of a user's name or
    username, part of a unit's name, a period and an outcome. Empty text filters nothing."""

    personnummer: str = ""
    patient_id: uuid.UUID | None = None
    user: str = ""
    unit: str = ""
    since: datetime | None = None
    until: datetime | None = None
    outcome: str | None = None
    offset: int = 0
    limit: int = PAGE_SIZE


@dataclass(frozen=True)
class LogRow:
    """One audit row as the reviewer reads it. The text fields are English catalogue keys the page
    translates, except `reason` when `reason_is_code` is false (words a user wrote: an emergency reason)."""

    seq: int
    occurred_at: datetime
    username: str
    user_name: str | None  # the account's display name; None when no account has the username
    role: str
    unit: str | None
    organization: str | None
    purpose: str
    action: str
    outcome: str  # the code (allowed, denied, emergency), for the tag's colour
    outcome_text: str
    patient_id: uuid.UUID | None  # for links only, never shown
    patient: ReviewedPerson | None
    reason: str | None
    reason_is_code: bool


@dataclass(frozen=True)
class LogPage:
    rows: list[LogRow]
    total: int
    patient: ReviewedPerson | None  # the patient filtered by
    notice: str | None = None  # why nothing can match (an English catalogue key)


def reason_words(reason: str | None) -> tuple[str | None, bool]:
    """(text, is a catalogue key): a reason code in words, or the words a user wrote as they are."""
    if not reason:
        return None, False
    text = consent_service.REASON_TEXT.get(reason) or events.REASON_TEXT.get(reason)
    return (text, True) if text else (reason, False)


def search_log(session: Session, *, actor: Actor, query: LogQuery) -> LogPage:
    """A page of the audit trail, newest first, with names instead of ids. Only the log reviewer; a
    personnummer that is not well formed raises `Invalid` (patients.identity's reason)."""
    if actor.role is not Role.LOG_REVIEWER:
        audit_service.refuse(
            session,
            actor=actor,
            action=AuditAction.LOG_READ,
            reason="role_not_permitted",
            message="only a log reviewer may read the audit log",
        )
    person_id = query.patient_id
    if person_id is None and query.personnummer.strip():
        person_id = patients_service.person_id_for_log_review(
            session, actor=actor, identifier=query.personnummer, action=AuditAction.PATIENT_NAMES_READ
        )
        if person_id is None:
            return LogPage(rows=[], total=0, patient=None, notice="No patient has this personnummer.")
    notice = None
    usernames, typed = None, query.user.strip().lower()[:64] or None
    if typed:
        usernames = tuple(accounts_service.usernames_matching(session, typed))
    unit_ids = None
    if query.unit.strip():
        unit_ids = tuple(org_service.unit_ids_named(session, query.unit))
        if not unit_ids:
            notice = "No unit's name contains this text."
    flt = audit_service.AuditFilter(
        patient_id=person_id,
        usernames=usernames,
        username_contains=typed,
        unit_ids=unit_ids,
        since=query.since,
        until=query.until,
        outcome=query.outcome,
        limit=query.limit,
        offset=query.offset,
    )
    events_found, total = audit_service.search(session, actor=actor, flt=flt)
    persons = patients_service.names_for_log_review(
        session,
        actor=actor,
        person_ids={e.patient_id for e in events_found if e.patient_id}
        | ({person_id} if person_id else set()),
        action=AuditAction.PATIENT_NAMES_READ,
    )
    names = accounts_service.display_names(session, {e.username for e in events_found})
    units = org_service.get_units(session, {e.unit_id for e in events_found if e.unit_id})
    rows = []
    for e in events_found:
        unit = units.get(e.unit_id) if e.unit_id else None
        reason, reason_is_code = reason_words(e.reason)
        rows.append(
            LogRow(
                seq=e.seq,
                occurred_at=e.occurred_at,
                username=e.username,
                user_name=names.get(e.username),
                role=events.ROLE_TEXT.get(e.role, e.role),
                unit=unit.name if unit else None,
                organization=unit.organization_name if unit else None,
                purpose=events.PURPOSE_TEXT.get(e.purpose, e.purpose),
                action=events.ACTION_TEXT.get(e.action, e.action),
                outcome=e.outcome,
                outcome_text=events.OUTCOME_TEXT.get(e.outcome, e.outcome),
                patient_id=e.patient_id,
                patient=persons.get(e.patient_id) if e.patient_id else None,
                reason=reason,
                reason_is_code=reason_is_code,
            )
        )
    return LogPage(
        rows=rows, total=total, patient=persons.get(person_id) if person_id else None, notice=notice
    )
