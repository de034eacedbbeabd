"""The coordination context's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class CoordinationAction(StrEnum):
    TASK_SEED = "coordination:task:seed"
    TASK_EVENT_SEED = "coordination:task_event:seed"
    TASK_CREATE = "coordination:task:create"
    TASK_READ = "coordination:task:read"
    TASK_CHANGE = "coordination:task:change"  # accepted, declined, reassigned, done
    WORKLIST_READ = "coordination:worklist:read"
    DISCHARGE_SEED = "coordination:discharge:seed"
    DISCHARGE_EVENT_SEED = "coordination:discharge_event:seed"
    DISCHARGE_ADMIT = "coordination:discharge:admit"  # the admission and its inskrivningsmeddelande
    DISCHARGE_READ = "coordination:discharge:read"
    DISCHARGE_CHANGE = "coordination:discharge:change"  # a step of the discharge planning
    DISCHARGE_IMPORT = "coordination:discharge:import"  # a batch from a records system (CSV)
    ADMISSION_EXPORT = "coordination:admission:export"  # to the follow-up lake
