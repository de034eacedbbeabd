"""Tasks between units and discharge planning (lag 2017:612), each with an append-only history of events.

The current state of a task or a discharge plan is one versioned row (`version`: If-Match on the API, the
form's base version on the pages); every change also writes an immutable event row with who and when."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin


class TaskStatus(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REASSIGNED = "reassigned"  # sent on to another unit; the new unit sees it as new
    DONE = "done"


class TaskPriority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Task(IdMixin, TimestampMixin, Base):
    """One unit asks another (or a practitioner there) to do something for a patient."""

    __tablename__ = "coord_task"
    __table_args__ = (
        Index("ix_coord_task_to_status", "to_unit_id", "status"),
        Index("ix_coord_task_from_status", "from_unit_id", "status"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    from_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"))
    from_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    to_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"))
    to_practitioner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("practitioner.id"))
    what: Mapped[str] = mapped_column(String(500))
    why: Mapped[str] = mapped_column(String(2000))
    due_date: Mapped[date]
    priority: Mapped[str] = mapped_column(String(16))  # TaskPriority
    # the care plan activity the task came from (careplans.service.activity_ref), and its coordinator
    careplan_id: Mapped[uuid.UUID | None]
    activity_id: Mapped[uuid.UUID | None]
    activity_text: Mapped[str | None] = mapped_column(String(500))
    coordinator_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # TaskStatus
    status_reason: Mapped[str | None] = mapped_column(String(1000))  # why declined or reassigned
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)


class TaskEvent(IdMixin, Base):
    """One change of a task (its creation included): immutable."""

    __tablename__ = "coord_task_event"
    __table_args__ = (UniqueConstraint("task_id", "version"),)

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coord_task.id"), index=True)
    version: Mapped[int]
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    to_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"))  # after the change
    note: Mapped[str | None] = mapped_column(String(1000))
    at: Mapped[datetime]
    by_user_id: Mapped[uuid.UUID | None]
    by_username: Mapped[str] = mapped_column(String(64))
    by_unit_id: Mapped[uuid.UUID | None]


class DischargeStatus(StrEnum):
    NOTIFIED = "notified"  # admitted; the inskrivningsmeddelande is sent
    READY = "ready"  # utskrivningsklar
    ACCEPTED = "accepted"  # the municipality has accepted and said what it will provide
    DISCHARGED = "discharged"
    SIP_CALLED = "sip_called"  # a samordnad individuell planering is called (needs continue)
    CLOSED = "closed"  # discharged, no continued needs


class Discharge(IdMixin, TimestampMixin, Base):
    """One admission at a hospital unit and its discharge planning under lag (2017:612). Each step's time is
    kept; the status is the last step. `sender`/`sender_message_id` make imports idempotent."""

    __tablename__ = "coord_discharge"
    __table_args__ = (
        UniqueConstraint("sender", "sender_message_id"),
        Index("ix_coord_discharge_municipality_status", "municipality_unit_id", "status"),
        Index("ix_coord_discharge_hospital_status", "hospital_unit_id", "status"),
        Index("ix_coord_discharge_hc_status", "health_centre_unit_id", "status"),
        # the whole municipality's figures (issue 16): its residents' plans admitted in the last year
        Index("ix_coord_discharge_municipality_code_admitted", "municipality_code", "admitted_at"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    hospital_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"))
    municipality_code: Mapped[str] = mapped_column(String(4))
    municipality_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"))
    health_centre_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_unit.id"))
    sender: Mapped[str] = mapped_column(String(64))  # the records system, or "naravard" for the pages
    sender_message_id: Mapped[str] = mapped_column(String(64))
    admitted_at: Mapped[datetime]
    planned: Mapped[bool] = mapped_column(default=False)  # a planned (elective) admission, not acute
    notice_sent_at: Mapped[datetime]  # the inskrivningsmeddelande
    planned_discharge_date: Mapped[date | None]
    ready_date: Mapped[date | None]  # utskrivningsklar
    ready_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    municipality_provides: Mapped[str | None] = mapped_column(String(1000))
    fast_vardkontakt: Mapped[str | None] = mapped_column(String(200))
    fast_vardkontakt_at: Mapped[datetime | None]
    discharge_date: Mapped[date | None]
    discharged_at: Mapped[datetime | None]
    needs_continue: Mapped[bool | None]
    sip_date: Mapped[date | None]
    sip_careplan_id: Mapped[uuid.UUID | None]
    status: Mapped[str] = mapped_column(String(16))  # DischargeStatus
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)


class DischargeEvent(IdMixin, Base):
    """One step of a discharge planning: immutable."""

    __tablename__ = "coord_discharge_event"
    __table_args__ = (UniqueConstraint("discharge_id", "version"),)

    discharge_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coord_discharge.id"), index=True)
    version: Mapped[int]
    step: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(String(1000))
    at: Mapped[datetime]
    by_user_id: Mapped[uuid.UUID | None]
    by_username: Mapped[str] = mapped_column(String(64))
    by_unit_id: Mapped[uuid.UUID | None]
