"""The notices' use cases: the unit's undelivered notices and re-sending one, and the worker's side of the
outbox (claim, letter, record the delivery, deliver). Reached through `contacts.service`, which re-exports them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from naravard.actor import Actor, Role
from naravard.audit import service as audit_service
from naravard.consent import service as consent_service
from naravard.contacts import notices, rules
from naravard.contacts.actions import ContactAction
from naravard.contacts.guards import flush_versioned as _flush_versioned
from naravard.contacts.guards import manager as _manager
from naravard.contacts.guards import open_person as _open
from naravard.contacts.guards import own_unit as _own_unit
from naravard.contacts.models import (
    FixedContact,
    Listing,
    Notice,
    NoticeStatus,
)
from naravard.contacts.schemas import (
    NoticeOut,
)
from naravard.db import utcnow
from naravard.errors import BusinessRule, Conflict, NotFound
from naravard.patients import service as patients_service

# --- Notices -------------------------------------------------------------------------------------------------------


def _notice_outs(session: Session, rows: list[Notice], names: dict[uuid.UUID, str]) -> list[NoticeOut]:
    return [
        NoticeOut(
            id=n.id,
            person_id=n.person_id,
            person_name=names.get(n.person_id),
            fixed_contact_id=n.fixed_contact_id,
            event=n.event,
            channel=n.channel,
            status=n.status,
            attempts=n.attempts,
            last_error=n.last_error,
            created_at=n.created_at,
            delivered_at=n.delivered_at,
            version=n.version,
        )
        for n in rows
    ]


def undelivered_notices(
    session: Session, *, actor: Actor, unit_id: uuid.UUID, limit: int = 200
) -> list[NoticeOut]:
    """The unit's notices not delivered (failed after the last try, or still waiting), oldest first."""
    _own_unit(session, actor, unit_id, ContactAction.NOTICE_LIST)
    listed = rules.listed_ids(unit_id)
    rows = list(
        session.scalars(
            select(Notice)
            .where(Notice.person_id.in_(listed), Notice.status != NoticeStatus.DELIVERED.value)
            .order_by(Notice.created_at)
            .limit(limit)
        )
    )
    briefs = patients_service.visible_briefs(
        session,
        actor=actor,
        person_ids=select(Listing.person_id).where(Listing.person_id.in_([n.person_id for n in rows])),
    )
    rows = [n for n in rows if n.person_id in briefs]
    audit_service.record(
        session,
        actor=actor,
        action=ContactAction.NOTICE_LIST,
        detail={"unit_id": str(unit_id), "rows": len(rows)},
    )
    return _notice_outs(session, rows, {pid: b.name for pid, b in briefs.items()})


def resend_notice(session: Session, *, actor: Actor, notice_id: uuid.UUID, version: int) -> NoticeOut:
    """Queue an undelivered notice again (a failed one gets a fresh set of tries); a stale version is a conflict."""
    unit = _manager(session, actor, ContactAction.NOTICE_RESEND)
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("no notice %(id)s", params={"id": notice_id})
    grant, brief = _open(
        session, actor, notice.person_id, consent_service.Access.WRITE, ContactAction.NOTICE_RESEND
    )
    listing = rules.active_listing(session, notice.person_id)
    if listing is None or listing.unit_id != unit:
        raise BusinessRule("notice_other_unit: only the listing unit's manager re-sends a notice")
    if notice.status == NoticeStatus.DELIVERED.value:
        raise Conflict("the notice was delivered already")
    if notice.version != version:
        raise Conflict("the notice was changed by someone else; reload and try again")
    notice.status = NoticeStatus.PENDING.value
    notice.attempts = 0
    notice.next_attempt_at = utcnow()
    notice.last_error = None
    _flush_versioned(session)
    grant.record(detail={"notice_id": str(notice.id)})
    return _notice_outs(session, [notice], {notice.person_id: brief.name})[0]


def claim_notices(
    session: Session, *, actor: Actor, now: datetime | None = None, limit: int = 100
) -> list[uuid.UUID]:
    """The worker's first step (a transaction of its own): mark due notices `sending`, a versioned update each,
    so a notice claimed by another worker meanwhile is skipped rather than sent twice."""
    _system(session, actor, ContactAction.NOTICE_DELIVER)
    now = now or utcnow()
    due = list(
        session.scalars(
            select(Notice)
            .where(Notice.status == NoticeStatus.PENDING.value, Notice.next_attempt_at <= now)
            .order_by(Notice.next_attempt_at)
            .limit(limit)
        )
    )
    claimed = []
    for n in due:
        try:
            with session.begin_nested():
                n.status = NoticeStatus.SENDING.value
                session.flush()
            claimed.append(n.id)
        except StaleDataError:
            continue
    return claimed


def _system(session: Session, actor: Actor, action: ContactAction) -> None:
    if actor.role is not Role.SYSTEM:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="the delivery worker runs as a batch job",
        )


def letter_for(
    session: Session, *, actor: Actor, notice_id: uuid.UUID, today: date | None = None
) -> notices.Letter:
    """The letter a notice carries (the worker's, and a manager's preview)."""
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("no notice %(id)s", params={"id": notice_id})
    contact = session.get(FixedContact, notice.fixed_contact_id)
    assert contact is not None
    brief = patients_service.brief_for_grant(session, notice.person_id)
    out = rules.outs(session, [contact])[0]
    lines = [x for x in (brief.address, f"{brief.postal_code or ''} {brief.city or ''}".strip()) if x]
    return notices.Letter(
        notice_id=notice.id,
        event=notice.event,
        patient_name=brief.name,
        address_lines=lines,
        kind=contact.kind,
        practitioner_name=out.practitioner_name,
        profession=out.profession,
        unit_name=out.unit_name,
        organization_name=out.organization_name,
        valid_from=contact.valid_from,
        valid_to=contact.valid_to,
        today=today or date.today(),
    )


def record_delivery(
    session: Session,
    *,
    actor: Actor,
    notice_id: uuid.UUID,
    ref: str | None,
    error: str | None,
    now: datetime | None = None,
) -> str:
    """The worker's last step for one notice (a transaction of its own): delivered (the fixed contact records
    when and how the patient was informed), or failed (back-off, then `failed` after the last try)."""
    _system(session, actor, ContactAction.NOTICE_DELIVER)
    now = now or utcnow()
    notice = session.get(Notice, notice_id)
    if notice is None or notice.status != NoticeStatus.SENDING.value:
        return "skipped"
    notice.attempts += 1
    if error is None:
        notice.status = NoticeStatus.DELIVERED.value
        notice.delivered_at = now
        notice.delivery_ref = (ref or "")[:100] or None
        contact = session.get(FixedContact, notice.fixed_contact_id)
        if contact is not None and notice.event != "ended" and contact.informed_at is None:
            contact.informed_at, contact.informed_how = now, notice.channel
        audit_service.record(
            session,
            actor=actor,
            action=ContactAction.NOTICE_DELIVER,
            patient_id=notice.person_id,
            detail={"notice_id": str(notice.id), "channel": notice.channel},
        )
    else:
        notice.last_error = error[:500]
        if notice.attempts >= notices.MAX_ATTEMPTS:
            notice.status = NoticeStatus.FAILED.value
        else:
            notice.status = NoticeStatus.PENDING.value
            notice.next_attempt_at = now + notices.backoff(notice.attempts)
        audit_service.record(
            session,
            actor=actor,
            action=ContactAction.NOTICE_FAIL,
            patient_id=notice.person_id,
            detail={"notice_id": str(notice.id), "attempts": notice.attempts, "status": notice.status},
        )
    session.flush()
    return notice.status


def deliver_notices(
    unit_of_work: Callable[[], object],
    *,
    actor: Actor,
    channel: notices.Channel,
    now: datetime | None = None,
    limit: int = 100,
) -> dict[str, int]:
    """Deliver the due notices: claim them (one transaction), then each in a transaction of its own: the letter,
    the channel (the notice's id its idempotency key), the record. `unit_of_work()` opens a transaction
    (a context manager yielding a session, `db.transaction(factory)`)."""
    counts = {"delivered": 0, "pending": 0, "failed": 0, "skipped": 0}
    with unit_of_work() as session:  # type: ignore[attr-defined]
        claimed = claim_notices(session, actor=actor, now=now, limit=limit)
    for notice_id in claimed:
        ref = error = None
        with unit_of_work() as session:  # type: ignore[attr-defined]
            letter = letter_for(session, actor=actor, notice_id=notice_id)
        try:
            ref = channel.send(key=str(notice_id), letter=letter, pdf=notices.letter_pdf(letter))
        except Exception as exc:  # any failure of the channel is retried later
            error = f"{type(exc).__name__}: {exc}"
        with unit_of_work() as session:  # type: ignore[attr-defined]
            status = record_delivery(session, actor=actor, notice_id=notice_id, ref=ref, error=error, now=now)
        counts[status if status in counts else "skipped"] += 1
    return counts
