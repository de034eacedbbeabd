"""The follow-up's audit actions (`audit_event.action`): the region's own targets."""

from __future__ import annotations

from enum import StrEnum


class FollowupAction(StrEnum):
    TARGET_CREATE = "followup:target:create"
    TARGET_UPDATE = "followup:target:update"
    TARGET_DELETE = "followup:target:delete"
