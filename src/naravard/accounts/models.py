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


class OidcIdentity(IdMixin, TimestampMixin, Base):
    """An account's identity at an OpenID Connect provider (docs/adr/0005-oidc-logins.md): the provider's
    subject, linked at the first login through the mapped claim (HSA-id for staff, personnummer for
    patients). A subject stays with its account: a later login whose claim maps elsewhere is refused."""

    __tablename__ = "oidc_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    audience: Mapped[str] = mapped_column(String(16))  # staff | patient
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    last_login_at: Mapped[datetime]


class OidcLoginFlow(IdMixin, TimestampMixin, Base):
    """A login under way at a provider: the browser holds a random token in a cookie, the database its
    SHA-256 with the flow's state, nonce and PKCE verifier. Used once (deleted at the callback), and
    only within `expires_at`."""

    __tablename__ = "oidc_login_flow"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    audience: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_path: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime] = mapped_column(index=True)
