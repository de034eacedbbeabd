from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class AuditEventOut(BaseModel):
    seq: int
    occurred_at: datetime
    request_id: str
    user_id: uuid.UUID | None
    username: str
    role: str
    unit_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    purpose: str
    patient_id: uuid.UUID | None
    action: str
    outcome: str
    reason: str | None
    detail: str | None
    hash: str = Field(description="HMAC of the row in the audit chain; empty until the row is sealed.")
    sealed_seq: int | None = Field(
        default=None, description="The row's place in the audit chain; null until the sealer has chained it."
    )


class AuditPage(BaseModel):
    total: int
    events: list[AuditEventOut]
