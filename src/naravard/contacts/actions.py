"""The contacts context's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class ContactAction(StrEnum):
    LISTING_SEED = "contacts:listing:seed"
