"""The governance context's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class GovernanceAction(StrEnum):
    pass
