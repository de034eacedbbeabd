"""What the notifications service returns."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel


class NotificationView(BaseModel):
    id: uuid.UUID
    to_unit_id: uuid.UUID | None
    to_user_id: uuid.UUID | None
    kind: str
    subject: str
    body: str
    link: str | None
    due: date | None
    created_at: datetime
    read_at: datetime | None
    delivered_at: datetime | None
    attempts: int


class DeliveryReport(BaseModel):
    delivered: int
    failed: int
