"""Period labels as the results write them: ``2025`` (a year), ``2025-Q2`` (a quarter), ``2025-04`` (a month).
Shared by the read functions (``service``: bounds of a query), the targets (``targets``: the baseline of a
relative target) and the pages and reports (``headline``: which periods are complete, a time axis without
holes), so all read a label the same way."""

from __future__ import annotations

import datetime as dt
import re

# years 1900-2999 only (naravard.bounds): year 0000 is no date, and 9999 leaves no room for a period's end
_Y = r"(19\d\d|2\d\d\d)"
_YEAR = re.compile(rf"^{_Y}$")
_QUARTER = re.compile(rf"^{_Y}-Q([1-4])$")
_MONTH = re.compile(rf"^{_Y}-(0[1-9]|1[0-2])$")
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


_FORM = {"year": "YYYY", "quarter": "YYYY-Qn", "month": "YYYY-MM"}


def label_of(period_type: str, day: dt.date) -> str:
    """The label of the ``period_type`` period holding ``day`` (2026-11-23 -> ``2026-Q4`` for a quarter)."""
    if period_type == "year":
        return f"{day.year}"
    if period_type == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def bounds(label: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of the period a label names; None for anything that is not a label."""
    parsed = parse_label(label)
    if parsed is None:
        return None
    form, start = parsed
    return start, add_months(start, MONTHS[form]) - dt.timedelta(days=1)


def is_complete(label: str, last_day: dt.date | None) -> bool:
    """Has the period ended by ``last_day`` (the lake's last day of data)? Without a last day every period
    counts as complete, as before the results recorded it; so does a label that is not a period's."""
    b = bounds(label)
    return last_day is None or b is None or b[1] <= last_day


def last_complete(period_type: str, last_day: dt.date) -> str:
    """The label of the last ``period_type`` period that ends on or before ``last_day``: the period holding
    it when it is that period's last day, else the one before (a running month's figures are partial)."""
    label = label_of(period_type, last_day)
    if label_of(period_type, last_day + dt.timedelta(days=1)) != label:  # the period's last day
        return label
    first = dt.date(last_day.year, 1, 1) if period_type == "year" else last_day.replace(day=1)
    if period_type == "quarter":
        first = first.replace(month=first.month - (first.month - 1) % 3)
    return label_of(period_type, first - dt.timedelta(days=1))


def steps(period_type: str, first: str, last: str) -> int:
    """How many ``period_type`` periods ``last`` is after ``first`` (0 for the same; negative if before)."""
    a, b = parse_label(first), parse_label(last)
    if a is None or b is None:
        raise ValueError(f"not period labels: {first!r}, {last!r}")
    months = (b[1].year - a[1].year) * 12 + b[1].month - a[1].month
    return months // MONTHS[_FORM[period_type]]


def axis(period_type: str, first: str, last: str) -> list[str]:
    """Every ``period_type`` label from ``first`` to ``last``, both included: a time axis on which a period
    without data keeps its place (a gap), rather than its neighbours being joined over it."""
    parsed = parse_label(first)
    if parsed is None or period_type_of(first) != period_type or period_type_of(last) != period_type:
        raise ValueError(f"not {period_type} labels: {first!r}, {last!r}")
    per = MONTHS[_FORM[period_type]]
    return [
        label_of(period_type, add_months(parsed[1], i * per))
        for i in range(steps(period_type, first, last) + 1)
    ]
