"""The careplans context's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class CarePlanAction(StrEnum):
    CREATE = "careplans:plan:create"
    READ = "careplans:plan:read"  # a plan, its versions or a diff
    SAVE = "careplans:plan:save"  # a new version of the content
    TRANSITION = "careplans:plan:transition"
    LIST = "careplans:plan:list"  # a patient's plans, the coordinator's worklist
    PATIENT_STATEMENT = "careplans:plan:patient-statement"  # the patient's own goal or what matters
    PATIENT_AGREE = "careplans:plan:patient-agree"  # the patient agreed to a proposed version
    FIGURES = "careplans:figures:read"
    EXPORT = "careplans:plan:export"  # to the follow-up lake
    ACTIVITY_READ = "careplans:activity:read"  # one activity, for coordination's tasks
    PLAN_SEED = "careplans:care_plan:seed"
    VERSION_SEED = "careplans:care_plan_version:seed"
