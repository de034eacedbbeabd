"""The organisation register's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class OrganizationAction(StrEnum):
    ORGANIZATION_SEED = "organizations:organization:seed"
    CARE_UNIT_SEED = "organizations:care_unit:seed"
    PRACTITIONER_SEED = "organizations:practitioner:seed"
    PRACTITIONER_ROLE_SEED = "organizations:practitioner_role:seed"
