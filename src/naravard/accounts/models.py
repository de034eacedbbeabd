"""Users, their assignments (medarbetaruppdrag) and login sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    practitioner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("practitioner.id"))
    # A patient's own account (the patient portal) points at the person it may act as.
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))
    language: Mapped[str] = mapped_column(String(2), default="sv")
    failed_logins: Mapped[int] = mapped_column(default=0)
    # Time-based back-off after repeated wrong passwords: no login until then (None: not locked).
    locked_until: Mapped[datetime | None]


class Membership(IdMixin, TimestampMixin, Base):
    """A medarbetaruppdrag: the user may act in `role` for `unit_id` (None for patients)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_unit.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(default=True)


class LoginSession(IdMixin, TimestampMixin, Base):
    """Server-side session: the cookie holds a random token, the database only its SHA-256."""

    __tablename__ = "login_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    membership_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("membership.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
