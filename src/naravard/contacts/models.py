"""Listing (listning) at a primary-care unit; fixed contacts come with their own issue."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin


class Listing(IdMixin, TimestampMixin, Base):
    """HSL 7 kap. 3 a §: a person is listed with one provider at a time; history is kept (end_date)."""

    __tablename__ = "listing"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"), index=True)
    start_date: Mapped[date]
    # the last day listed (inclusive); the next listing starts the day after; None = listed now
    end_date: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(32), default="1177")
