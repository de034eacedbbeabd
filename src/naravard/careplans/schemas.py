"""The careplans context's data in and out: a plan's content (what a version holds), the plan as read, the
requests of the API and pages, and what other contexts receive (`ActivityRef`, the lake rows)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from naravard.errors import Invalid

TEXT = 2000
SHORT = 200


class PlanKind(StrEnum):
    PATIENTKONTRAKT = "patientkontrakt"
    SIP = "sip"  # samordnad individuell plan, HSL 16 kap. 4 § / SoL 2 kap. 7 §


class PlanState(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"  # proposed to the patient
    AGREED = "agreed"  # the patient agreed to this version
    ACTIVE = "active"
    REVISED = "revised"  # a revision of an active plan, to be agreed again
    CLOSED = "closed"


# The lifecycle: state -> the states it may move to (closing is allowed from every open state).
TRANSITIONS: dict[PlanState, frozenset[PlanState]] = {
    PlanState.DRAFT: frozenset({PlanState.PROPOSED, PlanState.CLOSED}),
    PlanState.PROPOSED: frozenset({PlanState.AGREED, PlanState.DRAFT, PlanState.CLOSED}),
    PlanState.AGREED: frozenset({PlanState.ACTIVE, PlanState.REVISED, PlanState.CLOSED}),
    PlanState.ACTIVE: frozenset({PlanState.REVISED, PlanState.CLOSED}),
    PlanState.REVISED: frozenset({PlanState.PROPOSED, PlanState.AGREED, PlanState.CLOSED}),
    PlanState.CLOSED: frozenset(),
}


class Author(StrEnum):
    PATIENT = "patient"
    STAFF = "staff"


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    DONE = "done"
    CANCELLED = "cancelled"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Statement(Strict):
    """What matters to the patient, or a goal, in the author's words."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    text: str = Field(min_length=1, max_length=TEXT)
    author: Author = Author.STAFF
    target_date: date | None = None


class Need(Strict):
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    text: str = Field(min_length=1, max_length=TEXT)


class Activity(Strict):
    """What is done, by whom (a unit, or a practitioner, of any organisation), when or how often."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    what: str = Field(min_length=1, max_length=TEXT)
    unit_id: uuid.UUID | None = None
    practitioner_id: uuid.UUID | None = None
    by_name: str | None = Field(default=None, max_length=SHORT)
    frequency: str | None = Field(default=None, max_length=SHORT)
    start_date: date | None = None
    end_date: date | None = None
    status: ActivityStatus = ActivityStatus.PLANNED


class Step(Strict):
    """The agreed timeline ("tid i handen"): the next appointments and steps."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    on: date
    what: str = Field(min_length=1, max_length=TEXT)
    unit_id: uuid.UUID | None = None


class ParticipantKind(StrEnum):
    STAFF = "staff"
    RELATIVE = "relative"  # närstående, where the patient wants


class Participant(Strict):
    kind: ParticipantKind = ParticipantKind.STAFF
    name: str = Field(min_length=1, max_length=SHORT)
    unit_id: uuid.UUID | None = None  # staff: their unit (its organisation is the access that counts)
    role: str | None = Field(default=None, max_length=SHORT)
    responsibility: str | None = Field(default=None, max_length=TEXT)  # SIP: each party's responsibility


class Invitation(Strict):
    unit_id: uuid.UUID
    invited_on: date


class Meeting(Strict):
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    on: date
    attendees: list[str] = Field(default_factory=list, max_length=50)
    patient_attended: bool = False


class NeedMapping(Strict):
    need: str = Field(min_length=1, max_length=TEXT)
    unit_id: uuid.UUID | None = None  # the party that meets it


class Sip(Strict):
    """The SIP's steps (HSL 16 kap. 4 §, SoL 2 kap. 7 §)."""

    called_by_unit_id: uuid.UUID | None = None
    called_by_name: str | None = Field(default=None, max_length=SHORT)
    called_on: date | None = None
    patient_consent: bool = False  # the patient consented to a SIP (required)
    patient_consent_on: date | None = None
    invitations: list[Invitation] = Field(default_factory=list, max_length=50)
    meetings: list[Meeting] = Field(default_factory=list, max_length=50)
    needs_mapping: list[NeedMapping] = Field(default_factory=list, max_length=100)
    main_responsible_unit_id: uuid.UUID | None = None
    follow_up_date: date | None = None
    evaluation: str | None = Field(default=None, max_length=TEXT)


class AgreementMethod(StrEnum):
    IN_PERSON = "in_person"
    DIGITAL = "digital"  # the patient agreed on /min/plan
    PHONE = "phone"
    REPRESENTATIVE = "representative"


class Agreement(Strict):
    method: AgreementMethod
    on: date
    note: str | None = Field(default=None, max_length=TEXT)


class PlanContent(Strict):
    matters: list[Statement] = Field(default_factory=list, max_length=100)
    goals: list[Statement] = Field(default_factory=list, max_length=100)
    needs: list[Need] = Field(default_factory=list, max_length=100)
    activities: list[Activity] = Field(default_factory=list, max_length=200)
    timeline: list[Step] = Field(default_factory=list, max_length=200)
    participants: list[Participant] = Field(default_factory=list, max_length=50)
    sip: Sip | None = None
    agreement: Agreement | None = None
    follow_up_date: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> PlanContent:
        for i, a in enumerate(self.activities):
            if a.start_date and a.end_date and a.end_date < a.start_date:
                raise ValueError(f"activities[{i}].end_date: must not be before start_date")
        return self


class CreatePlan(Strict):
    person_id: uuid.UUID
    kind: PlanKind = PlanKind.PATIENTKONTRAKT
    coordinator_user_id: uuid.UUID | None = None
    content: PlanContent = Field(default_factory=PlanContent)


class SavePlan(Strict):
    content: PlanContent


class TransitionRequest(Strict):
    to: PlanState
    reason: str | None = Field(default=None, max_length=500)  # required when closing
    agreement: Agreement | None = None  # how the patient agreed, when staff record it


class PatientStatementIn(Strict):
    """The patient adds or edits a goal or what matters (recorded as patient-authored)."""

    section: str = Field(pattern="^(goals|matters)$")
    text: str = Field(min_length=1, max_length=TEXT)
    id: uuid.UUID | None = None  # an existing patient-authored statement to edit


class PlanOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    person_name: str = ""
    kind: PlanKind
    state: PlanState
    unit_id: uuid.UUID
    unit_name: str
    coordinator_user_id: uuid.UUID | None
    version_no: int
    created_at: datetime
    updated_at: datetime
    proposed_at: datetime | None
    agreed_at: datetime | None
    closed_at: datetime | None
    closed_reason: str | None
    content: PlanContent
    unit_names: dict[str, str] = Field(default_factory=dict)  # unit id -> "unit (organisation)"

    @property
    def etag(self) -> str:
        return f'"{self.id}-{self.version_no}"'


class VersionOut(BaseModel):
    version_no: int
    state: PlanState
    saved_at: datetime
    saved_by: str
    saved_by_role: str
    note: str | None


class Change(BaseModel):
    section: str
    change: str  # added | removed | changed
    before: str | None
    after: str | None


class PlanDiff(BaseModel):
    plan_id: uuid.UUID
    from_version: int
    to_version: int
    changes: list[Change]


class PlanListItem(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    person_name: str
    kind: PlanKind
    state: PlanState
    version_no: int
    updated_at: datetime
    attention: list[str]  # English codes: proposed_not_agreed, follow_up_passed, sip_without_main_party


class Figures(BaseModel):
    """Live figures: shares among the plans counted (None when there are none)."""

    plans: int
    patient_goals_share: float | None
    agreed_share: float | None
    next_appointment_share: float | None
    sips: int
    sip_patient_attended_share: float | None


class ActivityRef(BaseModel):
    """One activity of a plan, for the coordination context (tasks between units)."""

    plan_id: uuid.UUID
    person_id: uuid.UUID
    coordinator_user_id: uuid.UUID | None
    activity_id: uuid.UUID
    text: str
    responsible_unit_id: uuid.UUID | None


def parse_etag(value: str | None, plan_id: uuid.UUID) -> int:
    """The base version an If-Match header names (``"<plan id>-<version>"`` or a bare number)."""
    if value is None or not value.strip():
        raise Invalid(
            "If-Match: required; send the ETag of the version the change is based on", field="If-Match"
        )
    raw = value.strip().removeprefix("W/").strip('"')
    number = raw.rsplit("-", 1)[-1] if raw.startswith(str(plan_id)) else raw
    try:
        return int(number)
    except ValueError:
        raise Invalid("If-Match: not an ETag of this plan", field="If-Match") from None
