"""Shapes of listings and fixed contacts going in and out of the service layer (API, UI and CLI share them)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

NOTE_MAX = 500

# Swedish norms put a full-time general practitioner's list at about 1,500 patients (Läkarförbundet's
# "1 100-1 500"); a unit sets its own.
DEFAULT_CAPACITY_PER_FTE = 1500
DEFAULT_NEED_MIN_AGE = 75
DEFAULT_NEED_MIN_CONTACTS = 8


class UnitSettings(BaseModel):
    """A unit's capacity per full-time doctor and its rule for who needs a fast vårdkontakt (PL 6 kap. 2 §:
    trygghet, kontinuitet, samordning, säkerhet). `version` 0: the defaults, never saved."""

    capacity_per_fte: int = Field(DEFAULT_CAPACITY_PER_FTE, ge=50, le=5000)
    need_min_age: int | None = Field(DEFAULT_NEED_MIN_AGE, ge=0, le=120)
    need_home_health_care: bool = True
    need_min_contacts: int | None = Field(DEFAULT_NEED_MIN_CONTACTS, ge=1, le=365)
    version: int = 0


class DoctorFteIn(BaseModel):
    percent: int = Field(ge=0, le=100)


class FixedContactOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    kind: str  # doctor | care_contact
    practitioner_id: uuid.UUID
    practitioner_name: str
    profession: str
    unit_id: uuid.UUID
    unit_name: str
    organization_name: str
    valid_from: date
    valid_to: date | None
    active: bool
    reason: str
    note: str | None
    end_reason: str | None
    informed_at: datetime | None
    informed_how: str | None
    version: int


class AssignRequest(BaseModel):
    person_id: uuid.UUID
    kind: str = Field(pattern="^(doctor|care_contact)$")
    practitioner_id: uuid.UUID
    # the practitioner's unit for this appointment; a fast läkarkontakt's is the listing unit
    unit_id: uuid.UUID | None = None
    reason: str = Field(min_length=1, max_length=32)
    note: str | None = Field(None, max_length=NOTE_MAX)


class ChangeRequest(BaseModel):
    practitioner_id: uuid.UUID
    unit_id: uuid.UUID | None = None
    reason: str = Field("change", min_length=1, max_length=32)
    note: str | None = Field(None, max_length=NOTE_MAX)
    version: int


class EndRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=32)
    note: str | None = Field(None, max_length=NOTE_MAX)
    version: int


class ChangeResult(BaseModel):
    """What a write did: the contact it made or ended, and the fixed doctors a listing change ended."""

    contact: FixedContactOut | None = None
    ended: list[FixedContactOut] = []
    message: str = ""


class MoveListingRequest(BaseModel):
    unit_id: uuid.UUID


class NeedReason(BaseModel):
    """Why a person needs a fast vårdkontakt under the unit's rule: `code` age | home_health_care | contacts,
    with the person's value and the rule's threshold."""

    code: str
    value: int
    threshold: int | None = None


class ContactRef(BaseModel):
    """A fixed contact in force as the manager's page writes to it: its id and version (for change and end)."""

    id: uuid.UUID
    version: int
    practitioner_id: uuid.UUID
    name: str


class PractitionerChoice(BaseModel):
    """A practitioner the manager may appoint as fast vårdkontakt (licensed, at the unit or in home health care)."""

    practitioner_id: uuid.UUID
    name: str
    profession: str


class PopulationRow(BaseModel):
    person_id: uuid.UUID
    name: str
    identifier: str
    age: int
    doctor_id: uuid.UUID | None
    doctor_name: str | None
    care_contact_names: list[str]
    needs: list[NeedReason]
    informed: bool  # every fixed contact in force has been told to the patient
    doctor_contact: ContactRef | None = None
    care_contacts: list[ContactRef] = []


class DoctorList(BaseModel):
    practitioner_id: uuid.UUID
    name: str
    profession: str
    fte_percent: int
    capacity: int
    listed: int  # patients with this practitioner as fixed contact (doctor or care contact) in force
    kind: str  # doctor | care_contact


class UnitFigures(BaseModel):
    """The unit's live figures (issue 14): computed from the platform's own rows at the moment of reading."""

    listed: int
    with_doctor: int
    complex_needs: int
    complex_with_care_contact: int
    started_last_year: int  # fixed contacts that started in the last 365 days, at least 14 days ago
    informed_within_14: int

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def share_with_doctor(self) -> float | None:
        return self.share(self.with_doctor, self.listed)

    @property
    def share_complex_with_care_contact(self) -> float | None:
        return self.share(self.complex_with_care_contact, self.complex_needs)

    @property
    def share_informed_within_14(self) -> float | None:
        return self.share(self.informed_within_14, self.started_last_year)


class UnitOverview(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    unit_hsa_id: str
    settings: UnitSettings
    lists: list[DoctorList]
    lacking_doctor: list[PopulationRow]
    needing_care_contact: list[PopulationRow]
    population: list[PopulationRow]  # the first `shown` of the listed population, by name
    figures: UnitFigures
    continuity_source: str
    care_contact_choices: list[PractitionerChoice] = []


class ProposalRow(BaseModel):
    person_id: uuid.UUID
    name: str
    age: int
    need: int  # the number of need reasons
    needs: list[NeedReason]
    practitioner_id: uuid.UUID | None  # None: no doctor has room
    practitioner_name: str | None
    visits_with_proposed: int
    most_seen_id: uuid.UUID | None
    household: bool  # placed with the rest of their household


class ProposalEffect(BaseModel):
    """The unit's continuity figures now and if the proposal is confirmed."""

    listed: int
    with_doctor_before: int
    with_doctor_after: int
    doctor_visits: int  # last year's doctor visits of the listed population (the continuity source's)
    visits_with_fixed_before: int
    visits_with_fixed_after: int


class Proposal(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    unit_hsa_id: str
    rows: list[ProposalRow]
    effect: ProposalEffect
    continuity_source: str
    doctors: list[DoctorList]


class ConfirmRow(BaseModel):
    person_id: uuid.UUID
    practitioner_id: uuid.UUID


class ConfirmRequest(BaseModel):
    rows: list[ConfirmRow] = Field(max_length=100_000)


class ConfirmResult(BaseModel):
    assigned: int
    notices: int


class NoticeOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    person_name: str | None
    fixed_contact_id: uuid.UUID
    event: str
    channel: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    version: int


class ImportRow(BaseModel):
    """One assignment from a records system's export (CSV), with the line it came from."""

    line: int
    identifier: str  # personnummer or samordningsnummer
    kind: str
    practitioner_hsa_id: str
    unit_hsa_id: str
    valid_from: date
    valid_to: date | None = None
    informed_date: date | None = None


class BadRow(BaseModel):
    line: int
    column: str
    reason: str


class ImportReport(BaseModel):
    imported: int
    bad: list[BadRow]
    written: bool


class MyContacts(BaseModel):
    """The patient's own page: fixed contacts in force, the listing unit, and the history."""

    listed_unit: str | None
    listed_organization: str | None
    doctor: FixedContactOut | None
    care_contacts: list[FixedContactOut]
    history: list[FixedContactOut]


class ExtractRow(BaseModel):
    """A fixed contact for the follow-up lake's `fixed_contacts` (ids still the platform's)."""

    person_id: uuid.UUID
    practitioner_id: uuid.UUID
    profession: str
    kind: str
    valid_from: date
    valid_to: date | None
    informed_date: date | None
