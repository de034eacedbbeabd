from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from naravard.bounds import UtcDatetime


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


ConsentMethodName = Literal["self_service", "verbal", "written"]
ConsentGiverName = Literal["patient", "guardian", "representative"]


class ConsentRequest(BaseModel):
    """Staff state how and by whom the consent was given; a patient names the organisation (staff record
    it for their own organisation only)."""

    model_config = ConfigDict(extra="forbid")

    organization_id: uuid.UUID | None = None
    method: ConsentMethodName | None = None
    given_by: ConsentGiverName | None = None
    valid_until: UtcDatetime | None = None
    note: str | None = Field(default=None, max_length=500)


class ConsentOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    organization_id: uuid.UUID
    organization_name: str
    given_at: datetime
    valid_until: datetime | None
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    method: str | None  # None: recorded before the method was asked
    given_by: str | None
    recorded_by: str
    recorded_by_unit: str | None
    note: str | None
    active: bool
    flagged: bool  # recorded by staff, so listed for the log reviewer
    reviewed_at: datetime | None
    reviewed_by: str | None
    review_note: str | None
    request_reference: str | None = None  # recorded by an administrator on this written request


class BlockRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    blocked_organization_id: uuid.UUID | None = None
    reason: str | None = Field(default=None, max_length=500)


class BlockOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    blocked_organization_id: uuid.UUID | None
    lifted_at: datetime | None


class ConsentMethod(StrEnum):
    """How the patient gave the consent (lag (2022:913) om sammanhållen vård- och omsorgsdokumentation: the patient's own consent)."""

    SELF_SERVICE = "self_service"  # the patient's own login (e-tjänst)
    VERBAL = "verbal"
    WRITTEN = "written"


class ConsentGiver(StrEnum):
    PATIENT = "patient"
    GUARDIAN = "guardian"  # vårdnadshavare, for a child
    REPRESENTATIVE = "representative"  # legal representative (ställföreträdare)


class OnRequestConsent(BaseModel):
    """A consent an administrator records on the patient's written request (the patient named by
    personnummer or samordningsnummer): for which organisation, who asked, the request's reference and what
    it says."""

    model_config = ConfigDict(extra="forbid")

    identifier: str = Field(min_length=10, max_length=20)
    organization_id: uuid.UUID
    given_by: ConsentGiverName
    request_reference: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)
    valid_until: UtcDatetime | None = None


class OnRequestBlock(BaseModel):
    """A block (spärr) an administrator records on the patient's written request; no organisation blocks
    every organisation but the one the patient is listed with."""

    model_config = ConfigDict(extra="forbid")

    identifier: str = Field(min_length=10, max_length=20)
    blocked_organization_id: uuid.UUID | None = None
    given_by: ConsentGiverName
    request_reference: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)


class OnRequestOut(BaseModel):
    """A consent or block recorded on request, as the administrator's list shows it: no patient data."""

    kind: Literal["consent", "block"]
    id: uuid.UUID
    organization_name: str | None  # None: every organisation (a block)
    given_by: str | None
    request_reference: str
    reason: str | None
    recorded_by: str
    recorded_at: datetime
    active: bool
    flagged: bool
