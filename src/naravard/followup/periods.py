"""Period labels as the results write them: ``2025`` (a year), ``2025-Q2`` (a quarter), ``2025-04`` (a month).
Shared by the read functions (``service``: bounds of a query) and the targets (``targets``: the baseline of a
relative target), so both read a label the same way."""

from __future__ import annotations

import datetime as dt
import re

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# a label's form, the period type it is a label of, and how many months it spans
PERIOD_TYPE = {"YYYY": "year", "YYYY-Qn": "quarter", "YYYY-MM": "month"}
MONTHS = {"YYYY": 12, "YYYY-Qn": 3, "YYYY-MM": 1}


def add_months(d: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``d``'s."""
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


def parse_label(label: str) -> tuple[str, dt.date] | None:
    """``"2025"``, ``"2025-Q2"`` or ``"2025-04"`` -> (form, first day); None for anything else."""
    if m := _YEAR.match(label):
        return "YYYY", dt.date(int(m[1]), 1, 1)
    if m := _QUARTER.match(label):
        return "YYYY-Qn", dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
    if m := _MONTH.match(label):
        return "YYYY-MM", dt.date(int(m[1]), int(m[2]), 1)
    return None


def period_type_of(label: str) -> str | None:
    """The period type a label names (``2024`` -> ``year``); None for anything that is not a label."""
    parsed = parse_label(label)
    return PERIOD_TYPE[parsed[0]] if parsed else None
