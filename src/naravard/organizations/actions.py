"""The organisation register's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class OrganizationAction(StrEnum):
    ORGANIZATION_SEED = "organizations:organization:seed"
    CARE_UNIT_SEED = "organizations:care_unit:seed"
    PRACTITIONER_SEED = "organizations:practitioner:seed"
    PRACTITIONER_ROLE_SEED = "organizations:practitioner_role:seed"
    # The administrator's register (issue 20): reads are logged too, so a refusal and an allowed look match
    ORGANIZATION_LIST = "organizations:organization:list"
    ORGANIZATION_CREATE = "organizations:organization:create"
    ORGANIZATION_UPDATE = "organizations:organization:update"
    CARE_UNIT_LIST = "organizations:care_unit:list"
    CARE_UNIT_CREATE = "organizations:care_unit:create"
    CARE_UNIT_UPDATE = "organizations:care_unit:update"
    CATALOGUE_IMPORT = "organizations:care_unit:import"
