"""Run the indicator families on an engine and roll the results up to every period, scope and stratum.

The engine does the heavy part (scanning events, per-patient indices) and returns one small table per
family at the finest grain (period x municipality x unit x doctor x age band x sex [x wait days]), with
additive numerators and denominators. The roll-up to scopes and strata, quantiles from the wait-days
histogram and small-cell suppression are then done by one DuckDB query over those tables, the same code
whichever engine computed them, so both engines give identical results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from naravard.followup.indicators import FAMILIES, Family, Lake

AGE_BANDS = ("0-17", "18-64", "65-79", "80+")
KEYS = ("period_start", "region_code", "municipality_code", "unit_id", "doctor_id", "age_band", "sex")

LONG_SCHEMA = pa.schema([
    ("indicator", pa.string()), ("period_type", pa.string()), ("period_start", pa.date32()),
    ("region_code", pa.string()), ("municipality_code", pa.string()), ("unit_id", pa.int64()),
    ("doctor_id", pa.int64()), ("age_band", pa.string()), ("sex", pa.string()), ("days", pa.int64()),
    ("num", pa.float64()), ("den", pa.float64()),
])


def attribute(lake: Lake, rows: ir.Table, has_unit: bool) -> ir.Table:
    """Add sex, age band (age attained in the calendar year of ``att_date``), residence municipality, and the
    listed unit and named fixed doctor valid on ``att_date`` (listings and fixed doctors may not overlap)."""
    p = lake.persons.select("person_id", "sex", "region_code", "municipality_code",
                            birth_year=lake.persons.birth_date.year())
    j = rows.join(p, "person_id")
    age = j.att_date.year() - j.birth_year
    j = j.mutate(age_band=ibis.cases((age < 18, AGE_BANDS[0]), (age < 65, AGE_BANDS[1]), (age < 80, AGE_BANDS[2]),
                                     else_=AGE_BANDS[3])).drop("birth_year")
    if not has_unit:
        li = lake.listings.select("person_id", "unit_id", l_from="valid_from", l_to="valid_to")
        j = j.left_join(li, [j.person_id == li.person_id, li.l_from <= j.att_date,
                             li.l_to.isnull() | (li.l_to >= j.att_date)])
        j = j.drop("person_id_right", "l_from", "l_to")
    fc = lake.fixed_contacts
    fc = fc.filter(fc.kind == "doctor").select("person_id", doctor_id="practitioner_id", f_from="valid_from",
                                                f_to="valid_to")
    j = j.left_join(fc, [j.person_id == fc.person_id, fc.f_from <= j.att_date,
                         fc.f_to.isnull() | (fc.f_to >= j.att_date)])
    return j.drop("person_id_right", "f_from", "f_to")


def finest(lake: Lake, family: Family, period_type: str) -> ir.Table:
    rows = attribute(lake, family.build(lake, period_type), family.has_unit)
    keys = list(KEYS) + (["days"] if family.has_days else [])
    cols = [f"{x}_{i.code}" for i in family.indicators if i.quantile is None for x in ("n", "d")]
    return rows.group_by(keys).aggregate(**{c: rows[c].sum().cast("float64") for c in cols})


def to_long(family: Family, period_type: str, t: pa.Table) -> pa.Table:
    """One row per indicator at the finest grain; quantile indicators reuse the share's denominators."""
    parts = []
    n = t.num_rows
    days = t.column("days") if family.has_days else pa.nulls(n, pa.int64())
    for ind in family.indicators:
        base = family.indicators[0].code if ind.quantile is not None else ind.code
        num = t.column(f"n_{base}") if ind.quantile is None else pa.nulls(n, pa.float64())
        cols = {
            "indicator": pa.array([ind.code] * n, pa.string()), "period_type": pa.array([period_type] * n),
            **{k: t.column(k) for k in KEYS}, "days": days, "num": num, "den": t.column(f"d_{base}"),
        }
        parts.append(pa.table(cols).cast(LONG_SCHEMA))
    return pa.concat_tables(parts) if parts else LONG_SCHEMA.empty_table()


def compute_long(lake: Lake, period_types: Iterable[str], *, families: Iterable[Family] = FAMILIES,
                 codes: set[str] | None = None, on_step: Callable[[str], None] | None = None,
                 execute: Callable[[ir.Table], pa.Table] | None = None) -> pa.Table:
    """Execute every family for every period type; return the finest-grain long table."""
    out: list[pa.Table] = []
    run: Callable[[ir.Table], Any] = execute or (lambda e: e.to_pyarrow())
    for fam in families:
        if codes is not None and not any(i.code in codes for i in fam.indicators):
            continue
        for pt in period_types:
            long = to_long(fam, pt, run(finest(lake, fam, pt)))
            if codes is not None:
                long = long.filter(pa.compute.is_in(long.column("indicator"), pa.array(sorted(codes))))
            out.append(long)
            if on_step:
                on_step(f"{fam.name} {pt}")
    return pa.concat_tables(out) if out else LONG_SCHEMA.empty_table()
