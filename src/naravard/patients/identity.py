"""Swedish personal identity numbers: personnummer and samordningsnummer (domain.md 9.1, 11.2 rule 1).

Parsing leans on the pinned `personnummer` library (3.2.1) for the final check-digit and calendar verdict on
the canonical 12-digit form, where it is right. Everything around that is ours, because the library:

- resolves the century of a 10-digit number against the real ``date.today()`` (no way to pass a date), and
  accepts a 10-digit number whose birth date lies later this year, i.e. in the future;
- accepts any birth date in the future, and centuries other than 18, 19 and 20;
- ignores a ``+`` separator on a 12-digit number (``20121212+1212`` passes although the person is 14);
- matches with ``re.match(...$)`` and Unicode ``\\d``, so a trailing newline or Arabic-Indic digits pass
  (and the latter give a non-ASCII "canonical" form);
- raises a bare exception with no reason, where a user needs to know what is wrong;
- exposes nothing from ``import personnummer`` (the code lives in ``personnummer.personnummer``).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from personnummer.personnummer import Personnummer, PersonnummerException

from naravard.errors import Invalid

PERSONNUMMER_SYSTEM = "http://electronichealth.se/identifier/personnummer"
SAMORDNINGSNUMMER_SYSTEM = "http://electronichealth.se/identifier/samordningsnummer"

Kind = Literal["personnummer", "samordningsnummer"]
Sex = Literal["female", "male"]

# Samordningsnummer add 60 to the day of birth (folkbokföringslagen 18 a §; SKV meddelande 2010:3).
COORDINATION_DAY_OFFSET = 60

# Birth numbers used by `generate_identity` unless the caller chooses another series. Skatteverket publishes
# a list of test personal identity numbers ("testpersonnummer", open data); we could not confirm from the
# sources available that a whole birth-number range is reserved for tests, so the series is a parameter.
# 980-999 is the range the project chose for synthetic people (few real people were given these numbers);
# the exact published list is an open item (domain.md 11.4).
TEST_BIRTH_NUMBERS: range = range(980, 1000)

_FIELD = "identifier"
# ASCII digits only: str.isdigit and \d without re.ASCII accept other scripts' digits.
_PATTERN = re.compile(r"(?P<century>[0-9]{2})?(?P<date>[0-9]{6})(?P<sep>[-+])?(?P<serial>[0-9]{4})", re.ASCII)


@dataclass(frozen=True, slots=True)
class PersonalIdentity:
    """A validated identity number. `birth_date` is the real birth date (day minus 60 for a
    samordningsnummer); `sex` is juridiskt kön read from the birth number."""

    canonical: str  # YYYYMMDDNNNC
    kind: Kind
    birth_date: date
    sex: Sex
    system: str

    @property
    def formatted(self) -> str:
        return format_identifier(self.canonical)


def luhn_check_digit(nine_digits: str) -> int:
    """Skatteverket's modulus-10 check digit over YYMMDDNNN, weights 2,1,2,1,... (products' digits summed)."""
    if len(nine_digits) != 9 or not nine_digits.isascii() or not nine_digits.isdigit():
        raise Invalid("the check digit is computed over exactly nine digits (YYMMDDNNN)", field=_FIELD)
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def format_identifier(canonical: str) -> str:
    """YYYYMMDDNNNC -> YYYYMMDD-NNNC, the 12-digit presentation form (no '+': the century is explicit)."""
    if len(canonical) != 12 or not canonical.isascii() or not canonical.isdigit():
        raise Invalid("a canonical identity number has exactly 12 digits (YYYYMMDDNNNC)", field=_FIELD)
    return f"{canonical[:8]}-{canonical[8:]}"


def parse_identifier(text: str, *, today: date | None = None) -> PersonalIdentity:
    """Parse YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC, YYYYMMDD-NNNC or YYYYMMDDNNNC.

    A 10-digit number gets its century from `today`: '-' (or none) means the person turns less than 100
    this calendar year, '+' means 100 or more (the separator changes in the year the person turns 100,
    Skatteverket rättslig vägledning 330245). Raises `Invalid(field="identifier")` with the reason.
    """
    today = today or date.today()
    compact = text.strip()
    match = _PATTERN.fullmatch(compact)
    if match is None:
        digits = sum(1 for c in compact if c.isascii() and c.isdigit())
        if digits not in (10, 12):
            raise Invalid(
                "a personal identity number has 10 or 12 digits (YYMMDD-NNNC or YYYYMMDD-NNNC); "
                "got %(digits)s",
                field=_FIELD,
                params={"digits": digits},
            )
        raise Invalid(
            "write the number as YYMMDD-NNNC or YYYYMMDD-NNNC (digits, with '-' or '+' before the last four)",
            field=_FIELD,
        )
    date_part, serial, sep = match["date"], match["serial"], match["sep"]
    year2, month, day = int(date_part[:2]), int(date_part[2:4]), int(date_part[4:6])
    kind: Kind = "samordningsnummer" if day > COORDINATION_DAY_OFFSET else "personnummer"
    birth_day = day - COORDINATION_DAY_OFFSET if kind == "samordningsnummer" else day

    if match["century"] is not None:
        year = int(match["century"] + date_part[:2])
        if match["century"] not in ("18", "19", "20"):
            raise Invalid(
                "the century must be 18, 19 or 20, not %(century)s",
                field=_FIELD,
                params={"century": match["century"]},
            )
        if sep == "+" and today.year - year < 100:
            raise Invalid("the '+' separator is only used from the year a person turns 100", field=_FIELD)
    else:
        year = today.year - (today.year - year2) % 100
        if sep == "+":
            year -= 100

    if not 1 <= month <= 12:
        raise Invalid("invalid date: there is no month %(month)02d", field=_FIELD, params={"month": month})
    if not (1 <= day <= 31 or 61 <= day <= 91):
        raise Invalid(
            "invalid date: day %(day)02d is neither a day (01-31) nor a coordination day (61-91)",
            field=_FIELD,
            params={"day": day},
        )
    try:
        birth_date = date(year, month, birth_day)
    except ValueError:
        shown = f"{day:02d} ({birth_day:02d} + 60)" if kind == "samordningsnummer" else f"{day:02d}"
        raise Invalid(
            "invalid date: %(year)04d-%(month)02d has no day %(day)s",
            field=_FIELD,
            params={"year": year, "month": month, "day": shown},
        ) from None
    if serial[:3] == "000":
        raise Invalid("invalid birth number: 000 is never assigned", field=_FIELD)
    expected = luhn_check_digit(date_part + serial[:3])
    if int(serial[3]) != expected:
        raise Invalid(
            "wrong check digit: the last digit is %(digit)s but should be %(expected)s",
            field=_FIELD,
            params={"digit": serial[3], "expected": expected},
        )
    if birth_date > today:
        if match["century"] is None and sep != "+":
            raise Invalid(
                "the birth date %(date)s is in the future "
                "(for someone born in %(year)s, write '+' before the last four digits)",
                field=_FIELD,
                params={"date": birth_date.isoformat(), "year": year - 100},
            )
        raise Invalid(
            "the birth date %(date)s is in the future", field=_FIELD, params={"date": birth_date.isoformat()}
        )

    canonical = f"{year:04d}{date_part[2:]}{serial}"
    return _confirmed(canonical, kind=kind, birth_date=birth_date)


def _confirmed(canonical: str, *, kind: Kind, birth_date: date) -> PersonalIdentity:
    """Second opinion from the library on the 12-digit form (where it is reliable); sex from it too."""
    try:
        number = Personnummer(canonical)
    except PersonnummerException:  # pragma: no cover - our checks above are a superset of the library's
        raise Invalid("not a valid personal identity number", field=_FIELD) from None
    if number.is_coordination_number() != (kind == "samordningsnummer"):  # pragma: no cover
        raise Invalid("not a valid personal identity number", field=_FIELD)
    sex: Sex = "male" if number.is_male() else "female"
    system = SAMORDNINGSNUMMER_SYSTEM if kind == "samordningsnummer" else PERSONNUMMER_SYSTEM
    return PersonalIdentity(canonical=canonical, kind=kind, birth_date=birth_date, sex=sex, system=system)


def generate_identity(
    rng: random.Random,
    *,
    birth_date: date,
    sex: str,
    coordination: bool = False,
    birth_numbers: range = TEST_BIRTH_NUMBERS,
) -> str:
    """A valid canonical 12-digit number for synthetic people only.

    The birth number is drawn from `birth_numbers` (default `TEST_BIRTH_NUMBERS`, 980-999, see there for why
    it is a parameter) with the parity of `sex` (odd = male). Uniqueness is the caller's job: a series of 20
    gives 10 numbers per sex and birth date.
    """
    if sex not in ("female", "male"):
        raise ValueError(f"sex must be 'female' or 'male', not {sex!r}")
    if not 1800 <= birth_date.year <= 2099:
        raise ValueError("birth year must be 1800-2099 (centuries 18, 19, 20)")
    if birth_numbers.step != 1 or birth_numbers.start < 1 or birth_numbers.stop > 1000:
        raise ValueError("birth_numbers must be a contiguous range within 1-999")
    parity = 1 if sex == "male" else 0
    first = birth_numbers.start + (birth_numbers.start % 2 != parity)
    candidates = range(first, birth_numbers.stop, 2)
    if not candidates:
        raise ValueError(f"no {sex} birth number in {birth_numbers}")
    day = birth_date.day + (COORDINATION_DAY_OFFSET if coordination else 0)
    nine = f"{birth_date:%y%m}{day:02d}{rng.choice(candidates):03d}"
    return f"{birth_date.year // 100:02d}{nine}{luhn_check_digit(nine)}"
