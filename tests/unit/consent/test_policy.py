"""The access policy as a pure function: no database, every rule and its legal reason."""

from __future__ import annotations

import uuid

import pytest

from naravard.actor import DEFAULT_PURPOSE, Actor, Role
from naravard.consent.policy import Access, AccessFacts, decide, may_open_emergency

UNIT, OTHER_UNIT = uuid.uuid4(), uuid.uuid4()
ORG, OTHER_ORG = uuid.uuid4(), uuid.uuid4()
PERSON = uuid.uuid4()


def actor(role: Role = Role.CLINICIAN, *, person_id: uuid.UUID | None = None) -> Actor:
    return Actor(
        user_id=uuid.uuid4(),
        username="u",
        role=role,
        unit_id=UNIT,
        organization_id=ORG,
        purpose=DEFAULT_PURPOSE[role],
        person_id=person_id,
    )


def facts(**kw: object) -> AccessFacts:
    base: dict[str, object] = dict(
        person_id=PERSON,
        protected_identity=False,
        direct_unit_ids=frozenset(),
        consent_organization_ids=frozenset(),
        blocked_organization_ids=frozenset(),
        blocked_for_all=False,
        emergency_active=False,
    )
    base.update(kw)
    return AccessFacts(**base)  # type: ignore[arg-type]


def test_own_unit_reads_and_writes() -> None:
    f = facts(direct_unit_ids=frozenset({UNIT}))
    assert decide(actor(), f, Access.READ).basis == "care_relationship"
    assert decide(actor(), f, Access.WRITE).allowed


def test_own_unit_sees_protected_identity() -> None:
    f = facts(direct_unit_ids=frozenset({UNIT}), protected_identity=True)
    assert decide(actor(), f, Access.READ).allowed


def test_other_unit_of_same_organisation_is_refused_without_relationship() -> None:
    d = decide(actor(), facts(direct_unit_ids=frozenset({OTHER_UNIT})), Access.READ)
    assert not d.allowed and d.reason == "no_care_relationship_or_consent"


def test_consent_gives_read_only() -> None:
    f = facts(consent_organization_ids=frozenset({ORG}))
    assert decide(actor(), f, Access.READ).basis == "consent"
    assert decide(actor(), f, Access.WRITE).reason == "consent_gives_read_only"


def test_consent_for_another_organisation_does_not_count() -> None:
    assert not decide(actor(), facts(consent_organization_ids=frozenset({OTHER_ORG})), Access.READ).allowed


@pytest.mark.parametrize(
    "blocked", [{"blocked_organization_ids": frozenset({ORG})}, {"blocked_for_all": True}]
)
def test_block_overrides_consent_and_emergency(blocked: dict[str, object]) -> None:
    f = facts(consent_organization_ids=frozenset({ORG}), emergency_active=True, **blocked)
    d = decide(actor(), f, Access.READ)
    assert not d.allowed and d.reason == "blocked"
    assert not may_open_emergency(actor(), f).allowed


def test_block_of_another_organisation_leaves_consent() -> None:
    f = facts(consent_organization_ids=frozenset({ORG}), blocked_organization_ids=frozenset({OTHER_ORG}))
    assert decide(actor(), f, Access.READ).allowed


def test_protected_identity_is_not_shared_by_consent() -> None:
    f = facts(consent_organization_ids=frozenset({ORG}), protected_identity=True)
    assert decide(actor(), f, Access.READ).reason == "protected_identity"


def test_emergency_reads_but_does_not_write() -> None:
    f = facts(emergency_active=True, protected_identity=True)
    assert decide(actor(), f, Access.READ).basis == "emergency"
    assert not decide(actor(), f, Access.WRITE).allowed


@pytest.mark.parametrize("role", [Role.UNIT_MANAGER, Role.ANALYST, Role.ADMINISTRATOR, Role.LOG_REVIEWER])
def test_only_clinicians_and_municipal_staff_open_emergency_access(role: Role) -> None:
    assert not may_open_emergency(actor(role), facts()).allowed
    assert may_open_emergency(actor(Role.MUNICIPAL_STAFF), facts()).allowed


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMINISTRATOR, Role.LOG_REVIEWER, Role.SYSTEM])
def test_roles_without_care_mission_never_read(role: Role) -> None:
    f = facts(
        direct_unit_ids=frozenset({UNIT}), consent_organization_ids=frozenset({ORG}), emergency_active=True
    )
    assert decide(actor(role), f, Access.READ).reason == "role_not_permitted"


def test_patient_reads_own_data_only() -> None:
    assert decide(actor(Role.PATIENT, person_id=PERSON), facts(), Access.READ).basis == "self"
    assert not decide(actor(Role.PATIENT, person_id=uuid.uuid4()), facts(), Access.READ).allowed


def test_social_services_have_no_emergency_access() -> None:
    from dataclasses import replace

    from naravard.actor import CareDomain

    social = replace(actor(Role.MUNICIPAL_STAFF), care_domain=CareDomain.SOCIAL)
    assert may_open_emergency(social, facts()).reason == "emergency_not_in_social_services"
    assert not decide(social, facts(emergency_active=True), Access.READ).allowed
    assert may_open_emergency(actor(Role.MUNICIPAL_STAFF), facts()).allowed


def test_consent_opens_another_care_domain_of_the_same_organisation() -> None:
    """The facts name the organisations holding the patient in the actor's own care domain only, so a
    municipality's consent lets social services read what its home health care holds, not another home
    health care unit."""
    f = facts(direct_unit_ids=frozenset({OTHER_UNIT}), consent_organization_ids=frozenset({ORG}))
    assert decide(actor(), f, Access.READ).basis == "consent"
    held = facts(
        direct_unit_ids=frozenset({OTHER_UNIT}),
        consent_organization_ids=frozenset({ORG}),
        direct_organization_ids=frozenset({ORG}),
    )
    assert decide(actor(), held, Access.READ).reason == "same_organisation_needs_care_relationship"
