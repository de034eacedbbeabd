"""The governance context's tables: the reform's bodies and their members, program directives, plans with
projects and their prioritisation, action plans with actions tied to follow-up indicators, meetings and
decisions. Every change to a document is kept as an immutable row in `gov_version` (a JSON snapshot)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin


class GovBody(IdMixin, TimestampMixin, Base):
    """Länsledning Välfärd, the deciding hälso- och sjukvårdsledning, a steering group, the programme office."""

    __tablename__ = "gov_body"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # BodyKind
    programme_area: Mapped[str | None] = mapped_column(String(200))


class GovMember(IdMixin, TimestampMixin, Base):
    """A person in a body: a user of the platform (user_id) or a named external member."""

    __tablename__ = "gov_member"

    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_body.id"), index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(32))  # region / municipality / private_provider
    role: Mapped[str] = mapped_column(String(32))  # chair / member / secretary


class GovDirective(IdMixin, TimestampMixin, Base):
    """A programdirektiv: its current version (earlier ones are in gov_version)."""

    __tablename__ = "gov_directive"

    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_body.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    direction: Mapped[str] = mapped_column(Text, default="")
    yearly_goals: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200))
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    review_date: Mapped[date | None]
    external_ref: Mapped[str | None] = mapped_column(String(64))
    registration_due: Mapped[date | None]
    registered_on: Mapped[date | None]
    state: Mapped[str] = mapped_column(String(32), default="draft")
    version: Mapped[int] = mapped_column(default=1)


class GovPlan(IdMixin, TimestampMixin, Base):
    """A plan for one programområde and period (2022–24), its criteria and projects."""

    __tablename__ = "gov_plan"

    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_body.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    first_year: Mapped[int]
    last_year: Mapped[int]
    due_date: Mapped[date | None]
    frozen_decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("gov_decision.id"))
    version: Mapped[int] = mapped_column(default=1)


class GovCriterion(IdMixin, TimestampMixin, Base):
    __tablename__ = "gov_criterion"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_plan.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int]  # percent; a plan's weights sum to 100


class GovProject(IdMixin, TimestampMixin, Base):
    __tablename__ = "gov_project"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_plan.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200))
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    budget: Mapped[int] = mapped_column(default=0)  # kronor
    status: Mapped[str] = mapped_column(String(32), default="proposed")
    version: Mapped[int] = mapped_column(default=1)


class GovScore(IdMixin, TimestampMixin, Base):
    __tablename__ = "gov_score"
    __table_args__ = (UniqueConstraint("project_id", "criterion_id"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_project.id"), index=True)
    criterion_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_criterion.id"), index=True)
    score: Mapped[int]  # 0..5


class GovActionPlan(IdMixin, TimestampMixin, Base):
    """A handlingsplan owed to a national body (Socialstyrelsen) by a deadline."""

    __tablename__ = "gov_action_plan"

    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_body.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date]
    focus: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[str] = mapped_column(String(32), default="draft")
    version: Mapped[int] = mapped_column(default=1)


class GovAction(IdMixin, TimestampMixin, Base):
    __tablename__ = "gov_action"

    action_plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_action_plan.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(32), default="planned")
    light: Mapped[str] = mapped_column(String(16), default="green")  # green / yellow / red
    indicators: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of follow-up indicator codes
    version: Mapped[int] = mapped_column(default=1)


class GovMeeting(IdMixin, TimestampMixin, Base):
    __tablename__ = "gov_meeting"

    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_body.id"), index=True)
    held_on: Mapped[date]
    agenda: Mapped[str] = mapped_column(Text, default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")


class GovDecision(IdMixin, TimestampMixin, Base):
    """A decision of a body: its text and what it changes (kind + subject); a priority decision keeps the
    ranked list as decided (``frozen``, JSON)."""

    __tablename__ = "gov_decision"

    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gov_body.id"), index=True)
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("gov_meeting.id"))
    decided_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))  # DecisionKind
    subject_id: Mapped[uuid.UUID | None]
    frozen: Mapped[str | None] = mapped_column(Text)


class GovVersion(IdMixin, Base):
    """One immutable version of a governance document (any entity), as saved."""

    __tablename__ = "gov_version"
    __table_args__ = (UniqueConstraint("entity", "entity_id", "version"),)

    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID] = mapped_column(index=True)
    version: Mapped[int]
    snapshot: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(200))
    saved_at: Mapped[datetime]


class GovReminder(IdMixin, Base):
    """A reminder sent for one deadline on one day (the remind command is idempotent per deadline and day)."""

    __tablename__ = "gov_reminder"
    __table_args__ = (UniqueConstraint("deadline_key", "sent_on"),)

    deadline_key: Mapped[str] = mapped_column(String(120))
    sent_on: Mapped[date]
