"""Small-cell suppression with complementary suppression: a single suppressed cell among published
siblings (strata of a cell, municipalities of a county) would be given away by subtraction from the
published parent, so the smallest sibling is suppressed too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from naravard.followup.engine.compute import LONG_SCHEMA
from naravard.followup.results.storage import write_results


def cell(mun: str, sex: str, month: int, den: float, code: str = "A90V") -> dict[str, Any]:
    """An area cell of the event indicator ``code`` (additive over months): ``den`` waits, half met."""
    return {
        "indicator": code,
        "period_type": "month",
        "period_start": dt.date(2025, month, 1),
        "src": "area",
        "region_code": mun[:2],
        "municipality_code": mun,
        "unit_id": None,
        "doctor_id": None,
        "age_band": "65-79",
        "sex": sex,
        "days": None,
        "num": den / 2,
        "den": den,
    }


def rows(cells: list[dict[str, Any]], tmp_path: Path) -> dict[tuple[str, ...], Any]:
    long = pa.Table.from_pylist(cells, schema=LONG_SCHEMA)
    out = write_results(long, tmp_path / "res", threshold=5, memory_limit="1GB")
    got = (
        duckdb.connect()
        .execute(f"""
        SELECT scope_type, scope_id, period, stratum_type, stratum, suppressed, denominator
        FROM '{out}/results.parquet' WHERE period_type = 'month'""")
        .fetchall()
    )
    return {r[:5]: (r[5], r[6]) for r in got}


def test_a_single_suppressed_stratum_takes_its_smallest_sibling_along(tmp_path: Path) -> None:
    # municipality 2180 in March: women 3 (< 5), men 10 and 12 in two cells -> all 25
    got = rows(
        [
            cell("2180", "F", 3, 3),
            cell("2180", "M", 3, 10),
            cell("2180", "M", 3, 2),
            cell("2181", "M", 3, 40),
        ],
        tmp_path,
    )
    assert got[("municipality", "2180", "2025-03", "sex", "F")] == (True, None)
    # men (12) would be all (15) minus women: suppressed too; 'all' stays published
    assert got[("municipality", "2180", "2025-03", "sex", "M")] == (True, None)
    assert got[("municipality", "2180", "2025-03", "all", "all")] == (False, 15)


def test_municipalities_of_a_county_but_not_months(tmp_path: Path) -> None:
    got = rows(
        [
            # March: 2180 has 3 (< 5); 2181 (8) is the smallest other municipality of county 21
            cell("2180", "F", 3, 3),
            cell("2181", "F", 3, 8),
            cell("2182", "F", 3, 20),
            # 2182's months: January 2 (< 5), February 9: periods are not grouped, February stays
            cell("2182", "F", 1, 2),
            cell("2182", "F", 2, 9),
        ],
        tmp_path,
    )
    mun = {m: got[("municipality", m, "2025-03", "all", "all")] for m in ("2180", "2181", "2182")}
    assert mun == {"2180": (True, None), "2181": (True, None), "2182": (False, 20)}
    months = {m: got[("municipality", "2182", m, "all", "all")][0] for m in ("2025-01", "2025-02", "2025-03")}
    assert months == {"2025-01": True, "2025-02": False, "2025-03": False}
    # the county total is published; no single suppressed municipality can be read off it
    assert got[("region", "21", "2025-03", "all", "all")] == (False, 31)


def test_nothing_more_is_suppressed_without_a_single_small_cell(tmp_path: Path) -> None:
    got = rows([cell("2180", "F", 3, 6), cell("2180", "M", 3, 7), cell("2181", "F", 3, 9)], tmp_path)
    assert not any(s for s, _ in got.values())


def breakdown(mun: str, kind: str, stratum: str, den: float) -> dict[str, Any]:
    """A breakdown cell of A3 in March (``kind`` profession, mode or ownership): no age band or sex."""
    base = cell(mun, "F", 3, den, "A3")
    return {**base, "age_band": None, "sex": None, "breakdown": kind, "breakdown_value": stratum}


def test_a_breakdown_is_a_group_of_siblings(tmp_path: Path) -> None:
    """A3's professions (and modes, ownerships) of a cell are siblings under its 'all': one small one
    takes the smallest other along, whether or not unrecorded values make them sum to less than 'all'."""
    cells = [
        cell("2180", "F", 3, 31, "A3"),  # the cell: 31 waits
        # professions 20 + 3 + 6 = 29 (2 without a profession): DSK < 5, SSK the smallest other
        breakdown("2180", "profession", "LK", 20),
        breakdown("2180", "profession", "DSK", 3),
        breakdown("2180", "profession", "SSK", 6),
        # ownership 28 + 3: private < 5, and public = all - private would give it away
        breakdown("2180", "ownership", "public", 28),
        breakdown("2180", "ownership", "private", 3),
        # modes with none small: all published
        breakdown("2180", "mode", "physical", 21),
        breakdown("2180", "mode", "phone", 10),
        # the district nurses' waits in the county's other municipalities: 8 and 20
        breakdown("2181", "profession", "DSK", 8),
        breakdown("2182", "profession", "DSK", 20),
    ]
    got = rows(cells, tmp_path)
    key = ("municipality", "2180", "2025-03")
    assert got[(*key, "all", "all")] == (False, 31)
    prof = {p: got[(*key, "profession", p)] for p in ("LK", "DSK", "SSK")}
    # SSK (6) goes with DSK; the county's SSK is 2180's alone (6) and goes with it, which leaves one
    # profession suppressed under the county's 'all': its smallest other (LK 20) goes, and 2180's LK (the
    # county's LK alone) with it. (Before issue 21 the county's SSK stayed published: 2180's SSK read off it.)
    assert prof == {"LK": (True, None), "DSK": (True, None), "SSK": (True, None)}
    assert got[("region", "21", "2025-03", "profession", "SSK")] == (True, None)
    assert got[("region", "21", "2025-03", "profession", "LK")] == (True, None)
    assert got[(*key, "ownership", "private")] == got[(*key, "ownership", "public")] == (True, None)
    assert got[(*key, "mode", "physical")] == (False, 21) and got[(*key, "mode", "phone")] == (False, 10)
    # the municipalities of the county in one profession are siblings too: 2181 (8, the smallest other)
    # goes with 2180's DSK, as the county's published 31 would otherwise give 2180's 3 away
    assert got[("region", "21", "2025-03", "profession", "DSK")] == (False, 31)
    dsk = {m: got[("municipality", m, "2025-03", "profession", "DSK")] for m in ("2180", "2181", "2182")}
    assert dsk == {"2180": (True, None), "2181": (True, None), "2182": (False, 20)}
