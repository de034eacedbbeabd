"""The region's own follow-up targets: what a steering group decided, kept beside the national table and the
targets file (``targets``), versioned so two people editing one target cannot overwrite each other."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin, utcnow


class FollowupTarget(IdMixin, TimestampMixin, Base):
    __tablename__ = "followup_target"
    # '' (not NULL) for "every scope type" and "every id": both databases treat NULLs as distinct in a
    # unique constraint, which would let in two "any scope" targets for one indicator
    __table_args__ = (UniqueConstraint("indicator", "scope_type", "scope_id"),)

    indicator: Mapped[str] = mapped_column(String(32))  # a code of followup.indicators.INDICATORS
    scope_type: Mapped[str] = mapped_column(String(16), default="")  # '' or one of results.SCOPES
    scope_id: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[float]  # in the indicator's unit: a share as 0.55, days as days; with a baseline, a factor
    # a period label (2024, 2024-Q1, 2024-03): the target is value x the result then; NULL: absolute
    baseline: Mapped[str | None] = mapped_column(String(16), default=None)
    source: Mapped[str] = mapped_column(String(300))  # the decision or source, e.g. "HSN 2026-03-12 § 4"
    version: Mapped[int] = mapped_column(default=1)
    changed_by: Mapped[str] = mapped_column(String(64))  # username of the last writer
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}
