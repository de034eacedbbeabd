"""The careplans context's tables: a plan (Patientkontrakt or SIP) per patient and its immutable versions.

Every save is a new `care_plan_version` row holding the whole content as canonical JSON; the plan row points
at the current version by number. A save names the version it was based on: the conditional update
``current_version_no = base + 1 WHERE current_version_no = base`` lets exactly one writer per base version
through, and the unique constraint on ``(plan_id, version_no)`` holds the same on both databases."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin, utcnow


class CarePlan(IdMixin, TimestampMixin, Base):
    __tablename__ = "care_plan"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # PlanKind
    state: Mapped[str] = mapped_column(String(16))  # PlanState, as of the current version
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"), index=True)  # the owning unit
    coordinator_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # the patient's fast vårdkontakt when the plan was made (the default coordinator), if there was one
    coordinator_practitioner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("practitioner.id"))
    current_version_no: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_at: Mapped[datetime | None]
    agreed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(500))
    follow_up_date: Mapped[date | None]  # copied from the current version, for the worklist


class CarePlanVersion(IdMixin, TimestampMixin, Base):
    __tablename__ = "care_plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "version_no"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_plan.id"), index=True)
    version_no: Mapped[int]
    state: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)  # PlanContent as canonical JSON
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_by_role: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(500))  # what the save did: "edit", "transition: ..."
