"""Who is acting: every service call that touches patient data takes an `Actor`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from enum import StrEnum


class Role(StrEnum):
    CLINICIAN = "clinician"  # coordinator / fast vårdkontakt / doctor at a hälsocentral or clinic
    MUNICIPAL_STAFF = "municipal_staff"  # home health care, social services
    UNIT_MANAGER = "unit_manager"  # verksamhetschef / enhetschef
    ANALYST = "analyst"  # follow-up, aggregates only
    ADMINISTRATOR = "administrator"  # users, roles, consent and blocks
    LOG_REVIEWER = "log_reviewer"  # audit log review (logggranskare)
    GOVERNANCE_OFFICER = "governance_officer"  # the reform's bodies, directives, plans (issue 17)
    PATIENT = "patient"  # the patient, acting for themself
    SYSTEM = "system"  # batch jobs and the demo generator


class Purpose(StrEnum):
    """Purpose of use (ändamål), as PDL 2 kap. 4 § names them for the care roles."""

    CARE = "care"  # vård och behandling
    EMERGENCY = "emergency"  # nödåtkomst: health care only (ADR 0004)
    ADMINISTRATION = "administration"
    FOLLOWUP = "followup"  # uppföljning, kvalitetssäkring
    AUDIT = "audit"  # logguppföljning, PDL 4 kap. 3 §
    SELF = "self"  # the patient reading their own data
    SYSTEM = "system"


CARE_ROLES = frozenset({Role.CLINICIAN, Role.MUNICIPAL_STAFF, Role.UNIT_MANAGER})

DEFAULT_PURPOSE: dict[Role, Purpose] = {
    Role.CLINICIAN: Purpose.CARE,
    Role.MUNICIPAL_STAFF: Purpose.CARE,
    Role.UNIT_MANAGER: Purpose.CARE,
    Role.ANALYST: Purpose.FOLLOWUP,
    Role.ADMINISTRATOR: Purpose.ADMINISTRATION,
    Role.LOG_REVIEWER: Purpose.AUDIT,
    Role.GOVERNANCE_OFFICER: Purpose.ADMINISTRATION,
    Role.PATIENT: Purpose.SELF,
    Role.SYSTEM: Purpose.SYSTEM,
}


class CareDomain(StrEnum):
    """Which law governs the actor's unit: health care (HSL; its records under PDL) or social services (SoL;
    the municipality's care of older and disabled persons is an omsorgsgivare under lag (2022:913)). They are
    different secrecy areas (OSL 25 and 26 kap.) even inside one municipality, and only health care has
    emergency access (ADR 0004)."""

    HEALTH = "health"
    SOCIAL = "social"


@dataclass(frozen=True)
class Actor:
    """A user acting for one unit (medarbetaruppdrag) with one role and purpose of use."""

    user_id: uuid.UUID | None
    username: str
    role: Role
    unit_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    purpose: Purpose
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    display_name: str = ""
    person_id: uuid.UUID | None = None  # set for Role.PATIENT
    # The X-Request-Id the client sent, bounded (app.client_request_id); `request_id` is always the server's.
    client_request_id: str | None = None
    care_domain: CareDomain = CareDomain.HEALTH  # of the unit acted for (social services: SOCIAL)

    def with_purpose(self, purpose: Purpose) -> Actor:
        return replace(self, purpose=purpose)


def system_actor(name: str = "system") -> Actor:
    return Actor(
        user_id=None,
        username=name,
        role=Role.SYSTEM,
        unit_id=None,
        organization_id=None,
        purpose=Purpose.SYSTEM,
        display_name=name,
    )
