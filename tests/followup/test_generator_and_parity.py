"""The generator is deterministic and plausible; DuckDB and Spark give the same results on its lake."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from helpers import run

from naravard.followup import engine
from naravard.followup.lake import validate_lake
from naravard.synth.lake import generate_lake
from naravard.synth.reference import HEALTH_CENTRES, MUNICIPALITIES


def test_reference_data() -> None:
    assert len(MUNICIPALITIES) == 10 and len(HEALTH_CENTRES) == 42
    assert sum(h.private for h in HEALTH_CENTRES) == 15


def test_same_seed_same_lake(tmp_path: Path) -> None:
    import datetime as dt

    kw = {"persons": 600, "years": 1, "start_year": 2025, "workers": 1, "today": dt.date(2026, 11, 23)}
    a, b = tmp_path / "a", tmp_path / "b"
    generate_lake(out=a, seed=4, **kw)  # type: ignore[arg-type]
    generate_lake(out=b, seed=4, **kw)  # type: ignore[arg-type]
    for t in ("persons", "encounters", "admissions"):
        assert pq.read_table(a / t).equals(pq.read_table(b / t))


def test_generated_lake_is_valid_and_plausible(generated_lake: Path) -> None:
    import datetime as dt

    validate_lake(generated_lake, today=dt.date(2026, 11, 23))
    con = duckdb.connect()
    per_person = con.execute(
        f"SELECT count(*) / (SELECT count(*) FROM '{generated_lake}/persons/*.parquet') "
        f"FROM '{generated_lake}/encounters/*.parquet'"
    ).fetchall()[0][0]
    assert 4 < per_person < 10  # about three contacts a year, two years
    old, young = con.execute(
        f"SELECT avg(n) FILTER (WHERE age >= 80), avg(n) FILTER (WHERE age BETWEEN 20 AND 40) FROM ("
        f"SELECT p.person_id, 2025 - year(p.birth_date) AS age, count(e.person_id) AS n "
        f"FROM '{generated_lake}/persons/*.parquet' p LEFT JOIN '{generated_lake}/encounters/*.parquet' e "
        f"USING (person_id) GROUP BY ALL)"
    ).fetchall()[0]
    assert old > 2 * young  # visits rise with age


@pytest.mark.spark
def test_duckdb_and_spark_agree(generated_lake: Path, tmp_path: Path, spark) -> None:  # type: ignore[no-untyped-def]
    d = run(generated_lake, tmp_path / "duck", periods=("quarter", "year"), threshold=5)
    s = run(
        generated_lake,
        tmp_path / "spark",
        periods=("quarter", "year"),
        threshold=5,
        con=engine.connect("spark", spark=spark),
    )
    keys = "indicator, period_type, period, scope_type, scope_id, stratum_type, stratum"
    diff = duckdb.sql(f"""
        SELECT count(*) AS n, count(a.indicator) AS a, count(b.indicator) AS b,
          max(abs(a.value - b.value)) AS dv, max(abs(a.numerator - b.numerator)) AS dn,
          max(abs(a.denominator - b.denominator)) AS dd, sum(CAST(a.suppressed <> b.suppressed AS INT)) AS ds
        FROM '{d}/results.parquet' a FULL JOIN '{s}/results.parquet' b USING ({keys})""").fetchall()[0]
    n, na, nb, dv, dn, dd, ds = diff
    assert n == na == nb > 10_000
    assert (dv or 0) < 1e-9 and (dn or 0) < 1e-6 and dd == 0 and ds == 0
