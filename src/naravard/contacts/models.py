"""Listing (listning) at a primary-care unit, the fixed contacts (fast läkarkontakt, fast vårdkontakt) with
their history, the unit's capacity and need rule, and the notices that tell the patient."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin, utcnow


class Listing(IdMixin, TimestampMixin, Base):
    """HSL 7 kap. 3 a §: a person is listed with one provider at a time; history is kept (end_date)."""

    __tablename__ = "listing"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"), index=True)
    start_date: Mapped[date]
    # the last day listed (inclusive); the next listing starts the day after; None = listed now
    end_date: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(32), default="1177")


class FixedContactKind(StrEnum):
    DOCTOR = "doctor"  # fast läkarkontakt: HSL 7 kap. 3 §, PL 6 kap. 3 § (SFS 2022:272)
    CARE_CONTACT = "care_contact"  # fast vårdkontakt: PL 6 kap. 2 §


class FixedContactReason(StrEnum):
    """Why a fixed contact was appointed (domain.md 11.1) or ended."""

    PATIENT_REQUEST = "patient_request"  # the patient asked (PL 6 kap. 2 §, 3 §)
    NEED = "need"  # trygghet, kontinuitet, samordning, säkerhet (PL 6 kap. 2 §)
    DISCHARGE = "discharge"  # lag (2017:612): öppen vård appoints one for the discharged patient
    LIFE_THREATENING = "life_threatening"  # SOSFS 2011:7: then the fast vårdkontakt must be a doctor
    UNIT_PROPOSAL = "unit_proposal"  # the unit's proposal, confirmed by the manager
    IMPORT = "import"  # from a records system (naravard contacts import)
    CHANGE = "change"  # another practitioner took over
    PRACTITIONER_LEFT = "practitioner_left"
    LISTING_ENDED = "listing_ended"  # the listing the fixed doctor depended on ended or moved
    NO_LONGER_NEEDED = "no_longer_needed"
    OTHER = "other"


class FixedContact(IdMixin, TimestampMixin, Base):
    """One appointment of a fixed contact, valid from `valid_from` to `valid_to` (inclusive; None = in force).
    Rows are never deleted: a change ends one row and starts another, so the history is the rows.

    One fast läkarkontakt in force per person: the service checks it and a partial unique index holds it
    against concurrent writers on both databases (SQLite and PostgreSQL both have partial indexes)."""

    __tablename__ = "fixed_contact"
    __table_args__ = (
        Index(
            "uq_fixed_contact_active_doctor",
            "person_id",
            unique=True,
            sqlite_where=text("kind = 'doctor' AND valid_to IS NULL"),
            postgresql_where=text("kind = 'doctor' AND valid_to IS NULL"),
        ),
        Index("ix_fixed_contact_practitioner_active", "practitioner_id", "valid_to"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # FixedContactKind
    practitioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practitioner.id"))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"), index=True)
    # a fast läkarkontakt depends on the listing at its unit (PL 6 kap. 3 §): ending the listing ends it
    listing_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("listing.id"), index=True)
    valid_from: Mapped[date]
    # the last day in force (inclusive); may be the day before valid_from when replaced on its first day
    valid_to: Mapped[date | None]
    reason: Mapped[str] = mapped_column(String(32))  # FixedContactReason
    note: Mapped[str | None] = mapped_column(String(500))
    end_reason: Mapped[str | None] = mapped_column(String(32))
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(64))
    # PL 3 kap. 2 §: the patient is told who the fixed contacts are; when and how (letter, message, ...)
    informed_at: Mapped[datetime | None]
    informed_how: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class UnitContactSettings(IdMixin, Base):
    """A unit's capacity per full-time doctor and its rule for who needs a fast vårdkontakt. A unit without a
    row uses the defaults (`contacts.schemas.UnitSettings`)."""

    __tablename__ = "contact_unit_settings"

    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"), unique=True)
    capacity_per_fte: Mapped[int]  # listed patients per full-time doctor
    need_min_age: Mapped[int | None]  # e.g. 75; None: age is not a reason
    need_home_health_care: Mapped[bool]  # a care relationship with municipal home health care
    need_min_contacts: Mapped[int | None]  # contacts in the last 12 months (event lake); None: not used
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class DoctorFte(IdMixin, Base):
    """A doctor's share of full time at a unit, in percent (a doctor without a row works full time)."""

    __tablename__ = "contact_doctor_fte"
    __table_args__ = (UniqueConstraint("unit_id", "practitioner_id"),)

    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"))
    practitioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practitioner.id"))
    percent: Mapped[int]


class NoticeStatus(StrEnum):
    PENDING = "pending"  # waiting for the worker (or its next retry)
    SENDING = "sending"  # claimed by a worker: never claimed twice
    DELIVERED = "delivered"
    FAILED = "failed"  # retries used up; listed as undelivered, can be re-sent


class Notice(IdMixin, TimestampMixin, Base):
    """The transactional outbox: a notice to the patient about a fixed contact, written in the same
    transaction as the assignment; `naravard contacts deliver` sends it through a channel. The notice's id is
    the channel's idempotency key, so a notice is never delivered twice."""

    __tablename__ = "contact_notice"
    __table_args__ = (Index("ix_contact_notice_status_next", "status", "next_attempt_at"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    fixed_contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("fixed_contact.id"), index=True)
    event: Mapped[str] = mapped_column(String(16))  # assigned | changed | ended
    channel: Mapped[str] = mapped_column(String(16))  # message (1177 inkorg) | letter
    status: Mapped[str] = mapped_column(String(16), default=NoticeStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None]
    delivery_ref: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
