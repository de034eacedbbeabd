"""The access policy: may this actor read or write this patient's data?

A pure function over facts, so the rules are unit-tested without a database, and one SQL restriction
(`consent.service.restrict_to_visible`) that selects exactly the patients `decide` allows for reading.

Rules (Patientdatalagen 2008:355):
- A care role may act on patients of its own unit: listed there, or with an active care relationship
  recorded by the platform (inre sekretess, PDL 4 kap. 1 §: access needs a care relationship).
- Another organisation may read, not write, when the patient has consented for the actor's
  organisation (sammanhållen vård- och omsorgsdokumentation, lag (2022:913), which since 2023 holds what
  was PDL 6 kap.'s sammanhållen journalföring), no block applies (spärr) and the patient has no protected
  identity. Consent concerns data held by *other* givare: it never opens a patient to another unit of an
  organisation that itself holds the patient in the same care domain (a listing or a care relationship at
  one of its units); there inre sekretess rules and a care relationship is needed. A municipality's social
  services and its health care are different domains (SoL and HSL, OSL 26 and 25 kap.): consent is what
  lets one read what the other holds (ADR 0004).
- Emergency access (nödåtkomst) opens reading without relationship or consent, with a stated reason, for a
  limited time, flagged for review; it does not open a block. It is health care's (to prevent, find or
  treat illness when the patient cannot consent); social services have no emergency access (ADR 0004).
- Roles without a care mission (analyst, administrator, log reviewer) never read patient records.
- A patient reads and updates their own data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from naravard.actor import CARE_ROLES, Actor, CareDomain, Role


class Access(StrEnum):
    READ = "read"
    WRITE = "write"


EMERGENCY_ROLES = frozenset({Role.CLINICIAN, Role.MUNICIPAL_STAFF})


@dataclass(frozen=True)
class AccessFacts:
    person_id: uuid.UUID
    protected_identity: bool
    direct_unit_ids: frozenset[uuid.UUID]  # listed at, or active care relationship with
    consent_organization_ids: frozenset[uuid.UUID]
    blocked_organization_ids: frozenset[uuid.UUID]
    blocked_for_all: bool
    emergency_active: bool  # the actor has an open emergency access to this patient
    # organisations holding the patient at a unit of the actor's care domain: a consent for one of these
    # opens nothing to the actor (inre sekretess)
    direct_organization_ids: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: str  # care_relationship | consent | emergency | self | refused
    reason: str  # machine code, e.g. no_care_relationship


def _blocked(actor: Actor, facts: AccessFacts) -> bool:
    return facts.blocked_for_all or (actor.organization_id in facts.blocked_organization_ids)


def decide(actor: Actor, facts: AccessFacts, access: Access) -> Decision:
    if actor.role is Role.PATIENT:
        if actor.person_id == facts.person_id:
            return Decision(True, "self", "own_data")
        return Decision(False, "refused", "not_own_data")
    if actor.role not in CARE_ROLES or actor.unit_id is None:
        return Decision(False, "refused", "role_not_permitted")
    if actor.unit_id in facts.direct_unit_ids:
        return Decision(True, "care_relationship", "care_relationship")
    blocked = _blocked(actor, facts)
    consented = consent_applies(actor, facts)
    if consented and not blocked and not facts.protected_identity:
        if access is Access.READ:
            return Decision(True, "consent", "consent")
        return Decision(False, "refused", "consent_gives_read_only")
    if blocked:
        return Decision(False, "refused", "blocked")
    if facts.emergency_active and may_use_emergency_access(actor):
        if access is Access.READ:
            return Decision(True, "emergency", "emergency_access")
        return Decision(False, "refused", "emergency_gives_read_only")
    if facts.protected_identity:
        return Decision(False, "refused", "protected_identity")
    if consented:
        return Decision(False, "refused", "consent_gives_read_only")
    if actor.organization_id in facts.direct_organization_ids:
        return Decision(False, "refused", "same_organisation_needs_care_relationship")
    return Decision(False, "refused", "no_care_relationship_or_consent")


def consent_applies(actor: Actor, facts: AccessFacts) -> bool:
    """The patient has consented for the actor's organisation, and that organisation holds the patient at
    none of its units (else the consent would bypass inre sekretess, PDL 4 kap. 1 §)."""
    return (
        actor.organization_id in facts.consent_organization_ids
        and actor.organization_id not in facts.direct_organization_ids
    )


def may_record_consent(actor: Actor, facts: AccessFacts) -> Decision:
    """A consent is the patient's act: the patient gives it (self), or staff record what the patient said
    to their own unit, which must already have a care relationship with the patient."""
    if actor.role is Role.PATIENT:
        if actor.person_id == facts.person_id:
            return Decision(True, "self", "own_data")
        return Decision(False, "refused", "not_own_data")
    if actor.role is Role.SYSTEM:
        return Decision(True, "system", "system")
    if actor.role not in CARE_ROLES or actor.unit_id is None:
        return Decision(False, "refused", "role_not_permitted")
    if actor.unit_id in facts.direct_unit_ids:
        return Decision(True, "care_relationship", "care_relationship")
    if _blocked(actor, facts):
        return Decision(False, "refused", "blocked")
    return Decision(False, "refused", "consent_needs_care_relationship")


def may_use_emergency_access(actor: Actor) -> bool:
    """Clinicians and municipal staff of health care: social services have no emergency access."""
    return actor.role in EMERGENCY_ROLES and actor.care_domain is CareDomain.HEALTH


def may_open_emergency(actor: Actor, facts: AccessFacts) -> Decision:
    if actor.role in EMERGENCY_ROLES and actor.care_domain is CareDomain.SOCIAL:
        return Decision(False, "refused", "emergency_not_in_social_services")
    if not may_use_emergency_access(actor) or actor.unit_id is None:
        return Decision(False, "refused", "role_not_permitted")
    if _blocked(actor, facts):
        return Decision(False, "refused", "blocked")
    return Decision(True, "emergency", "emergency_access")


REASON_TEXT = {
    "own_data": "Your own data.",
    "not_own_data": "You may only see your own data.",
    "role_not_permitted": "Your role does not give access to patient records.",
    "care_relationship": "Care relationship at your unit.",
    "consent": "The patient has consented to your organisation (sammanhållen vård- och omsorgsdokumentation).",
    "consent_gives_read_only": "Consent gives read access only; changes need a care relationship at your unit.",
    "blocked": "The patient has blocked access from your organisation.",
    "emergency_access": "Emergency access.",
    "emergency_gives_read_only": "Emergency access gives read access only.",
    "protected_identity": "The patient has a protected identity; access needs a care relationship at your unit.",
    "no_care_relationship_or_consent": "No care relationship at your unit and no consent for your organisation.",
    "same_organisation_needs_care_relationship": "The patient is a patient of another unit of your organisation; "
    "access needs a care relationship at your unit (consent does not replace it).",
    "emergency_not_in_social_services": "Emergency access is for health care; social services read a "
    "patient's data with the patient's consent.",
    "consent_needs_care_relationship": "Only the patient, or staff of a unit with a care relationship with the "
    "patient, may record a consent.",
}
