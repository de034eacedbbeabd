"""Consent (samtycke), blocks (spärr), care relationships and emergency access (nödåtkomst)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin


class Consent(IdMixin, TimestampMixin, Base):
    """The patient's consent that `organization_id` may see data held by other providers
    (sammanhållen vård- och omsorgsdokumentation, lag (2022:913), which since 2023 holds PDL 6 kap.'s
    sammanhållen journalföring; ADR 0003 and 0004)."""

    __tablename__ = "consent"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organization.id"))
    given_at: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    recorded_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(500))
    # How the patient gave it (self_service, verbal, written) and who gave it (patient, guardian,
    # representative); None on consents recorded before these were asked.
    method: Mapped[str | None] = mapped_column(String(16))
    given_by: Mapped[str | None] = mapped_column(String(16))
    recorded_by_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_unit.id"))
    withdrawn_by: Mapped[str | None] = mapped_column(String(64))
    # A consent recorded by staff is flagged for the log reviewer, as emergency access is.
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    review_note: Mapped[str | None] = mapped_column(String(1000))
    # Recorded by an administrator on the patient's written request: the request's reference (issue 20)
    request_reference: Mapped[str | None] = mapped_column(String(64))


class Block(IdMixin, TimestampMixin, Base):
    """A spärr (PDL 4 kap. 4 §, 6 kap. 2 §): `blocked_organization_id` may not see this patient;
    None blocks every organisation other than the one the patient is listed with."""

    __tablename__ = "access_block"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    blocked_organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organization.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(64))
    lifted_at: Mapped[datetime | None]
    # Recorded by an administrator on a written request: its reference and who made it (a ConsentGiver)
    request_reference: Mapped[str | None] = mapped_column(String(64))
    given_by: Mapped[str | None] = mapped_column(String(16))


class CareRelationship(IdMixin, TimestampMixin, Base):
    """An active care relationship between a unit and a patient beyond listing (home care, referral,
    plan participation), recorded by the platform."""

    __tablename__ = "care_relationship"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    recorded_by: Mapped[str] = mapped_column(String(64))


class EmergencyAccess(IdMixin, TimestampMixin, Base):
    """Nödåtkomst: read access without relationship or consent, with a stated reason, time-limited and
    flagged for the log reviewer."""

    __tablename__ = "emergency_access"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"))
    reason: Mapped[str] = mapped_column(String(1000))
    expires_at: Mapped[datetime]
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    review_note: Mapped[str | None] = mapped_column(String(1000))
