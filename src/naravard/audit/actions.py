"""The audit trail's own actions, and the outcome every row carries."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    LOG_READ = "audit:log:read"
    # the names and personnummer a page of the log review shows (patients.service.names_for_log_review), and
    # a personnummer the reviewer's filter did not find
    PATIENT_NAMES_READ = "audit:patient-names:read"


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    EMERGENCY = "emergency"  # allowed through emergency access: flagged for the log reviewer
