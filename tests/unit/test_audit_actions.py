"""Audit actions are one enum per context (issue 18): every tag is written by exactly one member, in the
trail's shape, and `audit.service.record` takes no free string."""

from __future__ import annotations

import inspect
import re
from enum import StrEnum

from naravard.accounts.actions import AccountAction
from naravard.audit import service as audit_service
from naravard.audit.actions import AuditAction, Outcome
from naravard.consent.actions import ConsentAction
from naravard.contacts.actions import ContactAction
from naravard.followup.actions import FollowupAction
from naravard.organizations.actions import OrganizationAction
from naravard.patients.actions import PatientAction
from naravard.synth.actions import SynthAction

ENUMS: list[type[StrEnum]] = [
    AccountAction,
    AuditAction,
    ConsentAction,
    ContactAction,
    FollowupAction,
    OrganizationAction,
    PatientAction,
    SynthAction,
]
# "context:subject:verb"; the oldest tag, patient:search, has two parts and keeps them, as the trail has it.
SHAPE = re.compile(r"^[a-z]+(:[a-z_-]+){1,2}$")


def test_every_tag_is_one_member_in_the_trails_shape() -> None:
    values = [member.value for enum in ENUMS for member in enum]
    assert len(values) == len(set(values)), "a tag written by two members"
    assert all(SHAPE.match(v) for v in values), [v for v in values if not SHAPE.match(v)]
    assert {o.value for o in Outcome} == {"allowed", "denied", "emergency"}


def test_record_and_refuse_take_enums_not_strings() -> None:
    for function in (audit_service.record, audit_service.refuse, audit_service.count_actions):
        annotation = inspect.signature(function).parameters["action"].annotation
        assert annotation == "StrEnum", function.__name__
    assert inspect.signature(audit_service.record).parameters["outcome"].annotation == "Outcome"


def test_no_service_writes_an_action_as_a_string_literal() -> None:
    from pathlib import Path

    import naravard

    root = Path(naravard.__file__).parent
    literal = re.compile(r'action="[a-z]+:')
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py") if literal.search(p.read_text())]
    assert offenders == []
