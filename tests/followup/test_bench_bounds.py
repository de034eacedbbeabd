"""The benchmark's lower bound (bench/followup.py) counts what it says it counts: a bound that measured the
wrong thing would make the closing figures meaningless."""

from __future__ import annotations

import datetime as dt
import importlib.util
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tests.followup.conftest import person, visit

BENCH = Path(__file__).resolve().parents[2] / "bench" / "followup.py"
T = dt.datetime


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_followup", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_visit_days_counts_one_visit_per_patient_practitioner_and_day_at_primary_care(
    make_lake: Callable[..., Path],
) -> None:
    lake = make_lake(
        persons=[person(1), person(2)],
        encounters=[
            # patient 1, doctor 10 twice on one day: one visit
            visit(1, 1, 10, T(2024, 1, 2, 9)),
            visit(2, 1, 10, T(2024, 1, 2, 14)),
            # another doctor the same day: a second visit
            visit(3, 1, 11, T(2024, 1, 2, 10)),
            # a nurse the next day: counted too (every profession)
            visit(4, 1, 20, T(2024, 1, 3, 8), prof="SSK"),
            # at the hospital (unit 901 is not primary care): not counted
            visit(5, 1, 10, T(2024, 1, 4, 8), unit=901),
            # patient 2 with doctor 10 on the same day as patient 1: a visit of its own
            visit(6, 2, 10, T(2024, 1, 2, 11), unit=2),
        ],
    )
    bench = _bench()
    # 1 + 1 + 1 + 0 + 1 = 4 visits, 2 persons
    assert bench.visit_days(lake) == 4
    assert bench.scan_floor(lake) == 2


def test_write_floor_writes_the_rows_and_leaves_nothing_behind(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    rows: dict[str, Any] = {"indicator": ["C_FLK"] * 1000, "value": [0.5] * 1000}
    pq.write_table(pa.table(rows), results / "results.parquet")
    before = set(Path(tempfile.gettempdir()).glob("bench-write-*"))
    seconds = _bench().write_floor(results)
    assert 0 < seconds < 60
    assert set(Path(tempfile.gettempdir()).glob("bench-write-*")) == before
