"""Coordination between units: tasks (one unit asks another to do something for a patient) and discharge
planning under lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård.

Access. Every read and write of a task or a discharge plan opens the patient through
`consent.service.open_patient` with a `CoordinationAction`, and lists go through `restrict_to_visible`
(`patients.service.visible_briefs`). On top of the policy, a task is seen by the unit that sent it, the unit
it is sent to and the care plan's coordinator; a discharge plan by the hospital unit, the municipality's
receiving unit of the patient's own municipality and the hälsocentral where the patient is listed.

How the receivers get the care relationship the policy asks for (decision, issue 16). The policy lets a
care role act on patients of its own unit: listed there, or with an active care relationship the platform
recorded. A municipality's unit holds no listing, so without more it could never open the patient a notice
is about. The law gives the relationship: an inskrivningsmeddelande obliges the receiving units to start
planning (2017:612 4 kap.), and a task sent to a unit is a referral. So the platform's own flow records
the relationship (`consent.service.record_care_relationship`, as the system actor, reason
``coordination:discharge_notice`` or ``coordination:task``) for the receiving unit when the notice or task
is sent, and for the hospital unit when it registers the admission: the policy then decides as for any
other patient of the unit (a block, a protected identity still count), and the log shows the relationship's
origin. No consent is assumed and no cross-organisation rule is bent; social services (SoL) never receive
notices (the receiving unit is the municipality's home health care, HSL).

Deadlines (domain.md 3.2): the inskrivningsmeddelande within 24 hours of admission; discharge as soon as
the patient is utskrivningsklar (the county's goal: the same day; the municipality's payment liability
starts after `READY_DAYS`); a SIP called within `SIP_DAYS` days of discharge when needs continue."""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from typing import cast as cast_type

from sqlalchemy import DateTime, Select, Uuid, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from naravard import seeding
from naravard.actor import CARE_ROLES, Actor, Purpose, Role, system_actor
from naravard.audit import service as audit_service
from naravard.careplans import service as careplans_service
from naravard.careplans.schemas import ActivityRef
from naravard.consent import service as consent_service
from naravard.contacts import service as contacts_service
from naravard.coordination.actions import CoordinationAction
from naravard.coordination.models import (
    Discharge,
    DischargeEvent,
    DischargeStatus,
    Task,
    TaskEvent,
    TaskPriority,
    TaskStatus,
)
from naravard.coordination.schemas import (
    AdmissionExportRow,
    AdmissionIn,
    DischargeEventOut,
    DischargeMessageIn,
    DischargeOut,
    DischargeStepIn,
    Figures,
    ImportProblem,
    ImportReport,
    TaskChange,
    TaskEventOut,
    TaskIn,
    TaskOut,
    WorkItem,
    Worklist,
)
from naravard.db import utcnow
from naravard.errors import Conflict, Invalid, NotFound, PreconditionFailed
from naravard.notifications import service as notifications_service
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service

NOTICE_HOURS = 24  # the inskrivningsmeddelande, from admission (prop. 2016/17:106)
READY_DAYS = 3  # utskrivningsklar to discharge before the municipality's payment liability (domain.md 3.2)
SIP_DAYS = 3  # the SIP called within three days of discharge when needs continue (domain.md 3.2)
WORKLIST_SHOWN = 200  # the most rows one page may ask for
WORKLIST_PAGE = 50
PLATFORM_SENDER = "naravard"
HOSPITAL_KIND = "hospital_clinic"
MUNICIPAL_RECEIVER_KIND = "home_health_care"
HEALTH_CENTRE_KIND = "health_centre"

# --- State machines ---------------------------------------------------------------------------------------

TASK_TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.NEW: frozenset({TaskStatus.ACCEPTED, TaskStatus.DECLINED, TaskStatus.REASSIGNED}),
    # a reassigned task is new at its new unit
    TaskStatus.REASSIGNED: frozenset({TaskStatus.ACCEPTED, TaskStatus.DECLINED, TaskStatus.REASSIGNED}),
    TaskStatus.ACCEPTED: frozenset({TaskStatus.DONE, TaskStatus.REASSIGNED}),
    TaskStatus.DECLINED: frozenset(),
    TaskStatus.DONE: frozenset(),
}
OPEN_TASK = (TaskStatus.NEW, TaskStatus.REASSIGNED, TaskStatus.ACCEPTED)


class DischargeStep(StrEnum):
    PLANNED_DATE = "planned_date"  # the hospital: the planned discharge date
    READY = "ready"  # the hospital: utskrivningsklar
    ACCEPT = "accept"  # the municipality: accepted, and what it will provide
    FAST_VARDKONTAKT = "fast_vardkontakt"  # the hälsocentral names the patient's fast vårdkontakt
    DISCHARGE = "discharge"  # the hospital
    SIP = "sip"  # the hälsocentral (or the municipality) calls a SIP


DISCHARGE_TRANSITIONS: dict[DischargeStatus, frozenset[DischargeStatus]] = {
    DischargeStatus.NOTIFIED: frozenset(
        {DischargeStatus.READY, DischargeStatus.ACCEPTED, DischargeStatus.DISCHARGED}
    ),
    DischargeStatus.READY: frozenset({DischargeStatus.ACCEPTED, DischargeStatus.DISCHARGED}),
    DischargeStatus.ACCEPTED: frozenset({DischargeStatus.READY, DischargeStatus.DISCHARGED}),
    DischargeStatus.DISCHARGED: frozenset({DischargeStatus.SIP_CALLED}),
    DischargeStatus.SIP_CALLED: frozenset(),
    DischargeStatus.CLOSED: frozenset(),
}
OPEN_DISCHARGE = (DischargeStatus.NOTIFIED, DischargeStatus.READY, DischargeStatus.ACCEPTED)
# which step leads to which status (None: a step that keeps the status)
STEP_STATUS: dict[DischargeStep, DischargeStatus | None] = {
    DischargeStep.PLANNED_DATE: None,
    DischargeStep.READY: DischargeStatus.READY,
    DischargeStep.ACCEPT: DischargeStatus.ACCEPTED,
    DischargeStep.FAST_VARDKONTAKT: None,
    DischargeStep.DISCHARGE: DischargeStatus.DISCHARGED,
    DischargeStep.SIP: DischargeStatus.SIP_CALLED,
}
STEP_ROLE: dict[DischargeStep, str] = {
    DischargeStep.PLANNED_DATE: "hospital",
    DischargeStep.READY: "hospital",
    DischargeStep.ACCEPT: "municipality",
    DischargeStep.FAST_VARDKONTAKT: "health_centre",
    DischargeStep.DISCHARGE: "hospital",
    DischargeStep.SIP: "health_centre",
}


def _illegal(current: str, target: str) -> Conflict:
    return Conflict(
        "cannot go from %(current)s to %(target)s",
        field="status",
        params={"current": current, "target": target},
    )


# --- Shared helpers -------------------------------------------------------------------------------------


def _now() -> datetime:
    return utcnow()


def _today() -> date:
    return _now().date()


def _require_care_role(session: Session, actor: Actor, action: CoordinationAction) -> uuid.UUID:
    if actor.role not in CARE_ROLES or actor.unit_id is None:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="only care staff of a unit coordinate care between units",
        )
    assert actor.unit_id is not None
    return actor.unit_id


def _relate(session: Session, *, person_id: uuid.UUID, unit_id: uuid.UUID, reason: str) -> None:
    """The care relationship the flow gives a receiving unit (see the module's docstring), once."""
    related = consent_service.care_relationship_units(session, person_ids=select(literal(person_id, Uuid())))
    if unit_id in related.get(person_id, set()):
        return
    consent_service.record_care_relationship(
        session, actor=system_actor("coordination"), person_id=person_id, unit_id=unit_id, reason=reason
    )


def _open(
    session: Session,
    actor: Actor,
    person_id: uuid.UUID,
    access: consent_service.Access,
    action: CoordinationAction,
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


def _check_version(current: int, base: int | None) -> None:
    if base is not None and base != current:
        raise PreconditionFailed(
            "the item has changed since version %(base)s; the current version is %(current)s",
            field="version",
            params={"base": base, "current": current},
        )


def _unit_names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    units = org_service.get_units(session, {i for i in ids if i is not None})
    return {k: v.name for k, v in units.items()}


def _percentile(values: list[int], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- Tasks --------------------------------------------------------------------------------------------------


def _task_overdue(task: Task, today: date) -> bool:
    return task.status in OPEN_TASK and task.due_date < today


def _task_out(task: Task, names: dict[uuid.UUID, str], patient: str | None = None) -> TaskOut:
    return TaskOut(
        id=task.id,
        person_id=task.person_id,
        patient_name=patient,
        from_unit_id=task.from_unit_id,
        from_unit_name=names.get(task.from_unit_id, ""),
        to_unit_id=task.to_unit_id,
        to_unit_name=names.get(task.to_unit_id, ""),
        to_practitioner_id=task.to_practitioner_id,
        what=task.what,
        why=task.why,
        due_date=task.due_date,
        priority=task.priority,
        careplan_id=task.careplan_id,
        activity_id=task.activity_id,
        activity_text=task.activity_text,
        coordinator_user_id=task.coordinator_user_id,
        status=task.status,
        status_reason=task.status_reason,
        overdue=_task_overdue(task, _today()),
        created_at=task.created_at,
        updated_at=task.updated_at,
        version=task.version,
    )


def _clean_text(value: str, field: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise Invalid("%(field)s must not be empty", field=field, params={"field": field})
    return text


def _task_event(
    session: Session, task: Task, actor: Actor, *, from_status: str | None, note: str | None
) -> None:
    session.add(
        TaskEvent(
            task_id=task.id,
            version=task.version,
            from_status=from_status,
            to_status=task.status,
            to_unit_id=task.to_unit_id,
            note=note,
            at=task.updated_at,
            by_user_id=actor.user_id,
            by_username=actor.username,
            by_unit_id=actor.unit_id,
        )
    )


def _activity(session: Session, actor: Actor, activity_id: uuid.UUID) -> ActivityRef:
    """The care plan activity a task comes from (read, and audited, as a plan read by careplans)."""
    return careplans_service.activity_ref(session, actor=actor, activity_id=activity_id)


def create_task(session: Session, *, actor: Actor, data: TaskIn) -> TaskOut:
    """Send a task to another unit (or a practitioner there) about a patient; notifies the receiving unit."""
    from_unit = _require_care_role(session, actor, CoordinationAction.TASK_CREATE)
    to_unit = org_service.get_unit(session, data.to_unit_id)
    if to_unit.id == from_unit:
        raise Invalid("a task goes to another unit than your own", field="to_unit_id")
    if data.due_date < _today():
        raise Invalid("the due date must not be in the past", field="due_date")
    person_id = _person_for(session, data)
    grant, brief = _open(
        session, actor, person_id, consent_service.Access.WRITE, CoordinationAction.TASK_CREATE
    )
    careplan_id = activity_text = coordinator = None
    if data.activity_id is not None:
        ref = _activity(session, actor, data.activity_id)
        if ref.person_id != person_id:
            raise Invalid("the activity belongs to another patient's plan", field="activity_id")
        careplan_id, activity_text, coordinator = ref.plan_id, ref.text[:500], ref.coordinator_user_id
    now = _now()
    task = Task(
        person_id=person_id,
        from_unit_id=from_unit,
        from_user_id=actor.user_id,
        to_unit_id=to_unit.id,
        to_practitioner_id=data.to_practitioner_id,
        what=_clean_text(data.what, "what"),
        why=_clean_text(data.why, "why"),
        due_date=data.due_date,
        priority=TaskPriority(data.priority).value,
        careplan_id=careplan_id,
        activity_id=data.activity_id,
        activity_text=activity_text,
        coordinator_user_id=coordinator,
        status=TaskStatus.NEW.value,
        created_at=now,
        updated_at=now,
        version=1,
    )
    session.add(task)
    session.flush()
    _task_event(session, task, actor, from_status=None, note=None)
    _relate(session, person_id=person_id, unit_id=to_unit.id, reason="coordination:task")
    names = _unit_names(session, {from_unit, to_unit.id})
    notifications_service.notify(
        session,
        actor=actor,
        kind="coordination.task",
        subject="New task from another unit",
        body=f"{names.get(from_unit, '')} → {to_unit.name}",
        to_unit_id=to_unit.id,
        link=f"/samordning/uppdrag/{task.id}",
        due=data.due_date,
    )
    grant.record(detail={"task_id": str(task.id), "to_unit_id": str(to_unit.id)})
    return _task_out(task, names, brief.name)


def _get_task(session: Session, task_id: uuid.UUID, *, lock: bool = False) -> Task:
    stmt = select(Task).where(Task.id == task_id)
    if lock:
        stmt = stmt.with_for_update()
    task = session.scalars(stmt).first()
    if task is None:
        raise NotFound("no such task")
    return task


def _may_see_task(actor: Actor, task: Task) -> bool:
    return actor.unit_id in (task.from_unit_id, task.to_unit_id) or (
        actor.user_id is not None and actor.user_id == task.coordinator_user_id
    )


def _refuse_task(session: Session, actor: Actor, task: Task, action: CoordinationAction) -> None:
    audit_service.refuse(
        session,
        actor=actor,
        action=action,
        reason="not_party",
        message="the task is neither sent to nor sent by your unit",
        patient_id=task.person_id,
    )


def get_task(session: Session, *, actor: Actor, task_id: uuid.UUID) -> TaskOut:
    """One task with its history, for the sending unit, the receiving unit and the plan's coordinator."""
    _require_care_role(session, actor, CoordinationAction.TASK_READ)
    task = _get_task(session, task_id)
    if not _may_see_task(actor, task):
        _refuse_task(session, actor, task, CoordinationAction.TASK_READ)
    grant, brief = _open(
        session, actor, task.person_id, consent_service.Access.READ, CoordinationAction.TASK_READ
    )
    events = list(
        session.scalars(select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.version))
    )
    names = _unit_names(session, {task.from_unit_id, task.to_unit_id, *(e.to_unit_id for e in events)})
    out = _task_out(task, names, brief.name)
    out.events = [
        TaskEventOut(
            version=e.version,
            from_status=e.from_status,
            to_status=e.to_status,
            to_unit_id=e.to_unit_id,
            to_unit_name=names.get(e.to_unit_id, ""),
            note=e.note,
            at=e.at,
            by_username=e.by_username,
        )
        for e in events
    ]
    grant.record(detail={"task_id": str(task.id)})
    return out


def change_task(
    session: Session, *, actor: Actor, task_id: uuid.UUID, change: TaskChange, base_version: int | None
) -> TaskOut:
    """Accept, decline (with a reason), reassign (to another unit) or mark done: the receiving unit's acts.
    An illegal transition is a Conflict naming both states; an outdated base version is PreconditionFailed."""
    _require_care_role(session, actor, CoordinationAction.TASK_CHANGE)
    task = _get_task(session, task_id, lock=True)
    if actor.unit_id != task.to_unit_id:
        if _may_see_task(actor, task):
            raise Conflict("only the receiving unit changes the task's status", field="status")
        _refuse_task(session, actor, task, CoordinationAction.TASK_CHANGE)
    grant, brief = _open(
        session, actor, task.person_id, consent_service.Access.WRITE, CoordinationAction.TASK_CHANGE
    )
    _check_version(task.version, base_version)
    current = TaskStatus(task.status)
    target = TaskStatus(change.to)
    if target not in TASK_TRANSITIONS[current]:
        raise _illegal(current.value, target.value)
    reason = " ".join((change.reason or "").split()) or None
    if target is TaskStatus.DECLINED and not reason:
        raise Invalid("a declined task needs a reason", field="reason")
    new_unit = None
    if target is TaskStatus.REASSIGNED:
        if change.to_unit_id is None or change.to_unit_id == task.to_unit_id:
            raise Invalid("a reassigned task needs another unit", field="to_unit_id")
        new_unit = org_service.get_unit(session, change.to_unit_id)
    task.status = target.value
    task.status_reason = (
        reason if target in (TaskStatus.DECLINED, TaskStatus.REASSIGNED) else task.status_reason
    )
    task.version += 1
    task.updated_at = _now()
    if new_unit is not None:
        task.to_unit_id = new_unit.id
        task.to_practitioner_id = None
        _relate(session, person_id=task.person_id, unit_id=new_unit.id, reason="coordination:task")
    session.flush()
    _task_event(session, task, actor, from_status=current.value, note=reason)
    names = _unit_names(session, {task.from_unit_id, task.to_unit_id})
    link = f"/samordning/uppdrag/{task.id}"
    if new_unit is not None:
        notifications_service.notify(
            session,
            actor=actor,
            kind="coordination.task",
            subject="New task from another unit",
            body=f"{names.get(task.from_unit_id, '')} → {new_unit.name}",
            to_unit_id=new_unit.id,
            link=link,
            due=task.due_date,
        )
    if target in (TaskStatus.DECLINED, TaskStatus.DONE):
        notifications_service.notify(
            session,
            actor=actor,
            kind="coordination.task_status",
            subject="A task you sent was declined"
            if target is TaskStatus.DECLINED
            else "A task you sent is done",
            body=f"{names.get(task.to_unit_id, '')}",
            to_unit_id=task.from_unit_id,
            link=link,
        )
    grant.record(detail={"task_id": str(task.id), "from": current.value, "to": target.value})
    return _task_out(task, names, brief.name)


# --- Discharge planning (2017:612) --------------------------------------------------------------------------


def _late(d: Any, today: date) -> list[str]:
    late: list[str] = []
    if d.notice_sent_at - d.admitted_at > timedelta(hours=NOTICE_HOURS):
        late.append("notice_24h")
    if d.ready_date is not None:
        end = d.discharge_date or today
        if (end - d.ready_date).days > READY_DAYS or (
            d.discharge_date is None and (today - d.ready_date).days > READY_DAYS
        ):
            late.append("ready_not_discharged")
    if d.discharge_date is not None and d.needs_continue:
        deadline = d.discharge_date + timedelta(days=SIP_DAYS)
        if (d.sip_date is None and today > deadline) or (d.sip_date is not None and d.sip_date > deadline):
            late.append("sip_3_days")
    return late


def _days(d: Discharge) -> int | None:
    if d.ready_date is None or d.discharge_date is None:
        return None
    return max((d.discharge_date - d.ready_date).days, 0)


def _discharge_out(d: Discharge, names: dict[uuid.UUID, str], patient: str | None = None) -> DischargeOut:
    return DischargeOut(
        id=d.id,
        person_id=d.person_id,
        patient_name=patient,
        hospital_unit_id=d.hospital_unit_id,
        hospital_unit_name=names.get(d.hospital_unit_id, ""),
        municipality_code=d.municipality_code,
        municipality_unit_id=d.municipality_unit_id,
        municipality_unit_name=names.get(d.municipality_unit_id, ""),
        health_centre_unit_id=d.health_centre_unit_id,
        health_centre_unit_name=names.get(d.health_centre_unit_id, "") if d.health_centre_unit_id else "",
        sender=d.sender,
        sender_message_id=d.sender_message_id,
        admitted_at=d.admitted_at,
        planned=d.planned,
        notice_sent_at=d.notice_sent_at,
        planned_discharge_date=d.planned_discharge_date,
        ready_date=d.ready_date,
        accepted_at=d.accepted_at,
        municipality_provides=d.municipality_provides,
        fast_vardkontakt=d.fast_vardkontakt,
        discharge_date=d.discharge_date,
        needs_continue=d.needs_continue,
        sip_date=d.sip_date,
        sip_careplan_id=d.sip_careplan_id,
        status=d.status,
        version=d.version,
        days_ready_to_discharge=_days(d),
        late=_late(d, _today()),
    )


def _names_of(session: Session, d: Discharge) -> dict[uuid.UUID, str]:
    return _unit_names(session, {d.hospital_unit_id, d.municipality_unit_id, d.health_centre_unit_id})


def _discharge_event(
    session: Session, d: Discharge, actor: Actor, *, step: str, from_status: str | None, detail: str | None
) -> None:
    session.add(
        DischargeEvent(
            discharge_id=d.id,
            version=d.version,
            step=step,
            from_status=from_status,
            to_status=d.status,
            detail=detail,
            at=d.updated_at,
            by_user_id=actor.user_id,
            by_username=actor.username,
            by_unit_id=actor.unit_id,
        )
    )


def _municipality_unit(session: Session, code: str) -> uuid.UUID:
    """The municipality's receiving unit: its home health care (HSL), never social services (SoL)."""
    for unit in org_service.list_units(session):
        if (
            unit.kind == MUNICIPAL_RECEIVER_KIND
            and unit.municipality_code == code
            and unit.organization_kind == "municipality"
        ):
            return unit.id
    raise Invalid(
        "no receiving unit of the municipality %(code)s", field="municipality_code", params={"code": code}
    )


def _existing_admission(session: Session, sender: str, message_id: str) -> Discharge | None:
    return session.scalars(
        select(Discharge).where(Discharge.sender == sender, Discharge.sender_message_id == message_id)
    ).first()


def _person_for(session: Session, data: AdmissionIn | TaskIn) -> uuid.UUID:
    if data.person_id is not None:
        return data.person_id
    if data.personnummer:
        found = patients_service.person_ids_by_identifier(session, {data.personnummer})
        if data.personnummer in found:
            return found[data.personnummer]
        raise Invalid("no patient with that personnummer", field="personnummer")
    raise Invalid("an admission names the patient (person_id or personnummer)", field="person_id")


def admit(session: Session, *, actor: Actor, data: AdmissionIn) -> tuple[DischargeOut, bool]:
    """Register an admission at the actor's hospital unit and send the inskrivningsmeddelande to the
    patient's municipality (its home health care) and hälsocentral, each notified. Idempotent by
    (sender, message id): a repeated message returns the first admission unchanged; two at once give one
    (a unique constraint, the loser's savepoint rolled back). Returns (the admission, created)."""
    unit_id = _require_care_role(session, actor, CoordinationAction.DISCHARGE_ADMIT)
    message_id = data.message_id or uuid.uuid4().hex
    sender = data.sender.strip()
    existing = _existing_admission(session, sender, message_id)
    if existing is not None:
        return _read_existing(session, actor, existing), False
    hospital = org_service.get_unit(session, unit_id)
    if hospital.kind != HOSPITAL_KIND:
        raise Invalid("admissions are registered by a hospital unit", field="unit")
    admitted_at = data.admitted_at if data.admitted_at.tzinfo else data.admitted_at.replace(tzinfo=UTC)
    now = _now()
    if admitted_at > now + timedelta(minutes=5):
        raise Invalid("the admission time must not be in the future", field="admitted_at")
    if data.planned_discharge_date is not None and data.planned_discharge_date < admitted_at.date():
        raise Invalid("the planned discharge date is before the admission", field="planned_discharge_date")
    person_id = _person_for(session, data)
    brief = patients_service.brief_for_grant(session, person_id)
    try:
        with session.begin_nested():
            # the admission is the hospital unit's care relationship (see the module's docstring)
            _relate(session, person_id=person_id, unit_id=unit_id, reason="coordination:admission")
            grant = consent_service.open_patient(
                session,
                actor=actor,
                person_id=person_id,
                protected_identity=brief.protected_identity,
                access=consent_service.Access.WRITE,
                action=CoordinationAction.DISCHARGE_ADMIT,
            )
            code = data.municipality_code or _registered_municipality(session, actor, person_id)
            municipality_unit = _municipality_unit(session, code)
            listing = contacts_service.active_listing(session, person_id)
            health_centre = listing[0] if listing else None
            d = Discharge(
                person_id=person_id,
                hospital_unit_id=unit_id,
                municipality_code=code,
                municipality_unit_id=municipality_unit,
                health_centre_unit_id=health_centre,
                sender=sender,
                sender_message_id=message_id,
                admitted_at=admitted_at,
                planned=data.planned,
                notice_sent_at=now,
                planned_discharge_date=data.planned_discharge_date,
                status=DischargeStatus.NOTIFIED.value,
                created_at=now,
                updated_at=now,
                version=1,
            )
            session.add(d)
            session.flush()
    except IntegrityError:
        again = _existing_admission(session, sender, message_id)
        if again is None:
            raise
        return _read_existing(session, actor, again), False
    _discharge_event(session, d, actor, step="admit", from_status=None, detail=None)
    _relate(session, person_id=person_id, unit_id=municipality_unit, reason="coordination:discharge_notice")
    names = _names_of(session, d)
    for receiver in (municipality_unit, health_centre):
        if receiver is None:
            continue
        notifications_service.notify(
            session,
            actor=actor,
            kind="coordination.discharge_notice",
            subject="Admission notice (inskrivningsmeddelande)",
            body=names.get(unit_id, ""),
            to_unit_id=receiver,
            link=f"/samordning/utskrivning/{d.id}",
            due=data.planned_discharge_date,
        )
    grant.record(detail={"discharge_id": str(d.id), "sender": sender, "message_id": message_id})
    return _discharge_out(d, names, brief.name), True


def _registered_municipality(session: Session, actor: Actor, person_id: uuid.UUID) -> str:
    overview = patients_service.get_overview(session, actor=actor, person_id=person_id)
    if not overview.municipality_code:
        raise Invalid(
            "the patient's municipality is not shown; give the municipality code", field="municipality_code"
        )
    return overview.municipality_code


def _read_existing(session: Session, actor: Actor, d: Discharge) -> DischargeOut:
    """A repeated message: the first admission as it is now, after the same access checks as a read."""
    if actor.unit_id != d.hospital_unit_id:
        _refuse_discharge(session, actor, d, CoordinationAction.DISCHARGE_ADMIT)
    grant, brief = _open(
        session, actor, d.person_id, consent_service.Access.READ, CoordinationAction.DISCHARGE_READ
    )
    grant.record(detail={"discharge_id": str(d.id), "repeated_message": d.sender_message_id})
    return _discharge_out(d, _names_of(session, d), brief.name)


def _party(actor: Actor, d: Discharge) -> set[str]:
    roles: set[str] = set()
    if actor.unit_id == d.hospital_unit_id:
        roles.add("hospital")
    if actor.unit_id == d.municipality_unit_id:
        roles.add("municipality")
    if d.health_centre_unit_id is not None and actor.unit_id == d.health_centre_unit_id:
        roles.add("health_centre")
    return roles


def _refuse_discharge(session: Session, actor: Actor, d: Discharge, action: CoordinationAction) -> None:
    audit_service.refuse(
        session,
        actor=actor,
        action=action,
        reason="not_party",
        message="the discharge plan is not your unit's",
        patient_id=d.person_id,
    )


def _get_discharge(session: Session, discharge_id: uuid.UUID, *, lock: bool = False) -> Discharge:
    stmt = select(Discharge).where(Discharge.id == discharge_id)
    if lock:
        stmt = stmt.with_for_update()
    d = session.scalars(stmt).first()
    if d is None:
        raise NotFound("no such discharge plan")
    return d


def get_discharge(session: Session, *, actor: Actor, discharge_id: uuid.UUID) -> DischargeOut:
    _require_care_role(session, actor, CoordinationAction.DISCHARGE_READ)
    d = _get_discharge(session, discharge_id)
    if not _party(actor, d):
        _refuse_discharge(session, actor, d, CoordinationAction.DISCHARGE_READ)
    grant, brief = _open(
        session, actor, d.person_id, consent_service.Access.READ, CoordinationAction.DISCHARGE_READ
    )
    out = _discharge_out(d, _names_of(session, d), brief.name)
    out.events = [
        DischargeEventOut(
            version=e.version,
            step=e.step,
            from_status=e.from_status,
            to_status=e.to_status,
            detail=e.detail,
            at=e.at,
            by_username=e.by_username,
        )
        for e in session.scalars(
            select(DischargeEvent).where(DischargeEvent.discharge_id == d.id).order_by(DischargeEvent.version)
        )
    ]
    grant.record(detail={"discharge_id": str(d.id)})
    return out


def _need_date(step: DischargeStepIn) -> date:
    if step.on is None:
        raise Invalid("the step needs a date", field="on")
    return step.on


def record_step(
    session: Session,
    *,
    actor: Actor,
    discharge_id: uuid.UUID,
    step: DischargeStepIn,
    base_version: int | None,
) -> DischargeOut:
    """One step of the discharge planning by the party whose step it is (the hospital, the municipality's
    receiving unit, the hälsocentral). Each step is done once; an illegal order is a Conflict naming both
    states; an outdated base version is PreconditionFailed."""
    _require_care_role(session, actor, CoordinationAction.DISCHARGE_CHANGE)
    try:
        kind = DischargeStep(step.step)
    except ValueError:
        raise Invalid("unknown step %(step)r", field="step", params={"step": step.step}) from None
    d = _get_discharge(session, discharge_id, lock=True)
    parties = _party(actor, d)
    if not parties:
        _refuse_discharge(session, actor, d, CoordinationAction.DISCHARGE_CHANGE)
    if STEP_ROLE[kind] not in parties and not (kind is DischargeStep.SIP and "municipality" in parties):
        raise Conflict("this step is not your unit's to record", field="step")
    grant, brief = _open(
        session, actor, d.person_id, consent_service.Access.WRITE, CoordinationAction.DISCHARGE_CHANGE
    )
    _check_version(d.version, base_version)
    current = DischargeStatus(d.status)
    target = STEP_STATUS[kind]
    if target is not None and target not in DISCHARGE_TRANSITIONS[current]:
        raise _illegal(current.value, target.value)
    if target is None and current not in OPEN_DISCHARGE and kind is DischargeStep.PLANNED_DATE:
        raise _illegal(current.value, current.value)
    detail = _apply(d, kind, step)
    if target is DischargeStatus.DISCHARGED and not d.needs_continue:
        target = DischargeStatus.CLOSED
    d.status = (target or current).value
    d.version += 1
    d.updated_at = _now()
    session.flush()
    _discharge_event(session, d, actor, step=kind.value, from_status=current.value, detail=detail)
    names = _names_of(session, d)
    if kind is DischargeStep.READY:
        notifications_service.notify(
            session,
            actor=actor,
            kind="coordination.ready",
            subject="A patient is ready for discharge (utskrivningsklar)",
            body=names.get(d.hospital_unit_id, ""),
            to_unit_id=d.municipality_unit_id,
            link=f"/samordning/utskrivning/{d.id}",
            due=d.ready_date,
        )
    grant.record(
        detail={"discharge_id": str(d.id), "step": kind.value, "from": current.value, "to": d.status}
    )
    return _discharge_out(d, names, brief.name)


def _apply(d: Discharge, kind: DischargeStep, step: DischargeStepIn) -> str | None:
    """Writes the step's facts on the plan; a step already done is a Conflict."""
    now = _now()
    if kind is DischargeStep.PLANNED_DATE:
        on = _need_date(step)
        if on < d.admitted_at.date():
            raise Invalid("the planned discharge date is before the admission", field="on")
        d.planned_discharge_date = on
        return on.isoformat()
    if kind is DischargeStep.READY:
        on = _need_date(step)
        if on < d.admitted_at.date():
            raise Invalid("the utskrivningsklar date is before the admission", field="on")
        if d.ready_date is not None:
            raise Conflict("the step is already recorded", field="step")
        d.ready_date, d.ready_at = on, now
        return on.isoformat()
    if kind is DischargeStep.ACCEPT:
        if d.accepted_at is not None:
            raise Conflict("the step is already recorded", field="step")
        d.accepted_at = now
        d.municipality_provides = _clean_text(step.text or "", "text")
        return d.municipality_provides
    if kind is DischargeStep.FAST_VARDKONTAKT:
        if d.status in (DischargeStatus.SIP_CALLED, DischargeStatus.CLOSED):
            raise _illegal(d.status, d.status)
        d.fast_vardkontakt = _clean_text(step.text or "", "text")[:200]
        d.fast_vardkontakt_at = now
        return d.fast_vardkontakt
    if kind is DischargeStep.DISCHARGE:
        on = _need_date(step)
        if on < d.admitted_at.date() or (d.ready_date is not None and on < d.ready_date):
            raise Invalid("the discharge date is before the admission or utskrivningsklar", field="on")
        d.discharge_date, d.discharged_at = on, now
        d.needs_continue = bool(step.needs_continue)
        return on.isoformat()
    # SIP
    if not d.needs_continue:
        raise Conflict("a SIP is called when needs continue after discharge", field="step")
    on = _need_date(step)
    d.sip_date = on
    d.sip_careplan_id = step.careplan_id
    return on.isoformat()


def discharge_message(
    session: Session, *, actor: Actor, data: DischargeMessageIn
) -> tuple[DischargeOut, bool]:
    """A records system's discharge for an admission it sent: utskrivningsklar (if given and not recorded)
    and the discharge. Repeating it changes nothing (returns (plan, False)); a different discharge date for
    a discharged patient is a Conflict."""
    _require_care_role(session, actor, CoordinationAction.DISCHARGE_CHANGE)
    d = _existing_admission(session, data.sender.strip(), data.admission_message_id)
    if d is None:
        raise NotFound("no admission with that message id from that sender")
    if d.discharge_date is not None:
        if d.discharge_date != data.discharge_date:
            raise Conflict("the patient is already discharged on another date", field="discharge_date")
        return _read_existing(session, actor, d), False
    if data.ready_date is not None and d.ready_date is None:
        record_step(
            session,
            actor=actor,
            discharge_id=d.id,
            step=DischargeStepIn(step=DischargeStep.READY.value, on=data.ready_date),
            base_version=None,
        )
    out = record_step(
        session,
        actor=actor,
        discharge_id=d.id,
        step=DischargeStepIn(
            step=DischargeStep.DISCHARGE.value, on=data.discharge_date, needs_continue=data.needs_continue
        ),
        base_version=None,
    )
    return out, True


# --- Worklists and figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorklistFilter:
    patient: str = ""  # a whole personnummer, or the start of a name (given or family)
    kind: str = ""  # task or discharge
    status: str = ""
    only_late: bool = False
    offset: int = 0  # paging: the first row shown
    limit: int = WORKLIST_PAGE


def _discharge_waits_for(d: Any, unit_id: uuid.UUID) -> bool:
    if unit_id == d.municipality_unit_id:
        return d.accepted_at is None and d.status in OPEN_DISCHARGE
    if unit_id == d.health_centre_unit_id:
        return (d.fast_vardkontakt is None and d.status in OPEN_DISCHARGE) or (
            d.status == DischargeStatus.DISCHARGED and bool(d.needs_continue) and d.sip_date is None
        )
    if unit_id == d.hospital_unit_id:
        return d.status in OPEN_DISCHARGE and (d.ready_date is None or d.discharge_date is None)
    return False


def _open_tasks_where(unit_id: uuid.UUID, coordinator_id: uuid.UUID | None = None) -> tuple[Any, ...]:
    """Open tasks sent to or by the unit, and (on the coordinator's own worklist) those from their plans."""
    return (
        or_(
            Task.to_unit_id == unit_id,
            Task.from_unit_id == unit_id,
            Task.coordinator_user_id == coordinator_id if coordinator_id is not None else literal(False),
        ),
        Task.status.in_([s.value for s in OPEN_TASK]),
    )


def _discharges_where(unit_id: uuid.UUID) -> tuple[Any, ...]:
    return (
        or_(
            Discharge.municipality_unit_id == unit_id,
            Discharge.hospital_unit_id == unit_id,
            Discharge.health_centre_unit_id == unit_id,
        ),
        or_(
            Discharge.status.in_([s.value for s in OPEN_DISCHARGE]),
            (Discharge.status == DischargeStatus.DISCHARGED.value) & Discharge.sip_date.is_(None),
        ),
    )


# what the worklist needs of a discharge plan: plain rows, not ORM objects (5,000 open items, issue 16's bench)
_WORKLIST_COLUMNS = (
    Discharge.id,
    Discharge.person_id,
    Discharge.status,
    Discharge.hospital_unit_id,
    Discharge.municipality_unit_id,
    Discharge.health_centre_unit_id,
    Discharge.admitted_at,
    Discharge.notice_sent_at,
    Discharge.planned_discharge_date,
    Discharge.ready_date,
    Discharge.accepted_at,
    Discharge.fast_vardkontakt,
    Discharge.discharge_date,
    Discharge.needs_continue,
    Discharge.sip_date,
)


def _day_diff(dialect: str, later: Any, earlier: Any) -> Any:
    """`later - earlier` in days (a float) as SQL, on both databases: the deadlines of `_late` in the query."""
    if dialect == "postgresql":
        return func.extract("epoch", cast(later, DateTime) - cast(earlier, DateTime)) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


# 24 hours in days, with a margin of a tenth of a second for the floating point of julianday/epoch arithmetic
_NOTICE_DAYS = NOTICE_HOURS / 24 + 1e-6


def _discharge_late_sql(dialect: str, today: date) -> Any:
    """`bool(_late(d, today))` as SQL (1 or 0), so the worklist sorts, filters and counts late plans in the
    database; `_late` still names the reasons for the rows on the page."""
    ready_limit = today - timedelta(days=READY_DAYS)
    sip_limit = today - timedelta(days=SIP_DAYS)
    late = or_(
        _day_diff(dialect, Discharge.notice_sent_at, Discharge.admitted_at) > _NOTICE_DAYS,
        and_(
            Discharge.ready_date.is_not(None),
            Discharge.discharge_date.is_(None),
            Discharge.ready_date < ready_limit,
        ),
        and_(
            Discharge.ready_date.is_not(None),
            Discharge.discharge_date.is_not(None),
            _day_diff(dialect, Discharge.discharge_date, Discharge.ready_date) > READY_DAYS,
        ),
        and_(
            Discharge.discharge_date.is_not(None),
            Discharge.needs_continue.is_(True),
            or_(
                and_(Discharge.sip_date.is_(None), Discharge.discharge_date < sip_limit),
                and_(
                    Discharge.sip_date.is_not(None),
                    _day_diff(dialect, Discharge.sip_date, Discharge.discharge_date) > SIP_DAYS,
                ),
            ),
        ),
    )
    return case((late, 1), else_=0)


def _discharge_waits_sql(unit_id: uuid.UUID) -> Any:
    """`_discharge_waits_for(d, unit_id)` as SQL (1 or 0)."""
    open_ = Discharge.status.in_([s.value for s in OPEN_DISCHARGE])
    return case(
        (
            Discharge.municipality_unit_id == unit_id,
            case((and_(Discharge.accepted_at.is_(None), open_), 1), else_=0),
        ),
        (
            Discharge.health_centre_unit_id == unit_id,
            case(
                (
                    or_(
                        and_(Discharge.fast_vardkontakt.is_(None), open_),
                        and_(
                            Discharge.status == DischargeStatus.DISCHARGED.value,
                            Discharge.needs_continue.is_(True),
                            Discharge.sip_date.is_(None),
                        ),
                    ),
                    1,
                ),
                else_=0,
            ),
        ),
        (
            Discharge.hospital_unit_id == unit_id,
            case(
                (and_(open_, or_(Discharge.ready_date.is_(None), Discharge.discharge_date.is_(None))), 1),
                else_=0,
            ),
        ),
        else_=0,
    )


# The worklist treats every patient as if their identity were protected in the SQL restriction (decision,
# issue 16 gap 1): coordination may not reach the patients' table (the dependency rule) and a copy of the flag
# would go stale when a person gets a protected identity later, so only the consent branch is given up, never
# widened: a row is shown when the actor's unit holds the patient directly (listing or care relationship, which
# the coordination flow records for every receiving party). The rows on the page are then checked once more
# against the real flag by `patients.service.visible_briefs` (which also gives their names).
_AS_PROTECTED = cast_type("InstrumentedAttribute[bool]", literal(True))


def _patient_ids(
    session: Session, actor: Actor, text: str, candidates: Select[Any]
) -> list[uuid.UUID] | None:
    """The persons the patient filter names: a whole personnummer exactly (an index lookup), else a name
    prefix among the worklist's own (visible) patients; None without a filter."""
    text = text.strip()
    if not text:
        return None
    found = patients_service.person_ids_by_identifier(session, {text})
    if found:
        return list(found.values())
    prefix = text.lower()
    briefs = patients_service.visible_briefs(session, actor=actor, person_ids=candidates)
    return [
        pid
        for pid, b in briefs.items()
        if any(part.startswith(prefix) for part in [b.name.lower(), *b.name.lower().split()])
    ]


def _worklist_union(
    session: Session, actor: Actor, unit_id: uuid.UUID, flt: WorklistFilter, today: date
) -> Any:
    """One row per open item of the unit the actor may see (kind, id, person, status, due, waits, late), as
    a subquery: the filters, the visibility restriction and the sort keys are all SQL."""
    dialect = session.get_bind().dialect.name
    parts: list[tuple[Select[Any], Any]] = []
    if flt.kind in ("", "task"):
        parts.append(
            (
                select(
                    case((Task.to_unit_id == unit_id, "task_in"), else_="task_out").label("kind"),
                    Task.id.label("id"),
                    Task.person_id.label("person_id"),
                    Task.status.label("status"),
                    Task.due_date.label("due"),
                    case((Task.to_unit_id == unit_id, 1), else_=0).label("waits"),
                    case((Task.due_date < today, 1), else_=0).label("late"),
                ).where(*_open_tasks_where(unit_id, actor.user_id)),
                Task,
            )
        )
    if flt.kind in ("", "discharge"):
        parts.append(
            (
                select(
                    literal("discharge").label("kind"),
                    Discharge.id.label("id"),
                    Discharge.person_id.label("person_id"),
                    Discharge.status.label("status"),
                    func.coalesce(Discharge.ready_date, Discharge.planned_discharge_date).label("due"),
                    _discharge_waits_sql(unit_id).label("waits"),
                    _discharge_late_sql(dialect, today).label("late"),
                ).where(*_discharges_where(unit_id)),
                Discharge,
            )
        )
    restricted: list[Select[Any]] = []
    for part, model in parts:
        pid_col = model.person_id
        if flt.status:
            part = part.where(model.status == flt.status)
        if actor.role is not Role.SYSTEM:
            part = consent_service.restrict_to_visible(
                part, actor=actor, person_id_col=pid_col, protected_col=_AS_PROTECTED
            )
        restricted.append(part)
    if not restricted:
        return None
    union = (restricted[0] if len(restricted) == 1 else union_all(*restricted)).subquery("items")
    wanted = _patient_ids(session, actor, flt.patient, select(union.c.person_id))
    if wanted is None and not flt.only_late:
        return union
    stmt = select(union)
    if wanted is not None:
        stmt = stmt.where(union.c.person_id.in_(wanted))
    if flt.only_late:
        stmt = stmt.where(union.c.late == 1)
    return stmt.subquery("filtered")


def worklist(session: Session, *, actor: Actor, flt: WorklistFilter | None = None) -> Worklist:
    """The actor's unit's worklist: open tasks sent to it or by it and the discharge plans it takes part
    in, patients filtered to those the actor may read; what is late and what waits for the unit first, one
    page (`flt.offset`, `flt.limit`) at a time. Filtering, sorting, paging and counting are done by the
    database; names are read for the rows on the page only."""
    unit_id = _require_care_role(session, actor, CoordinationAction.WORKLIST_READ)
    flt = flt or WorklistFilter()
    today = _today()
    limit = max(1, min(flt.limit, WORKLIST_SHOWN))
    offset = max(0, flt.offset)
    items = _worklist_union(session, actor, unit_id, flt, today)
    total = waiting = late = 0
    page: list[Any] = []
    if items is not None:
        for _, n, w, lt in session.execute(
            select(
                items.c.kind,
                func.count(),
                func.coalesce(func.sum(items.c.waits), 0),
                func.coalesce(func.sum(items.c.late), 0),
            ).group_by(items.c.kind)
        ):
            total, waiting, late = total + int(n), waiting + int(w), late + int(lt)
        page = list(
            session.execute(
                select(items.c.kind, items.c.id, items.c.person_id)
                .order_by(
                    items.c.late.desc(),
                    items.c.waits.desc(),
                    items.c.due.is_(None),
                    items.c.due,
                    items.c.id,
                )
                .limit(limit)
                .offset(offset)
            )
        )
    out = _page_items(session, actor, unit_id, page, today)
    unit_name = org_service.get_unit(session, unit_id).name
    audit_service.record(
        session,
        actor=actor,
        action=CoordinationAction.WORKLIST_READ,
        detail={"items": total, "kind": flt.kind, "status": flt.status},
    )
    return Worklist(
        unit_id=unit_id,
        unit_name=unit_name,
        items=out,
        total=total,
        shown=len(out),
        offset=offset,
        waiting=waiting,
        late=late,
        figures=unit_figures(session, unit_id=unit_id),
        municipality_figures=_municipality_figures_of(session, unit_id),
    )


def _page_items(
    session: Session, actor: Actor, unit_id: uuid.UUID, page: list[Any], today: date
) -> list[WorkItem]:
    """The rows of one page, with the patients' names and the other units' names (at most one page's worth
    of reads); a patient `visible_briefs` no longer allows (see `_AS_PROTECTED`) is left out."""
    if not page:
        return []
    task_ids = [r.id for r in page if r.kind != "discharge"]
    discharge_ids = [r.id for r in page if r.kind == "discharge"]
    tasks = {t.id: t for t in session.scalars(select(Task).where(Task.id.in_(task_ids)))} if task_ids else {}
    discharges = (
        {d.id: d for d in session.execute(select(*_WORKLIST_COLUMNS).where(Discharge.id.in_(discharge_ids)))}
        if discharge_ids
        else {}
    )
    persons = (
        select(Task.person_id)
        .where(Task.id.in_(task_ids))
        .union(select(Discharge.person_id).where(Discharge.id.in_(discharge_ids)))
        .subquery()
    )
    briefs = patients_service.visible_briefs(session, actor=actor, person_ids=select(persons.c.person_id))
    names = _unit_names(
        session,
        {u for t in tasks.values() for u in (t.from_unit_id, t.to_unit_id)}
        | {u for d in discharges.values() for u in (d.hospital_unit_id, d.municipality_unit_id)},
    )
    out: list[WorkItem] = []
    for r in page:
        b = briefs.get(r.person_id)
        if b is None:
            continue
        if r.kind != "discharge":
            t = tasks[r.id]
            incoming = t.to_unit_id == unit_id
            overdue = t.due_date < today
            out.append(
                WorkItem(
                    kind="task_in" if incoming else "task_out",
                    id=t.id,
                    person_id=t.person_id,
                    patient_name=b.name,
                    what=t.what,
                    counterpart=names.get(t.from_unit_id if incoming else t.to_unit_id, ""),
                    status=t.status,
                    due=t.due_date,
                    waits_for_us=incoming,
                    late=overdue,
                    late_reasons=["task_overdue"] if overdue else [],
                    link=f"/samordning/uppdrag/{t.id}",
                )
            )
        else:
            d = discharges[r.id]
            reasons = _late(d, today)
            out.append(
                WorkItem(
                    kind="discharge",
                    id=d.id,
                    person_id=d.person_id,
                    patient_name=b.name,
                    what="Discharge planning",
                    counterpart=names.get(
                        d.hospital_unit_id if unit_id != d.hospital_unit_id else d.municipality_unit_id, ""
                    ),
                    status=d.status,
                    due=d.ready_date or d.planned_discharge_date,
                    waits_for_us=_discharge_waits_for(d, unit_id),
                    late=bool(reasons),
                    late_reasons=reasons,
                    link=f"/samordning/utskrivning/{d.id}",
                )
            )
    return out


def waiting_count(session: Session, *, actor: Actor) -> int:
    """What waits for the actor's unit (the navigation's count): open tasks sent to it, discharge notices it
    has not acted on. One statement (two indexed counts added in the database); counts only, no patient
    data: no audit row."""
    if actor.role not in CARE_ROLES or actor.unit_id is None:
        return 0
    unit_id = actor.unit_id
    tasks = (
        select(func.count())
        .select_from(Task)
        .where(
            Task.to_unit_id == unit_id,
            Task.status.in_([TaskStatus.NEW.value, TaskStatus.REASSIGNED.value]),
        )
        .scalar_subquery()
    )
    notices = (
        select(func.count())
        .select_from(Discharge)
        .where(
            Discharge.municipality_unit_id == unit_id,
            Discharge.status.in_([s.value for s in OPEN_DISCHARGE]),
            Discharge.accepted_at.is_(None),
        )
        .scalar_subquery()
    )
    return int(session.scalar(select(tasks + notices)) or 0)


def unit_figures(session: Session, *, unit_id: uuid.UUID, since_days: int = 365) -> Figures:
    """Live figures for a municipality's receiving unit or a hospital unit (or a hälsocentral): median and
    90th percentile days from utskrivningsklar to discharge, the share of inskrivningsmeddelanden sent
    within 24 hours, and the unit's overdue tasks. Aggregates only."""
    return _figures(
        session,
        discharges=or_(
            Discharge.municipality_unit_id == unit_id,
            Discharge.hospital_unit_id == unit_id,
            Discharge.health_centre_unit_id == unit_id,
        ),
        units=[unit_id],
        since_days=since_days,
    )


def municipality_figures(session: Session, *, code: str, since_days: int = 365) -> Figures:
    """The same figures rolled up over a whole municipality (its code): every discharge plan of its residents,
    whichever of its units received it, and the overdue tasks of all its units. Aggregates only."""
    units = [u.id for u in org_service.list_units(session) if u.municipality_code == code]
    return _figures(
        session, discharges=Discharge.municipality_code == code, units=units, since_days=since_days
    )


def _municipality_figures_of(session: Session, unit_id: uuid.UUID) -> Figures | None:
    """The roll-up for the worklist of a municipality's receiving unit; None for other units."""
    unit = org_service.get_unit(session, unit_id)
    if unit.kind != MUNICIPAL_RECEIVER_KIND or not unit.municipality_code:
        return None
    return municipality_figures(session, code=unit.municipality_code)


def _figures(session: Session, *, discharges: Any, units: list[uuid.UUID], since_days: int) -> Figures:
    """The figures in three aggregate reads: counts in SQL, and only the day counts of plans with both dates
    read for the percentiles (a median and a 90th percentile the same on both databases)."""
    since = _now() - timedelta(days=since_days)
    dialect = session.get_bind().dialect.name
    in_time = _day_diff(dialect, Discharge.notice_sent_at, Discharge.admitted_at) <= _NOTICE_DAYS
    notices, within = session.execute(
        select(func.count(), func.coalesce(func.sum(case((in_time, 1), else_=0)), 0)).where(
            discharges, Discharge.admitted_at >= since
        )
    ).one()
    days = [
        max((dis - ready).days, 0)
        for ready, dis in session.execute(
            select(Discharge.ready_date, Discharge.discharge_date).where(
                discharges,
                Discharge.admitted_at >= since,
                Discharge.ready_date.is_not(None),
                Discharge.discharge_date.is_not(None),
            )
        )
        if ready is not None and dis is not None
    ]
    overdue = (
        session.scalar(
            select(func.count())
            .select_from(Task)
            .where(
                or_(Task.to_unit_id.in_(units), Task.from_unit_id.in_(units)),
                Task.status.in_([s.value for s in OPEN_TASK]),
                Task.due_date < _today(),
            )
        )
        if units
        else 0
    ) or 0
    return Figures(
        discharges=len(days),
        median_days_ready_to_discharge=float(statistics.median(days)) if days else None,
        p90_days_ready_to_discharge=_percentile(days, 0.9),
        notices=int(notices),
        share_notices_within_24h=int(within) / int(notices) if notices else None,
        tasks_overdue=int(overdue),
    )


def units_for_task(session: Session, *, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    """The units a task can go to (every care-giving unit but the actor's own), for the form."""
    return sorted(
        (
            (u.id, u.name)
            for u in org_service.list_units(session)
            if u.id != actor.unit_id and u.kind != "administration"
        ),
        key=lambda x: x[1],
    )


# --- Follow-up and seeding ------------------------------------------------------------------------------------


def export_admissions(
    session: Session, *, actor: Actor, pseudonym: Callable[[uuid.UUID], int]
) -> list[AdmissionExportRow]:
    """The lake's ``admissions`` from what users did on the platform (K_UKL: utskrivningsklar to discharge),
    ids pseudonymised with the extract's function; one audit row for the export."""
    if actor.role not in (Role.SYSTEM, Role.ANALYST, Role.ADMINISTRATOR):
        audit_service.refuse(
            session,
            actor=actor,
            action=CoordinationAction.ADMISSION_EXPORT,
            reason="role_not_permitted",
            message="only the follow-up exports admissions",
        )
    rows = session.execute(
        select(
            Discharge.id,
            Discharge.person_id,
            Discharge.hospital_unit_id,
            Discharge.admitted_at,
            Discharge.ready_date,
            Discharge.discharge_date,
            Discharge.planned,
        ).order_by(Discharge.admitted_at)
    ).all()
    out = [
        AdmissionExportRow(
            admission_id=pseudonym(i),
            person_id=pseudonym(p),
            unit_id=pseudonym(u),
            admit_date=a.date(),
            utskrivningsklar_date=r,
            discharge_date=dd,
            planned=pl,
        )
        for i, p, u, a, r, dd, pl in rows
    ]
    audit_service.record(
        session, actor=actor, action=CoordinationAction.ADMISSION_EXPORT, detail={"rows": len(out)}
    )
    return out


def seed_rows(
    session: Session,
    *,
    actor: Actor,
    tasks: seeding.Rows = (),
    task_events: seeding.Rows = (),
    discharges: seeding.Rows = (),
    discharge_events: seeding.Rows = (),
) -> None:
    seeding.insert_rows(session, actor=actor, model=Task, rows=tasks, action=CoordinationAction.TASK_SEED)
    seeding.insert_rows(
        session, actor=actor, model=TaskEvent, rows=task_events, action=CoordinationAction.TASK_EVENT_SEED
    )
    seeding.insert_rows(
        session, actor=actor, model=Discharge, rows=discharges, action=CoordinationAction.DISCHARGE_SEED
    )
    seeding.insert_rows(
        session,
        actor=actor,
        model=DischargeEvent,
        rows=discharge_events,
        action=CoordinationAction.DISCHARGE_EVENT_SEED,
    )


# --- CSV import (naravard coordination import) ---------------------------------------------------------------

IMPORT_COLUMNS = (
    "sender",
    "message_id",
    "personnummer",
    "hospital_unit_hsa_id",
    "admitted_at",
    "planned_discharge_date",
    "utskrivningsklar_date",
    "discharge_date",
    "needs_continue",
    "planned",
)
_REQUIRED = ("sender", "message_id", "personnummer", "hospital_unit_hsa_id", "admitted_at")
_TRUE = {"1", "true", "yes", "ja", "j"}
_BOOL = _TRUE | {"", "0", "false", "no", "nej", "n"}


@dataclass(frozen=True)
class _ImportRow:
    line: int
    admission: AdmissionIn
    hospital_unit_id: uuid.UUID
    organization_id: uuid.UUID
    ready_date: date | None
    discharge_date: date | None
    needs_continue: bool


def _parse_rows(session: Session, rows: list[dict[str, str]]) -> tuple[list[_ImportRow], list[ImportProblem]]:
    problems: list[ImportProblem] = []
    parsed: list[_ImportRow] = []
    units = {u.hsa_id: u for u in org_service.list_units(session)}
    persons = patients_service.person_ids_by_identifier(
        session, {(r.get("personnummer") or "").strip() for r in rows}
    )
    seen: set[tuple[str, str]] = set()
    for n, raw in enumerate(rows, start=2):  # line 1 is the header
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        bad = [ImportProblem(line=n, column=c, reason="required") for c in _REQUIRED if not row.get(c)]
        if bad:
            problems.extend(bad)
            continue

        def day(column: str, row: dict[str, str] = row, line: int = n) -> date | None:
            value = row.get(column, "")
            if not value:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                problems.append(ImportProblem(line=line, column=column, reason="not a date (YYYY-MM-DD)"))
                return None

        try:
            admitted = datetime.fromisoformat(row["admitted_at"])
        except ValueError:
            problems.append(
                ImportProblem(line=n, column="admitted_at", reason="not a date and time (ISO 8601)")
            )
            continue
        admitted = admitted if admitted.tzinfo else admitted.replace(tzinfo=UTC)
        planned_discharge, ready, discharged = (
            day("planned_discharge_date"),
            day("utskrivningsklar_date"),
            day("discharge_date"),
        )
        unit = units.get(row["hospital_unit_hsa_id"])
        if unit is None or unit.kind != HOSPITAL_KIND:
            problems.append(
                ImportProblem(
                    line=n, column="hospital_unit_hsa_id", reason="no hospital unit with that HSA-id"
                )
            )
        if row["personnummer"] not in persons:
            problems.append(
                ImportProblem(line=n, column="personnummer", reason="no patient with that personnummer")
            )
        for column in ("needs_continue", "planned"):
            if row.get(column, "").lower() not in _BOOL:
                problems.append(ImportProblem(line=n, column=column, reason="not yes or no"))
        if ready and discharged and discharged < ready:
            problems.append(ImportProblem(line=n, column="discharge_date", reason="before utskrivningsklar"))
        if discharged and discharged < admitted.date():
            problems.append(ImportProblem(line=n, column="discharge_date", reason="before the admission"))
        key = (row["sender"], row["message_id"])
        if key in seen:
            problems.append(ImportProblem(line=n, column="message_id", reason="repeated in the file"))
        seen.add(key)
        if (problems and problems[-1].line == n) or unit is None or row["personnummer"] not in persons:
            continue
        try:
            admission = AdmissionIn(
                person_id=persons[row["personnummer"]],
                admitted_at=admitted,
                planned=row.get("planned", "").lower() in _TRUE,
                planned_discharge_date=planned_discharge,
                sender=row["sender"],
                message_id=row["message_id"],
            )
        except ValueError as exc:
            problems.append(ImportProblem(line=n, column="row", reason=str(exc)[:200]))
            continue
        parsed.append(
            _ImportRow(
                line=n,
                admission=admission,
                hospital_unit_id=unit.id,
                organization_id=unit.organization_id,
                ready_date=ready,
                discharge_date=discharged,
                needs_continue=row.get("needs_continue", "").lower() in _TRUE,
            )
        )
    return parsed, problems


def import_admissions(session: Session, *, actor: Actor, rows: list[dict[str, str]]) -> ImportReport:
    """Admissions and discharges from a records system's CSV file (IMPORT_COLUMNS), run by the system actor
    from the command line. Every row is checked first: a file with a bad row imports nothing (the report
    lists the bad rows). Each row is then registered as its hospital unit's records system acting for the
    unit (user "import:<sender>"), through the same service as the API, so a row already imported (same
    sender and message id) changes nothing."""
    if actor.role is not Role.SYSTEM:
        audit_service.refuse(
            session,
            actor=actor,
            action=CoordinationAction.DISCHARGE_IMPORT,
            reason="role_not_permitted",
            message="only a batch job imports admissions",
        )
    parsed, problems = _parse_rows(session, rows)
    if problems:
        return ImportReport(imported=0, unchanged=0, problems=problems)
    imported = unchanged = 0
    for row in parsed:
        unit_actor = Actor(
            user_id=None,
            username=f"import:{row.admission.sender}"[:64],
            role=Role.CLINICIAN,
            unit_id=row.hospital_unit_id,
            organization_id=row.organization_id,
            purpose=Purpose.CARE,
            request_id=actor.request_id,
        )
        _, created = admit(session, actor=unit_actor, data=row.admission)
        changed = created
        if row.discharge_date is not None:
            _, discharged = discharge_message(
                session,
                actor=unit_actor,
                data=DischargeMessageIn(
                    sender=row.admission.sender,
                    admission_message_id=row.admission.message_id or "",
                    discharge_date=row.discharge_date,
                    ready_date=row.ready_date,
                    needs_continue=row.needs_continue,
                ),
            )
            changed = changed or discharged
        elif row.ready_date is not None:
            d = _existing_admission(session, row.admission.sender, row.admission.message_id or "")
            if d is not None and d.ready_date is None:
                record_step(
                    session,
                    actor=unit_actor,
                    discharge_id=d.id,
                    step=DischargeStepIn(step=DischargeStep.READY.value, on=row.ready_date),
                    base_version=None,
                )
                changed = True
        imported += int(changed)
        unchanged += int(not changed)
    audit_service.record(
        session,
        actor=actor,
        action=CoordinationAction.DISCHARGE_IMPORT,
        detail={"imported": imported, "unchanged": unchanged},
    )
    return ImportReport(imported=imported, unchanged=unchanged, problems=[])
