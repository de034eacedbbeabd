"""Account shapes for the API."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)
    membership_id: uuid.UUID | None = None


class MembershipOut(BaseModel):
    id: uuid.UUID
    role: str
    unit_id: uuid.UUID | None
    unit_name: str | None
    organization_id: uuid.UUID | None
    organization_name: str | None


class Me(BaseModel):
    user_id: uuid.UUID
    username: str
    display_name: str
    role: str
    purpose: str
    unit_id: uuid.UUID | None
    unit_name: str | None
    organization_id: uuid.UUID | None
    organization_name: str | None
    memberships: list[MembershipOut]
    person_id: uuid.UUID | None = None  # a patient's own person (their access log, their consents)


class LoginResponse(BaseModel):
    token: str
    csrf_token: str
    me: Me


class DemoUserOut(BaseModel):
    username: str
    display_name: str
    role: str
    unit_name: str | None


class SwitchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    membership_id: uuid.UUID


class UnlockOut(BaseModel):
    """An account after an administrator's unlock: no lock and a count of wrong passwords back at zero."""

    username: str
    was_locked: bool
    failed_logins: int
    locked_until: datetime | None


class UserName(BaseModel):
    """How a user is named to others (a patient's access log): display name, and the practitioner the user
    is, whose profession the organisation register holds."""

    user_id: uuid.UUID
    username: str
    display_name: str
    practitioner_id: uuid.UUID | None


# --- The administrator's pages (issue 20) -------------------------------------------------------------------


class AssignmentOut(BaseModel):
    """A medarbetaruppdrag: the role at a unit, with the purpose of use it acts for."""

    id: uuid.UUID
    role: str
    purpose: str
    unit_hsa_id: str | None
    unit_name: str | None
    organization_name: str | None
    is_active: bool
    created_at: datetime


class AdminUserOut(BaseModel):
    username: str
    display_name: str
    is_active: bool
    locked: bool
    locked_until: datetime | None
    failed_logins: int
    assignments: list[AssignmentOut]


class NewUserRequest(BaseModel):
    """A staff account with its first assignment; the unit by its HSA-id."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=8, max_length=200)
    role: str = Field(min_length=1, max_length=32)
    unit_hsa_id: str = Field(min_length=1, max_length=31)


class AssignmentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(min_length=1, max_length=32)
    unit_hsa_id: str = Field(min_length=1, max_length=31)
