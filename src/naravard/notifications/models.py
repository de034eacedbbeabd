"""The notifications outbox: one row per message to a unit or a user, delivered by a channel."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin


class Notification(IdMixin, TimestampMixin, Base):
    """A message to a whole unit (`to_unit_id`) or one user (`to_user_id`). Subject and body never hold a
    patient's name or personnummer: the link leads to a page that checks access. `delivered_at` is set by
    the channel (`deliver_pending`), `read_at` when a reader marks it read."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_unit_created", "to_unit_id", "created_at"),
        Index("ix_notification_user_created", "to_user_id", "created_at"),
        Index("ix_notification_pending", "delivered_at", "attempts"),
    )

    to_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_unit.id"))
    to_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(2000))
    link: Mapped[str | None] = mapped_column(String(500))
    due: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(128))
    read_at: Mapped[datetime | None]
    read_by: Mapped[uuid.UUID | None]
    delivered_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
