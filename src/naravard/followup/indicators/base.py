"""The shape every indicator definition shares.

A *family* is one Ibis expression over the lake that yields, per person-level row, a period start, the date
used to attribute the row to a unit and doctor, and a numerator and denominator per indicator code. Families
let indicators that share an expensive step (e.g. counting visits per doctor and patient) share one scan.
The same expression runs on DuckDB and Spark; everything numeric is cast to float64 because Spark returns
DECIMAL where DuckDB returns DOUBLE for some divisions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

PERIOD_UNITS = {"month": "M", "quarter": "Q", "year": "Y"}
PERIOD_TYPES = tuple(PERIOD_UNITS)


@dataclass(frozen=True)
class Lake:
    """The lake's tables as Ibis tables on one backend, plus the covered dates (inclusive)."""

    tables: dict[str, ir.Table]
    first: dt.date
    last: dt.date

    def __getattr__(self, name: str) -> ir.Table:
        try:
            return self.tables[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Indicator:
    code: str
    name_sv: str
    name_en: str
    domain: str  # continuity | accessibility | participation | coordination
    definition: str
    numerator: str
    denominator: str
    source: str
    unit: str = "share"  # share | index | days | rate
    quantile: float | None = None  # set for median / 90th-percentile waits (value from the days histogram)
    higher_is_better: bool = True


@dataclass(frozen=True)
class Family:
    """``build(lake, period_type)`` returns columns ``period_start``, ``person_id``, ``att_date``, optional
    ``unit_id`` and ``days``, and ``n_<CODE>``/``d_<CODE>`` for each ratio indicator in ``indicators``."""

    name: str
    indicators: tuple[Indicator, ...]
    build: Callable[[Lake, str], ir.Table]
    has_unit: bool = False
    has_days: bool = False
    tables: tuple[str, ...] = field(default_factory=tuple)


def period_start(d: ir.DateValue, period_type: str) -> ir.DateValue:
    return d.truncate(PERIOD_UNITS[period_type])


def days_between(start: ir.DateValue, end: ir.DateValue) -> ir.IntegerValue:
    """Calendar days, start day = day 0 (the vårdgaranti counting rule)."""
    return end.delta(start, unit="day").cast("int64")


def f64(x: ir.Value) -> ir.FloatingValue:
    return x.cast("float64")


def flag(cond: ir.BooleanValue) -> ir.FloatingValue:
    return ibis.ifelse(cond, 1.0, 0.0).cast("float64")


def in_window(d: ir.DateValue, lake: Lake) -> ir.BooleanValue:
    return d.between(ibis.literal(lake.first), ibis.literal(lake.last))
