"""Bounds on the numbers and moments a client may send, shared by every edge (API and pages).

A client can name any integer and any date; the database and Python's date arithmetic cannot take all of
them (an offset past 2**63 does not fit SQLite's or PostgreSQL's integer, 0001-01-01 moved to another zone
or 9999-12-31 plus a day overflows). These bounds refuse such input with 422 naming the field and rule,
before it reaches a query. The module holds no web framework: schemas use the pydantic types, routes the
constants in their ``Query(...)``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator

from naravard.errors import Invalid

# The largest offset, version or count a client may send: far past any table's size, far below 2**63.
MAX_INT = 2**31 - 1
# The years a date or moment may fall in: every date of care, of birth and of validity, with room for
# arithmetic on either side (a day, a zone, a period) that cannot leave Python's years 1-9999.
MIN_YEAR = 1900
MAX_YEAR = 2999
DATE_RULE = f"must be between {MIN_YEAR}-01-01 and {MAX_YEAR}-12-31"


def in_range(value: date | datetime) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def _bounded(value: datetime) -> datetime:
    if not in_range(value):
        raise ValueError(f"the date {DATE_RULE}")
    return value


def _bounded_utc(value: datetime) -> datetime:
    value = _bounded(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _bounded_day(value: date) -> date:
    if not in_range(value):
        raise ValueError(f"the date {DATE_RULE}")
    return value


# A moment within the bounds; a time without a zone stays without one (the caller decides its zone).
BoundedDatetime = Annotated[datetime, AfterValidator(_bounded)]
# A moment within the bounds; a time without a zone is read as UTC.
UtcDatetime = Annotated[datetime, AfterValidator(_bounded_utc)]
BoundedDate = Annotated[date, AfterValidator(_bounded_day)]


def check_day(value: date, field: str) -> date:
    """``value`` when it is within the bounds, else `Invalid` naming ``field`` (for dates parsed by hand)."""
    if not in_range(value):
        raise Invalid(f"the date {DATE_RULE}", field=field)
    return value


def check_int(value: int, field: str, *, minimum: int = 0) -> int:
    """``value`` when it is between ``minimum`` and `MAX_INT`, else `Invalid` naming ``field``."""
    if not minimum <= value <= MAX_INT:
        raise Invalid(f"the number must be between {minimum} and {MAX_INT}", field=field)
    return value
