"""Who needs a fast vårdkontakt: the unit's configurable rule (PL 6 kap. 2 §: when needed for the patient's
trygghet, kontinuitet, samordning and säkerhet), as pure functions over what the platform knows.

The platform knows a person's age (patients), a care relationship with the municipality's home health care
(consent) and, when an event lake is configured, the number of contacts in the last twelve months
(`contacts.continuity`). An active Patientkontrakt or SIP would be a reason too; those contexts are not built
yet, so the rule cannot name them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from naravard.contacts.schemas import NeedReason, UnitSettings


@dataclass(frozen=True)
class NeedFacts:
    birth_date: date
    in_home_health_care: bool
    contacts_12m: int | None  # None: no source of contacts


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def need_reasons(rule: UnitSettings, facts: NeedFacts, *, today: date) -> list[NeedReason]:
    """Every part of the rule the person meets, in the rule's order; empty: no need under the rule."""
    reasons: list[NeedReason] = []
    age = age_on(facts.birth_date, today)
    if rule.need_min_age is not None and age >= rule.need_min_age:
        reasons.append(NeedReason(code="age", value=age, threshold=rule.need_min_age))
    if rule.need_home_health_care and facts.in_home_health_care:
        reasons.append(NeedReason(code="home_health_care", value=1))
    if (
        rule.need_min_contacts is not None
        and facts.contacts_12m is not None
        and facts.contacts_12m >= rule.need_min_contacts
    ):
        reasons.append(
            NeedReason(code="contacts", value=facts.contacts_12m, threshold=rule.need_min_contacts)
        )
    return reasons
