"""Shapes of patient data going in and out of the service layer (API, UI and CLI share them)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

PHONE_PATTERN = r"^\+?[0-9 ()-]{5,30}$"
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]{1,185}\.[A-Za-z]{2,}$"
NOTE_MAX = 1000  # a patient's note on a read they question


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
    masked: bool = False  # a protected identity shown without name, birth date, sex or unit


class PatientSearch(BaseModel):
    """A search's hits, and how many there were in all (a name search shows at most `limit`)."""

    hits: list[PatientHit]
    total: int
    by_identifier: bool  # an identity lookup by personnummer, not a name search


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
    """One row of the patient's access log ("who has read my data"). `what`, `why` and `profession` are
    English words the pages translate; `action`, `purpose` and `outcome` are the audit trail's codes."""

    seq: int  # the audit row (what a question names)
    when: datetime
    who: str  # the user name
    name: str | None = None  # the user's display name
    profession: str | None = None  # e.g. "Doctor", when the user is a practitioner
    role: str
    unit: str | None
    organization: str | None
    action: str
    what: str
    purpose: str
    why: str
    emergency_reason: str | None = None  # the reason stated when the emergency access used was opened
    outcome: str
    questioned: bool = False  # the patient has reported this row


class AccessQuestionRequest(BaseModel):
    """The patient reports a row of their access log they question."""

    model_config = ConfigDict(extra="forbid")

    audit_seq: int = Field(ge=1)
    note: str = Field(default="", max_length=NOTE_MAX)


class AccessQuestion(BaseModel):
    """A read the patient questions, for the log reviewer: the report and the row it names."""

    seq: int  # the question's own audit row
    asked_at: datetime
    person_id: uuid.UUID
    patient_name: str | None  # None for a protected identity (the personnummer identifies the person)
    patient_identifier: str
    note: str | None
    questioned: AccessLogEntry | None  # None only if the row named is not a read of this patient


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
