"""The notifications context's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class NotificationAction(StrEnum):
    DELIVER = "notifications:notification:deliver"  # a batch sent through a channel
    MARK_READ = "notifications:notification:read"
