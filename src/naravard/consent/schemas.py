from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class EmergencyAccessView(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    user_id: uuid.UUID
    unit_id: uuid.UUID
    reason: str
    created_at: datetime
    expires_at: datetime
    reviewed_at: datetime | None
    reviewed_by: str | None
    review_note: str | None


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=1000)


class ConsentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid_until: datetime | None = None
    note: str | None = Field(default=None, max_length=500)


class ConsentOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    organization_id: uuid.UUID
    given_at: datetime
    valid_until: datetime | None


class BlockRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    blocked_organization_id: uuid.UUID | None = None
    reason: str | None = Field(default=None, max_length=500)


class BlockOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    blocked_organization_id: uuid.UUID | None
    lifted_at: datetime | None
