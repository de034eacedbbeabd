"""Run the indicator families on an engine and roll the results up to every period, scope and stratum.

The engine does the heavy part (scanning events, per-patient indices, attribution) and returns one table per
family of *scope cells*: additive numerators and denominators per period x scope x age band x sex [x wait
days], for three scope sources only: the residence area (region and municipality), the unit, and (for
continuity) the fixed doctor. The attributed rows are first summed per distinct attribution (period x
residence x unit x doctor x age band x sex), then each such row is counted once per scope source. The
roll-up thereby never regroups a table that crosses every scope: it puts area cells under their
municipality, region and total and sums age x sex cells into the strata.
A family with breakdowns (``Family.breakdowns``, e.g. A3 by profession) adds, per scope cell, one row per
value of each breakdown (``breakdown``, ``breakdown_value``; age band, sex and days null): single strata
the roll-up reads as they are. Other families carry those two key columns as nulls only.
Each family runs once: event families per month (quarters and years are sums of months), snapshot families
at month ends (a quarter or year takes its last month), person families for every period type in the same
query. The roll-up, the quantiles from the wait-days histogram and small-cell suppression are DuckDB SQL
over those cells (``results.rollup``), the same code whichever engine computed them, so both engines agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from naravard.followup.indicators import FAMILIES, Family, Lake
from naravard.followup.indicators.base import AGE_LIMITS, valid_on
from naravard.followup.indicators.residence import person_areas

AGE_BANDS = ("0-17", "18-64", "65-79", "80+")
# the scope a cell is counted for: residence area (region, municipality), unit, or fixed doctor
SOURCES = ("area", "unit", "doctor")
KEYS = (
    "period_type",
    "period_start",
    "src",
    "region_code",
    "municipality_code",
    "unit_id",
    "doctor_id",
    "age_band",
    "sex",
    "breakdown",
    "breakdown_value",
)
BREAKDOWN_KEYS = ("breakdown", "breakdown_value")

# low-cardinality text as dictionaries (2-byte codes): the national table has about 85 M rows and sits in
# memory beside the roll-up, so its width matters; DuckDB reads the columns as VARCHAR all the same
_CODE = pa.dictionary(pa.int16(), pa.string())
LONG_SCHEMA = pa.schema(
    [
        ("indicator", _CODE),
        ("period_type", _CODE),
        ("period_start", pa.date32()),
        ("src", _CODE),
        ("region_code", _CODE),
        ("municipality_code", _CODE),
        ("unit_id", pa.int64()),
        ("doctor_id", pa.int64()),
        ("age_band", _CODE),
        ("sex", _CODE),
        ("breakdown", _CODE),
        ("breakdown_value", _CODE),
        ("days", pa.int32()),
        ("num", pa.float64()),
        ("den", pa.float64()),
    ]
)


def attribute(lake: Lake, rows: ir.Table, family: Family) -> ir.Table:
    """Add sex, age band (age attained in the calendar year of ``att_date``), the residence (region and
    municipality) on ``att_date``, the listed unit valid on ``att_date`` (unless the row has its own unit),
    and for families where the doctor scope makes sense the named fixed doctor valid on ``att_date``.
    Residences cover all time and listings and fixed doctors do not overlap per person (validated), so
    every join adds at most one row. Columns the builder already gives
    (e.g. a snapshot that attached them before expanding to months) are not joined again."""
    cols = set(rows.columns)
    j = rows
    if "sex" not in cols:
        # the residence on the row's date: the periods cover all time, so exactly one matches
        a = person_areas(lake)
        p = a.select(
            "person_id",
            "sex",
            "region_code",
            "municipality_code",
            "r_from",
            "r_to",
            birth_year=a.birth_date.year(),
        )
        j = j.join(p, [j.person_id == p.person_id, valid_on(p.r_from, p.r_to, j.att_date)])
        j = j.drop("person_id_right", "r_from", "r_to")
    age = j.att_date.year() - j.birth_year
    lim = AGE_LIMITS
    j = j.mutate(
        age_band=ibis.cases(
            (age < lim[0], AGE_BANDS[0]),
            (age < lim[1], AGE_BANDS[1]),
            (age < lim[2], AGE_BANDS[2]),
            else_=AGE_BANDS[3],
        )
    ).drop("birth_year")
    if "unit_id" not in cols:
        li = lake.listings.select("person_id", "unit_id", l_from="valid_from", l_to="valid_to")
        j = j.left_join(li, [j.person_id == li.person_id, valid_on(li.l_from, li.l_to, j.att_date)])
        j = j.drop("person_id_right", "l_from", "l_to")
    if "ownership" in family.breakdowns and "ownership" not in cols:
        # the ownership of the unit the row is attributed to (the national database's ägarform)
        u = lake.units.select(
            o_unit="unit_id", ownership=ibis.ifelse(lake.units.private, "private", "public")
        )
        j = j.left_join(u, j.unit_id == u.o_unit).drop("o_unit")
    if "doctor_id" in cols:
        return j
    if not family.by_doctor:
        return j.mutate(doctor_id=ibis.null("int64"))
    fc = lake.fixed_contacts
    fc = fc.filter(fc.kind == "doctor").select(
        "person_id", doctor_id="practitioner_id", f_from="valid_from", f_to="valid_to"
    )
    j = j.left_join(fc, [j.person_id == fc.person_id, valid_on(fc.f_from, fc.f_to, j.att_date)])
    return j.drop("person_id_right", "f_from", "f_to")


def engine_periods(family: Family, period_types: Iterable[str]) -> tuple[str, ...]:
    """The period types the engine computes: months only for event and snapshot families."""
    return tuple(period_types) if family.grain == "person" else ("month",)


def cells(lake: Lake, family: Family, period_types: Iterable[str]) -> ir.Table:
    """The family's scope cells. The attributed rows are summed per distinct attribution (period, residence,
    unit, doctor, age band, sex), a table far smaller than the rows; each of its rows is then repeated once
    per scope source (a cross join with a two- or three-row table) with only that source's scope columns
    kept, and summed again per period x scope x age band x sex. With breakdowns, each row is also repeated
    once per breakdown (a cross join with the breakdown names), keeping only that breakdown's value."""
    rows = attribute(lake, family.build(lake, engine_periods(family, period_types)), family)
    vals = value_columns(family)
    bds = list(family.breakdowns)
    # first the distinct attribution keys (far fewer than persons), then the fan-out to the scope sources
    fine = ["period_type", "period_start", "region_code", "municipality_code", "unit_id", "doctor_id"]
    fine += ["age_band", "sex"] + (["days"] if family.has_days else []) + bds
    rows = rows.group_by(fine).aggregate(**{c: rows[c].sum().cast("float64") for c in vals})
    srcs = [s for s in SOURCES if s != "doctor" or family.by_doctor]
    j = rows.cross_join(ibis.memtable({"src": srcs}))
    strata: dict[str, ir.Value] = {"age_band": j.age_band, "sex": j.sex}
    if family.has_days:
        strata["days"] = j.days
    if bds:
        # '' keeps the age x sex (x days) cell; a breakdown name keeps only that breakdown's value. A null
        # value (not recorded) gives no breakdown row: it counts in the cell's 'all' only.
        j = j.cross_join(ibis.memtable({"bd": ["", *bds]}))
        cell = j.bd == ""
        value = ibis.cases(*((j.bd == b, j[b]) for b in bds), else_=ibis.null("string"))
        j = j.filter(cell | value.notnull())
        strata = {k: ibis.ifelse(cell, j[k], ibis.null(j[k].type())) for k in strata}
        strata["breakdown"] = ibis.ifelse(cell, ibis.null("string"), j.bd)
        strata["breakdown_value"] = ibis.ifelse(cell, ibis.null("string"), value)
    area, unit, doc = j.src == "area", j.src == "unit", j.src == "doctor"
    keys: dict[str, ir.Value] = {
        "period_type": j.period_type,
        "period_start": j.period_start,
        "src": j.src,
        "region_code": ibis.ifelse(area, j.region_code, ibis.null("string")),
        "municipality_code": ibis.ifelse(area, j.municipality_code, ibis.null("string")),
        "unit_id": ibis.ifelse(unit, j.unit_id, ibis.null("int64")),
        "doctor_id": ibis.ifelse(doc, j.doctor_id, ibis.null("int64")),
        **strata,
    }
    return j.group_by(**keys).aggregate(**{c: j[c].sum() for c in vals})


def value_columns(family: Family) -> list[str]:
    return [f"{x}_{i.code}" for i in family.indicators if i.quantile is None for x in ("n", "d")]


def family_keys(family: Family) -> list[str]:
    """The key columns the engine gives for ``family`` (the breakdown keys only when it has breakdowns)."""
    return [k for k in KEYS if family.breakdowns or k not in BREAKDOWN_KEYS]


def _derive_sql(family: Family, columns: list[str], period_types: tuple[str, ...], last: dt.date) -> str:
    """Quarters and years from the engine's months (already aggregated, so a small table): sums of their
    months for event families, the last month's snapshot for snapshot families."""
    if family.grain == "person" or period_types == ("month",):
        return "SELECT * FROM t"
    keys = [k for k in family_keys(family) if k not in ("period_type", "period_start")] + (
        ["days"] if family.has_days else []
    )
    vals = value_columns(family)
    last_month = dt.date(last.year, last.month, 1)
    parts = ["SELECT * FROM t"] if "month" in period_types else []
    for pt, last_of in (("quarter", "month(period_start) % 3 = 0"), ("year", "month(period_start) = 12")):
        if pt not in period_types:
            continue
        if family.grain == "snapshot":
            parts.append(
                f"SELECT '{pt}' AS period_type, CAST(date_trunc('{pt}', period_start) AS DATE) "
                f"AS period_start, {', '.join(keys + vals)} FROM t "
                f"WHERE {last_of} OR period_start = DATE '{last_month}'"
            )
        else:
            parts.append(
                f"SELECT '{pt}' AS period_type, CAST(date_trunc('{pt}', period_start) AS DATE) "
                f"AS period_start, {', '.join(keys)}, {', '.join(f'sum({c}) AS {c}' for c in vals)} "
                f"FROM t GROUP BY ALL"
            )
    cols = ", ".join(columns)
    return " UNION ALL ".join(f"SELECT {cols} FROM ({q})" for q in parts)


def _constant(code: str, n: int) -> pa.DictionaryArray:
    """A column of ``n`` times ``code``, built as dictionary codes (no strings to hash)."""
    return pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int16()).fill_null(0), pa.array([code]))


def to_long(family: Family, t: pa.Table, period_types: Iterable[str], last: dt.date) -> pa.Table:
    """The family's months (and, derived from them, quarters and years) as the long table: one row per
    ratio indicator and scope cell (``days`` null), and for a family with waits one histogram row per cell
    and wait (``indicator`` = the share's code, ``days`` set, ``den`` = the number of waits): the roll-up
    takes every quantile indicator of the family from that one histogram. The derivation and the sums over
    waits run in one DuckDB pass; the key columns are turned into dictionary codes once and shared by every
    indicator's rows."""
    keys = family_keys(family)
    vals = value_columns(family)
    derived = _derive_sql(family, t.column_names, tuple(period_types), last)
    quantiles = family.has_days and any(i.quantile is not None for i in family.indicators)
    con = duckdb.connect(config={"threads": 2, "preserve_insertion_order": False})
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("t", t)
        if not family.has_days:
            ratio, hist = con.sql(derived).to_arrow_table(), None
        else:
            con.execute(f"CREATE TEMP TABLE d AS {derived}")
            sums = ", ".join(f"sum({c}) AS {c}" for c in vals)
            ratio = con.sql(f"SELECT {', '.join(keys)}, {sums} FROM d GROUP BY ALL").to_arrow_table()
            base = f"d_{family.indicators[0].code}"
            hist = (
                con.sql(
                    f"SELECT {', '.join(keys)}, days, {base} FROM d WHERE days IS NOT NULL"
                ).to_arrow_table()
                if quantiles
                else None
            )
    finally:
        con.close()

    def rows(code: str, tab: pa.Table, keys: dict[str, Any], days: Any, num: Any, den: Any) -> pa.Table:
        n = tab.num_rows
        cols = {"indicator": _constant(code, n), **keys, "days": days, "num": num, "den": den}
        return pa.table(cols).select(LONG_SCHEMA.names).cast(LONG_SCHEMA)

    def key_columns(tab: pa.Table) -> dict[str, Any]:
        """The keys as dictionary codes once, shared by every indicator's rows; the breakdown keys of a
        family without breakdowns as nulls."""
        return {
            k: tab.column(k).cast(LONG_SCHEMA.field(k).type)
            if k in keys
            else pa.nulls(tab.num_rows, LONG_SCHEMA.field(k).type)
            for k in KEYS
        }

    kc = key_columns(ratio)
    nulls = pa.nulls(ratio.num_rows, pa.int32())
    parts = [
        rows(i.code, ratio, kc, nulls, ratio.column(f"n_{i.code}"), ratio.column(f"d_{i.code}"))
        for i in family.indicators
        if i.quantile is None
    ]
    # an indicator without the doctor scope loses its doctor cells (the family computed them for others)
    for k, i in enumerate(i for i in family.indicators if i.quantile is None):
        if not i.doctor_scope:
            parts[k] = parts[k].filter(pc.not_equal(parts[k].column("src"), "doctor"))
    if hist is not None:
        code = family.indicators[0].code
        hk = key_columns(hist)
        parts.append(
            rows(
                code,
                hist,
                hk,
                hist.column("days"),
                pa.nulls(hist.num_rows, pa.float64()),
                hist.column(f"d_{code}"),
            )
        )
    return pa.concat_tables(parts) if parts else LONG_SCHEMA.empty_table()


def iter_long(
    lake: Lake,
    period_types: Iterable[str],
    *,
    families: Iterable[Family] = FAMILIES,
    codes: set[str] | None = None,
    on_step: Callable[[str], None] | None = None,
    execute: Callable[[ir.Table], pa.Table] | None = None,
) -> Iterator[pa.Table]:
    """Execute every family (once, for every period type it needs), yielding its long table of scope cells;
    the engine's cached intermediates are released when the iteration ends."""
    pts = tuple(period_types)
    run: Callable[[ir.Table], Any] = execute or lake.fetch
    try:
        for fam in families:
            if codes is not None and not any(i.code in codes for i in fam.indicators):
                continue
            long = to_long(fam, run(cells(lake, fam, pts)), pts, lake.last)
            if codes is not None:  # (a wait family's histogram rows carry the share's code)
                long = long.filter(pc.is_in(long.column("indicator"), pa.array(sorted(codes))))
            yield long
            if on_step:
                on_step(fam.name)
    finally:
        lake.release()


def compute_long(lake: Lake, period_types: Iterable[str], **kw: Any) -> pa.Table:
    """The long table of scope cells of every family, in memory (region size; see ``compute_cells``)."""
    out = list(iter_long(lake, period_types, **kw))
    return pa.concat_tables(out) if out else LONG_SCHEMA.empty_table()


def compute_cells(lake: Lake, period_types: Iterable[str], out_dir: Path, **kw: Any) -> Path:
    """The long table of scope cells written to ``out_dir`` as one Parquet file per family, for
    ``results.write_results`` to read. Only one family's cells are in memory at a time: at national size
    the whole table (about 85 M rows) held in memory beside the roll-up's DuckDB was the run's peak."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n = 0
    for long in iter_long(lake, period_types, **kw):
        # always one file per family, even an empty one, so the folder is never without a schema to read
        pq.write_table(long, out_dir / f"cells-{n:03d}.parquet", compression="lz4")
        n += 1
    if n == 0:
        pq.write_table(LONG_SCHEMA.empty_table(), out_dir / "cells-000.parquet")
    return out_dir
