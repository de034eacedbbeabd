"""The audit trail: append-only, each row chained to the previous by an HMAC (see audit.chain).

A row is inserted unsealed (`sealed_seq` NULL, `prev_hash` and `hash` empty) and sealed later, once, by
`audit.sealing` (docs/adr/0006-audit-sealing.md); the database refuses every other update and all deletes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base


class AuditEvent(Base):
    __tablename__ = "audit_event"

    # BigInteger on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite.
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    request_id: Mapped[str] = mapped_column(String(64))  # made by the server, unique per request
    # The X-Request-Id a client sent, bounded, kept apart: a client could reuse or forge it.
    client_request_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID | None]
    username: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    organization_id: Mapped[uuid.UUID | None]
    purpose: Mapped[str] = mapped_column(String(32))
    patient_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(64))  # tag "context:subject:verb", e.g. patient:overview:read
    outcome: Mapped[str] = mapped_column(String(16))  # allowed | denied | emergency
    reason: Mapped[str | None] = mapped_column(String(1000))
    detail: Mapped[str | None] = mapped_column(Text)  # canonical JSON (before/after, counts)
    # Set once by the sealer: the row's place in the chain (1, 2, ... without gaps), the previous row's hash
    # and HMAC(key, prev_hash | row). Empty ('') and NULL until then.
    sealed_seq: Mapped[int | None] = mapped_column(BigInteger, unique=True, index=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
