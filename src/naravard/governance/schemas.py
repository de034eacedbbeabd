"""Pydantic shapes in and out of the governance context."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, Field


class BodyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: str
    programme_area: str | None = None


class MemberIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    organisation: str
    role: str
    user_id: uuid.UUID | None = None


class MemberOut(MemberIn):
    id: uuid.UUID


class BodyOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    programme_area: str | None
    members: list[MemberOut] = []


class DirectiveIn(BaseModel):
    body_id: uuid.UUID
    title: str = Field(min_length=1, max_length=200)
    purpose: str = ""
    direction: str = ""
    yearly_goals: str = ""
    owner: str = Field(min_length=1, max_length=200)
    owner_user_id: uuid.UUID | None = None
    review_date: dt.date | None = None
    external_ref: str | None = Field(default=None, max_length=64)
    registration_due: dt.date | None = None
    registered_on: dt.date | None = None


class DirectiveOut(DirectiveIn):
    id: uuid.UUID
    state: str
    version: int
    overdue: list[str] = []


class VersionOut(BaseModel):
    version: int
    saved_by: str
    saved_at: dt.datetime
    snapshot: dict[str, Any]


class StateIn(BaseModel):
    state: str
    version: int


class PlanIn(BaseModel):
    body_id: uuid.UUID
    title: str = Field(min_length=1, max_length=200)
    first_year: int = Field(ge=2000, le=2100)
    last_year: int = Field(ge=2000, le=2100)
    due_date: dt.date | None = None


class CriterionIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    weight: int


class CriteriaIn(BaseModel):
    criteria: list[CriterionIn]
    version: int


class CriterionOut(CriterionIn):
    id: uuid.UUID


class ProjectIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    owner: str = Field(min_length=1, max_length=200)
    owner_user_id: uuid.UUID | None = None
    budget: int = Field(default=0, ge=0)


class ProjectOut(ProjectIn):
    id: uuid.UUID
    status: str
    version: int
    scores: dict[str, int] = {}


class ScoreIn(BaseModel):
    criterion_id: uuid.UUID
    score: int


class RankedOut(BaseModel):
    project_id: str
    title: str
    total: float
    rank: int


class PlanOut(BaseModel):
    id: uuid.UUID
    body_id: uuid.UUID
    title: str
    first_year: int
    last_year: int
    due_date: dt.date | None
    version: int
    frozen_decision_id: uuid.UUID | None
    criteria: list[CriterionOut]
    projects: list[ProjectOut]
    ranking: list[RankedOut]
    decided: list[RankedOut]
    changes: list[dict[str, Any]]


class ActionPlanIn(BaseModel):
    body_id: uuid.UUID
    title: str = Field(min_length=1, max_length=200)
    recipient: str = Field(min_length=1, max_length=200)
    deadline: dt.date
    focus: str = ""
    owner: str = ""
    owner_user_id: uuid.UUID | None = None


class ActionIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    owner: str = Field(min_length=1, max_length=200)
    owner_user_id: uuid.UUID | None = None
    due_date: dt.date
    light: str = "green"
    indicators: list[str] = []


class ActionUpdate(BaseModel):
    version: int
    status: str | None = None
    light: str | None = None
    indicators: list[str] | None = None
    due_date: dt.date | None = None


class IndicatorFigure(BaseModel):
    code: str
    name: str
    latest: float | None = None
    period: str | None = None
    trend: str | None = None  # up / down / flat / None
    target: float | None = None
    meets_target: bool | None = None
    series: list[float] = []  # the yearly values, oldest first (the pack's chart)


class ActionOut(BaseModel):
    id: uuid.UUID
    title: str
    owner: str
    due_date: dt.date
    status: str
    light: str
    indicators: list[str]
    version: int
    overdue: bool = False
    figures: list[IndicatorFigure] = []


class ActionPlanOut(BaseModel):
    id: uuid.UUID
    body_id: uuid.UUID
    title: str
    recipient: str
    deadline: dt.date
    focus: str
    owner: str
    state: str
    version: int
    overdue: bool = False
    actions: list[ActionOut] = []


class MeetingIn(BaseModel):
    body_id: uuid.UUID
    held_on: dt.date
    agenda: str = ""
    attendees: str = ""
    minutes: str = ""


class MeetingOut(MeetingIn):
    id: uuid.UUID


class DecisionIn(BaseModel):
    body_id: uuid.UUID
    decided_on: dt.date
    text: str = Field(min_length=1)
    kind: str = "other"
    subject_id: uuid.UUID | None = None
    meeting_id: uuid.UUID | None = None


class DecisionOut(BaseModel):
    id: uuid.UUID
    body_id: uuid.UUID
    body: str
    decided_on: dt.date
    text: str
    kind: str
    subject_id: uuid.UUID | None
    meeting_id: uuid.UUID | None


class Deadline(BaseModel):
    key: str
    kind: str  # directive_registration / directive_review / plan / action_plan / action
    title: str
    body: str
    due: dt.date
    owner: str
    owner_user_id: uuid.UUID | None
    overdue: bool
    link: str


class Portfolio(BaseModel):
    directives: list[DirectiveOut]
    plans: list[PlanOut]
    action_plans: list[ActionPlanOut]
    deadlines: list[Deadline]


class Pack(BaseModel):
    """The steering-group pack: portfolio, deadlines, decisions since the last meeting, action plans with
    each action's indicator figures."""

    created: dt.date
    since: dt.date | None
    portfolio: Portfolio
    decisions: list[DecisionOut]
    action_plans: list[ActionPlanOut]
