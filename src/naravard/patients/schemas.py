"""Shapes of patient data going in and out of the service layer (API, UI and CLI share them)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

PHONE_PATTERN = r"^\+?[0-9 ()-]{5,30}$"
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]{1,185}\.[A-Za-z]{2,}$"


class PatientHit(BaseModel):
    id: uuid.UUID
    identifier: str  # YYYYMMDD-NNNC
    name: str
    birth_date: date | None
    sex: str | None
    protected_identity: bool
    blocked: bool = False  # the patient has blocked the searcher's organisation: shown without details
    accessible: bool  # opening the overview will succeed without emergency access
    listed_unit: str | None


class Listing(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    unit_hsa_id: str
    organization_name: str
    since: date


class PatientOverview(BaseModel):
    id: uuid.UUID
    identifier: str
    identifier_kind: str
    identifier_system: str
    given_name: str
    family_name: str
    birth_date: date
    age: int
    sex: str
    protected_identity: bool
    municipality_code: str | None
    municipality: str | None
    address: str | None  # None when protected
    postal_code: str | None
    city: str | None
    phone: str | None
    email: str | None
    listing: Listing | None
    access_basis: str  # care_relationship | consent | emergency | self
    version: int


class ContactUpdate(BaseModel):
    """Contact details the care may keep up to date (identity and address come from folkbokföringen)."""

    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(default=None, max_length=30, pattern=PHONE_PATTERN)
    email: str | None = Field(default=None, max_length=200, pattern=EMAIL_PATTERN)


class AccessLogEntry(BaseModel):
    when: datetime
    who: str
    role: str
    unit: str | None
    organization: str | None
    action: str
    purpose: str
    outcome: str


class EmergencyAccessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=10, max_length=1000)


class EmergencyAccessOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    expires_at: datetime


class ListingPeriod(BaseModel):
    """One listing of a person, as the database holds it (``end_date`` the last day listed, None = now)."""

    unit_id: uuid.UUID
    start_date: date
    end_date: date | None


class PopulationRow(BaseModel):
    """One person in the follow-up extract: pseudonymised downstream, never named."""

    person_id: uuid.UUID
    sex: str
    birth_date: date
    municipality_code: str | None
    listing_unit_id: uuid.UUID | None  # the active listing's unit
    listed_since: date | None
    listings: list[ListingPeriod] = Field(default_factory=list)  # the whole history, oldest first
