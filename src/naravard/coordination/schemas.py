"""What the coordination service takes and returns."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


class TaskIn(BaseModel):
    person_id: uuid.UUID | None = None
    personnummer: str | None = Field(default=None, max_length=20)
    to_unit_id: uuid.UUID
    to_practitioner_id: uuid.UUID | None = None
    what: str = Field(min_length=1, max_length=500)
    why: str = Field(min_length=1, max_length=2000)
    due_date: date
    priority: str = Field(default="normal", pattern="^(normal|high|urgent)$")
    activity_id: uuid.UUID | None = None  # an activity of the patient's care plan


class TaskChange(BaseModel):
    to: str = Field(pattern="^(new|accepted|declined|reassigned|done)$")
    reason: str | None = Field(default=None, max_length=1000)
    to_unit_id: uuid.UUID | None = None  # reassign: the new unit


class TaskEventOut(BaseModel):
    version: int
    from_status: str | None
    to_status: str
    to_unit_id: uuid.UUID
    to_unit_name: str
    note: str | None
    at: datetime
    by_username: str


class TaskOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    patient_name: str | None = None
    from_unit_id: uuid.UUID
    from_unit_name: str = ""
    to_unit_id: uuid.UUID
    to_unit_name: str = ""
    to_practitioner_id: uuid.UUID | None
    what: str
    why: str
    due_date: date
    priority: str
    careplan_id: uuid.UUID | None
    activity_id: uuid.UUID | None
    activity_text: str | None
    coordinator_user_id: uuid.UUID | None
    status: str
    status_reason: str | None
    overdue: bool
    created_at: datetime
    updated_at: datetime
    version: int
    events: list[TaskEventOut] = []


class AdmissionIn(BaseModel):
    """An admission at the actor's hospital unit (a page, or a records system's message)."""

    person_id: uuid.UUID | None = None
    personnummer: str | None = Field(default=None, max_length=20)
    admitted_at: datetime
    planned: bool = False
    planned_discharge_date: date | None = None
    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    sender: str = Field(default="naravard", min_length=1, max_length=64)
    message_id: str | None = Field(default=None, min_length=1, max_length=64)


class DischargeMessageIn(BaseModel):
    """A records system's discharge message for an admission it sent (by its own message id)."""

    sender: str = Field(min_length=1, max_length=64)
    admission_message_id: str = Field(min_length=1, max_length=64)
    discharge_date: date
    ready_date: date | None = None
    needs_continue: bool = False


class DischargeStepIn(BaseModel):
    step: str = Field(max_length=32)  # DischargeStep
    on: date | None = None  # planned, ready, discharge, SIP date
    text: str | None = Field(default=None, max_length=1000)  # what the municipality provides; the contact
    needs_continue: bool | None = None
    careplan_id: uuid.UUID | None = None


class DischargeEventOut(BaseModel):
    version: int
    step: str
    from_status: str | None
    to_status: str
    detail: str | None
    at: datetime
    by_username: str


class DischargeOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    patient_name: str | None = None
    hospital_unit_id: uuid.UUID
    hospital_unit_name: str = ""
    municipality_code: str
    municipality_unit_id: uuid.UUID
    municipality_unit_name: str = ""
    health_centre_unit_id: uuid.UUID | None
    health_centre_unit_name: str = ""
    sender: str
    sender_message_id: str
    admitted_at: datetime
    planned: bool
    notice_sent_at: datetime
    planned_discharge_date: date | None
    ready_date: date | None
    accepted_at: datetime | None
    municipality_provides: str | None
    fast_vardkontakt: str | None
    discharge_date: date | None
    needs_continue: bool | None
    sip_date: date | None
    sip_careplan_id: uuid.UUID | None
    status: str  # DischargeStatus
    version: int
    days_ready_to_discharge: int | None
    late: list[str] = []  # the law's deadlines missed: notice_24h, ready_not_discharged, sip_3_days
    events: list[DischargeEventOut] = []


class WorkItem(BaseModel):
    kind: str  # task_in, task_out, discharge
    id: uuid.UUID
    person_id: uuid.UUID
    patient_name: str
    what: str
    counterpart: str
    status: str
    due: date | None
    waits_for_us: bool
    late: bool
    late_reasons: list[str] = []
    link: str


class Figures(BaseModel):
    """Live figures of the actor's unit (a municipality's unit or a hospital unit)."""

    discharges: int
    median_days_ready_to_discharge: float | None
    p90_days_ready_to_discharge: float | None
    notices: int
    share_notices_within_24h: float | None
    tasks_overdue: int


class Worklist(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    items: list[WorkItem]
    total: int
    shown: int
    waiting: int
    late: int
    figures: Figures
    offset: int = 0  # the first row of the page (paging: `shown` rows from here, of `total`)
    municipality_figures: Figures | None = None  # the whole municipality, on a municipal receiver's worklist


class ImportProblem(BaseModel):
    line: int
    column: str
    reason: str


class ImportReport(BaseModel):
    imported: int
    unchanged: int
    problems: list[ImportProblem]


class AdmissionExportRow(BaseModel):
    """One row of the lake's ``admissions`` (pseudonymised by the caller's function)."""

    admission_id: int
    person_id: int
    unit_id: int
    admit_date: date
    utskrivningsklar_date: date | None
    discharge_date: date | None
    planned: bool
