"""The coordination context's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class CoordinationAction(StrEnum):
    pass
