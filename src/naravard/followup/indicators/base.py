"""The shape every indicator definition shares.

A *family* is one Ibis expression over the lake that yields, per person-level row, a period type and start,
the date used to attribute the row to a unit and doctor, and a numerator and denominator per indicator code.
Families let indicators that share an expensive step (e.g. counting visits per doctor and patient) share one
scan. The same expression runs on DuckDB and Spark; everything numeric is cast to float64 because Spark
returns DECIMAL where DuckDB returns DOUBLE for some divisions.

A family's *grain* says how its periods relate, so each is computed only as often as its definition needs:

- ``event``: one row per event (a visit, a wait, a discharge); numerators and denominators are additive, so
  the family is computed per month only and quarters and years are sums of their months.
- ``person``: one row per person and period (the continuity indices, mobile-team patients); the builder is
  given every period type and computes each in the same scan (a period-type column from a cross join with
  a three-row table, or a staged regroup of monthly counts).
- ``snapshot``: a state on the period's last day; computed for month ends, and a quarter or year takes the
  snapshot of its last month (capped at the lake's last day, as the month's is).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pyarrow as pa

PERIOD_UNITS = {"month": "M", "quarter": "Q", "year": "Y"}
PERIOD_TYPES = tuple(PERIOD_UNITS)
GRAINS = ("event", "person", "snapshot")
# stratum types a family may offer beyond all / age band / sex (``Family.breakdowns``)
BREAKDOWNS = ("profession", "mode", "ownership")


@dataclass(frozen=True)
class Lake:
    """The lake's tables as Ibis tables on one backend, plus the covered dates (inclusive)."""

    tables: dict[str, ir.Table]
    first: dt.date
    last: dt.date
    materialise: bool = True  # cache shared intermediate results (a temp table / a persisted DataFrame)
    # how a finished expression comes back as Arrow (the engine's fastest way; see ``engine.open_lake``)
    fetch: Callable[[ir.Table], pa.Table] = field(default=lambda e: e.to_pyarrow(), compare=False, repr=False)
    _shared: dict[str, ir.Table] = field(default_factory=dict, compare=False, repr=False)

    def share(self, key: str, build: Callable[[], ir.Table]) -> ir.Table:
        """``build()`` once per lake, cached on the engine when several families or stages read it."""
        if key not in self._shared:
            t = build()
            self._shared[key] = t.cache() if self.materialise else t
        return self._shared[key]

    def release(self) -> None:
        """Drop the cached intermediates (temp tables / persisted DataFrames), the newest first: on Spark
        Connect a cached frame is a plan naming the views it was built from, so a view must outlive the
        caches built on it."""
        for t in reversed(self._shared.values()):
            if self.materialise:
                t.release()
        self._shared.clear()

    def __getattr__(self, name: str) -> ir.Table:
        try:
            return self.tables[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Texts:
    """An indicator's definition, numerator and denominator in one language, and its source where the
    citation says more than names (None: the citation reads the same in either language)."""

    definition: str
    numerator: str
    denominator: str
    source: str | None = None


@dataclass(frozen=True)
class Indicator:
    """``definition``, ``numerator`` and ``denominator`` are English (the docs' language); ``sv`` holds the
    same in Swedish, which the pages and reports show by default: a steering group reads its definitions in
    the language of its decisions."""

    code: str
    name_sv: str
    name_en: str
    domain: str  # continuity | accessibility | participation | coordination
    definition: str
    numerator: str
    denominator: str
    source: str
    sv: Texts
    unit: str = "share"  # share | index | days | rate
    quantile: float | None = None  # set for median / 90th-percentile waits (value from the days histogram)
    higher_is_better: bool = True
    # given per fixed doctor when its family has the doctor scope (not where that scope's denominator is
    # the doctor's own patients by definition, which would make every doctor's value 1)
    doctor_scope: bool = True

    def cite(self, lang: str) -> str:
        """The source as pages and reports cite it in ``lang``: without the references to our own domain.md,
        which a reader outside the team cannot open."""
        source = (self.sv.source if lang == "sv" else None) or self.source
        s = re.sub(r"\s*\(domain\.md[^)]*\)", "", source)
        return "; ".join(p for p in (x.strip() for x in s.split(";")) if not p.startswith("domain.md"))

    def name(self, lang: str) -> str:
        return self.name_sv if lang == "sv" else self.name_en

    def texts(self, lang: str) -> Texts:
        """Definition, numerator and denominator in ``lang`` ("sv", else English)."""
        return self.sv if lang == "sv" else Texts(self.definition, self.numerator, self.denominator)


@dataclass(frozen=True)
class Family:
    """``build(lake, period_types)`` returns columns ``period_type``, ``period_start``, ``person_id``,
    ``att_date``, optional ``unit_id``, ``doctor_id`` and ``days``, and ``n_<CODE>``/``d_<CODE>`` for each
    ratio indicator in ``indicators``. ``event`` and ``snapshot`` families are only asked for months.

    ``by_doctor``: the doctor scope makes sense (continuity); the patient's named fixed doctor on
    ``att_date`` is attached unless the builder gives ``doctor_id`` itself. Other families are rolled up to
    unit, municipality and region only.

    ``breakdowns``: further stratum types of the ratio indicators (``BREAKDOWNS``), as the national
    measurement splits them (A3 by profession, mode and ownership). The builder gives each as a nullable text
    column of that name, except ``ownership``, which comes from the row's unit (``units.private``). Declared
    per family so the other families' cells and the roll-up over them are not multiplied; the quantile
    indicators are not broken down."""

    name: str
    indicators: tuple[Indicator, ...]
    build: Callable[[Lake, tuple[str, ...]], ir.Table]
    has_unit: bool = False
    has_days: bool = False
    grain: str = "event"
    by_doctor: bool = False
    tables: tuple[str, ...] = field(default_factory=tuple)
    breakdowns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.breakdowns) - set(BREAKDOWNS)
        if unknown:
            raise ValueError(f"family {self.name}: unknown breakdowns {sorted(unknown)}")


def period_start(d: ir.DateValue, period_type: str) -> ir.DateValue:
    return d.truncate(PERIOD_UNITS[period_type])


def periodise(t: ir.Table, date_col: str, period_types: tuple[str, ...]) -> ir.Table:
    """Add ``period_type`` and ``period_start``; with several period types each row is repeated once per
    type (a cross join with a tiny table), so every period comes out of one scan."""
    if len(period_types) == 1:
        pt = period_types[0]
        return t.mutate(period_type=ibis.literal(pt), period_start=period_start(t[date_col], pt))
    j = t.cross_join(ibis.memtable({"period_type": list(period_types)}))
    cases = [(j.period_type == pt, period_start(j[date_col], pt)) for pt in period_types[:-1]]
    return j.mutate(period_start=ibis.cases(*cases, else_=period_start(j[date_col], period_types[-1])))


FAR_FUTURE = dt.date(9999, 12, 31)
AGE_LIMITS = (18, 65, 80)  # lower bounds of the age bands 18-64, 65-79, 80+ (below 18: 0-17)


def month_index(d: ir.DateValue) -> ir.IntegerValue:
    """Months since year 0 (``year * 12 + month - 1``): an integer key, consecutive across years."""
    return (d.year().cast("int64") * 12 + d.month().cast("int64") - 1).cast("int64")


def month_index_of(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def first_snapshot(d: ir.DateValue, lake: Lake) -> ir.IntegerValue:
    """Month index of the first month-end snapshot on or after ``d`` (a month's snapshot is its last day,
    capped at the lake's last day); past the lake's last month when ``d`` is after the lake's last day.
    Null ``d`` (never) is past the last month too."""
    m0, m1 = month_index_of(lake.first), month_index_of(lake.last)
    i = ibis.greatest(month_index(d), ibis.literal(m0, "int64"))
    return ibis.ifelse(d.isnull() | (d > ibis.literal(lake.last)), ibis.literal(m1 + 1, "int64"), i)


def last_snapshot(d: ir.DateValue, lake: Lake) -> ir.IntegerValue:
    """Month index of the last month-end snapshot on or before ``d``; the lake's last month for an open end
    (null) or a day on or after the lake's last day. Below the first month when ``d`` precedes it."""
    m1 = ibis.literal(month_index_of(lake.last), "int64")
    month_end = (d + ibis.interval(days=1)).day() == 1
    i = ibis.ifelse(month_end, month_index(d), month_index(d) - 1)
    return ibis.ifelse(d.isnull() | (d >= ibis.literal(lake.last)), m1, ibis.least(i, m1))


def snapshot_months(lake: Lake) -> ir.Table:
    """One row per month of the lake: ``m`` (month index), ``period_start`` and ``snap``, the snapshot day
    (the month's last day, capped at the lake's last day)."""
    ends = []
    y, mo = lake.first.year, lake.first.month
    while dt.date(y, mo, 1) <= lake.last:
        ny, nm = (y + 1, 1) if mo == 12 else (y, mo + 1)
        ends.append((dt.date(y, mo, 1), min(dt.date(ny, nm, 1) - dt.timedelta(days=1), lake.last)))
        y, mo = ny, nm
    return ibis.memtable(
        {
            "m": [month_index_of(s) for s, _ in ends],
            "period_start": [s for s, _ in ends],
            "snap": [e for _, e in ends],
        }
    )


def month_start(m: ir.IntegerValue) -> ir.DateValue:
    """The first day of month index ``m`` (see ``month_index``)."""
    return ibis.date((m // 12).cast("int32"), (m % 12 + 1).cast("int32"), ibis.literal(1, "int32"))


def expand_snapshots(t: ir.Table, lake: Lake) -> ir.Table:
    """Each row of ``t`` once per month-end snapshot index from its ``a`` to its ``b`` (none when ``a > b``),
    as ``m`` with the month's ``period_start`` and ``snap`` (its last day, capped at the lake's last day).

    The months are generated per row (an index range, unnested) rather than joined from a table of the
    lake's months: with such a join in the plan DuckDB paired the months with the attribution's residence
    periods first, on ``snap``, one row per person and month (36 M rows at a million persons) before the
    waits narrowed them down; a generated column leaves it nothing to reorder."""
    t = t.filter(t.a <= t.b)
    t = t.mutate(m=ibis.range(t.a, t.b + 1)).unnest("m")
    t = t.mutate(m=t.m.cast("int64"))
    start = month_start(t.m)
    # DuckDB's date minus an interval is a timestamp where Ibis types a date (and so drops a cast to date):
    # through a timestamp the cast stays, and a date meets the attribution's date columns
    end = (month_start(t.m + 1) - ibis.interval(days=1)).cast("timestamp").cast("date")
    return t.mutate(period_start=start, snap=ibis.least(end, ibis.literal(lake.last)))


def valid_on(frm: ir.DateValue, to: ir.DateValue, d: ir.DateValue) -> ir.BooleanValue:
    """``frm <= d <= to`` with an open end (null ``to``); written without OR so engines can use a range join."""
    return (frm <= d) & (to.fill_null(ibis.literal(FAR_FUTURE)) >= d)


def days_between(start: ir.DateValue, end: ir.DateValue) -> ir.IntegerValue:
    """Calendar days, start day = day 0 (the vårdgaranti counting rule)."""
    return end.delta(start, unit="day").cast("int64")


def f64(x: ir.Value) -> ir.FloatingValue:
    return x.cast("float64")


def flag(cond: ir.BooleanValue) -> ir.FloatingValue:
    return ibis.ifelse(cond, 1.0, 0.0).cast("float64")


def in_window(d: ir.DateValue, lake: Lake) -> ir.BooleanValue:
    return d.between(ibis.literal(lake.first), ibis.literal(lake.last))
