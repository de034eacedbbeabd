"""The audit trail's own actions, and the outcome every row carries."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    LOG_READ = "audit:log:read"


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    EMERGENCY = "emergency"  # allowed through emergency access: flagged for the log reviewer
