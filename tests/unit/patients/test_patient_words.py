"""The patient pages' words (issue 19): the access log's words name real audit tags and professions and
have Swedish texts; every refusal of an identity number reads in Swedish on a Swedish page."""

from __future__ import annotations

import random
from datetime import date

import pytest

from naravard.accounts.actions import AccountAction
from naravard.audit.actions import AuditAction
from naravard.careplans.actions import CarePlanAction
from naravard.consent.actions import ConsentAction
from naravard.errors import Invalid
from naravard.organizations.models import Profession
from naravard.patients import access_words
from naravard.patients.actions import PatientAction
from naravard.patients.identity import (
    format_identifier,
    generate_identity,
    luhn_check_digit,
    parse_identifier,
)
from naravard.web.i18n import catalogue, translate

TODAY = date(2025, 12, 4)


def test_the_words_name_tags_the_trail_holds_and_every_profession() -> None:
    tags = {
        m.value
        for enum in (PatientAction, ConsentAction, AuditAction, AccountAction, CarePlanAction)
        for m in enum
    }
    assert set(access_words.ACTION_WORDS) <= tags
    assert ConsentAction.EMERGENCY_OPEN.value == access_words.EMERGENCY_OPEN
    assert set(access_words.PROFESSION_WORDS) == {p.value for p in Profession}


def test_every_word_has_a_swedish_text() -> None:
    words = [
        *access_words.ACTION_WORDS.values(),
        access_words.OTHER_ACTION,
        access_words.EMERGENCY_WHY,
        *access_words.BASIS_WORDS.values(),
        *access_words.PURPOSE_WORDS.values(),
        access_words.OTHER_PURPOSE,
        *access_words.PROFESSION_WORDS.values(),
    ]
    assert [w for w in words if w not in catalogue()] == []


def test_why_emergency_first_then_the_basis_then_the_purpose() -> None:
    why = access_words.why
    assert why(purpose="emergency", outcome="emergency", reason="emergency_access") == "Emergency access"
    assert why(purpose="care", outcome="allowed", reason="consent").startswith("Your consent")
    assert why(purpose="care", outcome="allowed", reason="care_relationship").startswith(
        "Care and treatment:"
    )
    assert why(purpose="care", outcome="allowed", reason=None) == "Care and treatment"
    assert why(purpose="audit", outcome="allowed", reason=None) == "Follow-up of the access log"
    assert why(purpose="new-one", outcome="allowed", reason=None) == "Other purpose"
    assert access_words.what("some:new:tag") == "Used your data"
    assert access_words.profession("doctor") == "Doctor" and access_words.profession(None) is None


def _refusal(text: str) -> Invalid:
    with pytest.raises(Invalid) as caught:
        parse_identifier(text, today=TODAY)
    return caught.value


FUTURE = generate_identity(random.Random(1), birth_date=date(2026, 11, 24), sex="male")
LATER_THIS_YEAR = generate_identity(random.Random(1), birth_date=date(2025, 12, 20), sex="male")


@pytest.mark.parametrize(
    "text",
    [
        "12121212",
        "121212/1212",
        "121212-1213",
        "121312-1212",
        "210230-1234",
        "121245-1212",
        "700291-2391",  # a coordination day past the month's end
        "121212-0002",
        "17121212-1212",
        "20121212+1212",
        FUTURE,
        LATER_THIS_YEAR[2:8] + "-" + LATER_THIS_YEAR[8:],  # with a hint: born in 1925?
    ],
)
def test_every_refusal_of_a_number_reads_in_swedish(text: str) -> None:
    exc = _refusal(text)
    swedish = exc.text(lambda key: translate(key, "sv"))
    assert exc.key in catalogue(), exc.key
    assert swedish != exc.message and "%(" not in swedish
    # the same values in both languages
    assert [s for s in exc.message.split() if s[:1].isdigit()] == [
        s for s in swedish.split() if s[:1].isdigit()
    ]


def test_the_internal_checks_read_in_swedish_too() -> None:
    for call in (lambda: luhn_check_digit("12"), lambda: format_identifier("123")):
        with pytest.raises(Invalid) as caught:
            call()
        assert caught.value.key in catalogue()
