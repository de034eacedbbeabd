"""The log reviewer reads events, outcomes, purposes and reasons in words (issue 19): every member of every
context's action enum has a text, and every text the log page shows has its Swedish."""

from __future__ import annotations

from enum import StrEnum
from importlib import import_module
from importlib.util import find_spec

from naravard.actor import Purpose, Role
from naravard.audit import events
from naravard.audit.actions import Outcome
from naravard.consent.policy import REASON_TEXT
from naravard.contexts import CONTEXTS
from naravard.web.i18n import catalogue


def _action_enums() -> list[type[StrEnum]]:
    """Every StrEnum of every context's ``actions`` module (the outcome is not an action)."""
    found = []
    for context in CONTEXTS:
        name = f"{context.package}.actions"
        if find_spec(name) is None:
            continue
        module = import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, StrEnum)
                and value is not StrEnum
                and value is not Outcome
                and value.__module__ == name
            ):
                found.append(value)
    return found


def test_every_action_of_every_context_has_words() -> None:
    enums = _action_enums()
    assert {e.__name__ for e in enums} >= {"AccountAction", "AuditAction", "ConsentAction", "PatientAction"}
    missing = [
        f"{e.__name__}.{m.name} ({m.value})" for e in enums for m in e if m.value not in events.ACTION_TEXT
    ]
    assert not missing, f"audit.events.ACTION_TEXT has no text for {missing}"
    assert "accounts:session:login-failed" in events.ACTION_TEXT  # issue 19's new member


def test_every_outcome_purpose_and_role_has_words() -> None:
    assert set(events.OUTCOME_TEXT) == {o.value for o in Outcome}
    assert set(events.PURPOSE_TEXT) == {p.value for p in Purpose}
    shown_roles = {events.ROLE_TEXT.get(r.value, r.value) for r in Role}
    assert all(role in catalogue() for role in shown_roles), shown_roles - set(catalogue())


def test_every_text_the_log_shows_is_in_swedish() -> None:
    texts = {
        *events.ACTION_TEXT.values(),
        *events.OUTCOME_TEXT.values(),
        *events.PURPOSE_TEXT.values(),
        *events.REASON_TEXT.values(),
        *REASON_TEXT.values(),  # the access policy's reasons: the log's and the patient page's refusals
    }
    missing = sorted(t for t in texts if t not in catalogue())
    assert not missing, f"no Swedish for {missing}"
    assert catalogue()["Read the patient overview"] == "Läste patientöversikten"
    assert [catalogue()[events.OUTCOME_TEXT[o]] for o in ("allowed", "denied", "emergency")] == [
        "Tillåten",
        "Nekad",
        "Nödåtkomst",
    ]
    assert catalogue()[REASON_TEXT["no_care_relationship_or_consent"]].startswith("Ingen vårdrelation")


def test_policy_reason_codes_and_the_trails_own_do_not_overlap() -> None:
    assert not set(REASON_TEXT) & set(events.REASON_TEXT)
