"""Personnummer / samordningsnummer parsing, formatting and synthetic generation."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from naravard.errors import Invalid
from naravard.patients.identity import (
    PERSONNUMMER_SYSTEM,
    SAMORDNINGSNUMMER_SYSTEM,
    TEST_BIRTH_NUMBERS,
    format_identifier,
    generate_identity,
    luhn_check_digit,
    parse_identifier,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "text", ["121212-1212", "1212121212", "201212121212", "20121212-1212", " 121212-1212 "]
)
def test_skatteverket_example_is_valid(text: str) -> None:
    identity = parse_identifier(text, today=TODAY)
    assert identity.canonical == "201212121212"
    assert identity.kind == "personnummer"
    assert identity.birth_date == date(2012, 12, 12)
    assert identity.sex == "male"  # birth number 121: third digit 1 is odd
    assert identity.system == PERSONNUMMER_SYSTEM
    assert identity.formatted == "20121212-1212"


def test_plus_separator_means_a_hundred_or_older() -> None:
    identity = parse_identifier("121212+1212", today=TODAY)
    assert identity.canonical == "191212121212"
    assert identity.birth_date == date(1912, 12, 12)


def test_plus_switches_in_the_year_the_person_turns_100() -> None:
    # Born 1926-12-01: turns 100 in 2026, so from 1 January 2026 the separator is '+'.
    number = generate_identity(random.Random(3), birth_date=date(1926, 12, 1), sex="female")
    short = number[2:8] + "+" + number[8:]
    assert parse_identifier(short, today=TODAY).birth_date == date(1926, 12, 1)
    # With '-' the same digits resolve to 2026-12-01, which has not happened yet.
    with pytest.raises(Invalid, match=r"future.*born in 1926, write '\+'"):
        parse_identifier(number[2:8] + "-" + number[8:], today=TODAY)


def test_plus_on_twelve_digits_must_agree_with_age() -> None:
    assert parse_identifier("19121212+1212", today=TODAY).canonical == "191212121212"
    with pytest.raises(Invalid, match=r"'\+' separator"):
        parse_identifier("20121212+1212", today=TODAY)


def test_samordningsnummer_adds_sixty_to_the_day() -> None:
    # SKV meddelande 2010:3: man born 1970-10-03 with individnummer 239 -> 701063-2391.
    identity = parse_identifier("701063-2391", today=TODAY)
    assert identity.kind == "samordningsnummer"
    assert identity.canonical == "197010632391"
    assert identity.birth_date == date(1970, 10, 3)
    assert identity.sex == "male"
    assert identity.system == SAMORDNINGSNUMMER_SYSTEM


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12121212", "10 or 12 digits.*got 8"),
        ("1212121212123", "got 13"),
        ("121212/1212", "write the number as"),
        ("1212121212\n1", "10 or 12 digits"),
        ("١٢١٢١٢١٢١٢", "got 0"),  # Arabic-Indic digits: the library accepts these
        ("121212-1213", "check digit: the last digit is 3 but should be 2"),
        ("121312-1212", "no month 13"),
        ("210230-1234", "has no day 30"),
        ("121245-1212", "neither a day"),
        ("121292-1212", "neither a day"),
        ("170229-0000", "no day 29"),
        ("121212-0002", "000"),
        ("17121212-1212", "century must be 18, 19 or 20"),
    ],
)
def test_refusals_say_why(text: str, reason: str) -> None:
    with pytest.raises(Invalid, match=reason) as caught:
        parse_identifier(text, today=TODAY)
    assert caught.value.field == "identifier"


def test_future_birth_date_is_refused() -> None:
    number = generate_identity(random.Random(1), birth_date=date(2026, 11, 24), sex="male")
    with pytest.raises(Invalid, match="2026-11-24 is in the future"):
        parse_identifier(number, today=TODAY)
    assert parse_identifier(number, today=date(2026, 11, 24)).birth_date == date(2026, 11, 24)


def test_trailing_newline_inside_is_refused_but_surrounding_space_is_trimmed() -> None:
    assert parse_identifier("\t121212-1212\n", today=TODAY).canonical == "201212121212"


def test_leap_day() -> None:
    number = generate_identity(random.Random(2), birth_date=date(2000, 2, 29), sex="female")
    assert parse_identifier(number[2:], today=TODAY).birth_date == date(2000, 2, 29)


def test_luhn_check_digit() -> None:
    assert luhn_check_digit("121212121") == 2
    assert luhn_check_digit("701063239") == 1
    with pytest.raises(Invalid):
        luhn_check_digit("12121212")


def test_format_identifier() -> None:
    assert format_identifier("197010632391") == "19701063-2391"
    with pytest.raises(Invalid):
        format_identifier("7010632391")


def test_generate_rejects_bad_arguments() -> None:
    rng = random.Random(0)
    with pytest.raises(ValueError, match="sex"):
        generate_identity(rng, birth_date=date(1990, 1, 1), sex="F")
    with pytest.raises(ValueError, match="no male birth number"):
        generate_identity(rng, birth_date=date(1990, 1, 1), sex="male", birth_numbers=range(980, 981))
    with pytest.raises(ValueError, match="contiguous"):
        generate_identity(rng, birth_date=date(1990, 1, 1), sex="male", birth_numbers=range(0, 10))


def test_generate_uses_the_chosen_series() -> None:
    rng = random.Random(5)
    for _ in range(50):
        number = generate_identity(rng, birth_date=date(1980, 5, 17), sex="female")
        assert int(number[8:11]) in TEST_BIRTH_NUMBERS
    custom = generate_identity(rng, birth_date=date(1980, 5, 17), sex="male", birth_numbers=range(101, 102))
    assert custom[8:11] == "101"


birth_dates = st.dates(min_value=date(1830, 1, 1), max_value=TODAY)
sexes = st.sampled_from(["female", "male"])


@given(seed=st.integers(0, 2**32), birth_date=birth_dates, sex=sexes, coordination=st.booleans())
def test_generated_numbers_parse_back(seed: int, birth_date: date, sex: str, coordination: bool) -> None:
    number = generate_identity(random.Random(seed), birth_date=birth_date, sex=sex, coordination=coordination)
    identity = parse_identifier(number, today=TODAY)
    assert identity.canonical == number
    assert identity.birth_date == birth_date
    assert identity.sex == sex
    assert identity.kind == ("samordningsnummer" if coordination else "personnummer")
    # The 10-digit presentation form with the separator Skatteverket would print resolves to the same number.
    separator = "+" if TODAY.year - birth_date.year >= 100 else "-"
    assert parse_identifier(number[2:8] + separator + number[8:], today=TODAY).canonical == number


@given(
    seed=st.integers(0, 2**32),
    birth_date=birth_dates,
    sex=sexes,
    coordination=st.booleans(),
    position=st.integers(2, 11),
    delta=st.integers(1, 9),
)
def test_any_single_digit_change_is_refused(
    seed: int, birth_date: date, sex: str, coordination: bool, position: int, delta: int
) -> None:
    # The century digits (positions 0-1) are outside the check digit by design of the format: changing
    # them gives another valid number (1912... vs 2012...), so only YYMMDDNNNC is covered.
    number = generate_identity(random.Random(seed), birth_date=birth_date, sex=sex, coordination=coordination)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(Invalid):
        parse_identifier(changed, today=TODAY)
