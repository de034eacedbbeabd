"""The generator is deterministic and plausible; DuckDB and Spark give the same results on its lake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from helpers import assert_same_results, run

from naravard.followup.engine import backends as engine
from naravard.followup.lake.validation import validate_lake
from naravard.reference import MUNICIPALITIES
from naravard.synth.lake import generate_lake
from naravard.synth.reference import HEALTH_CENTRES


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


@pytest.fixture(scope="module")
def parity_results(
    generated_lake: Path, tmp_path_factory: pytest.TempPathFactory, spark
) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """The generated lake computed once per engine (quarters and years; the engine computes the months the
    event families need either way), shared by the parity assertions."""
    out = tmp_path_factory.mktemp("parity")
    d = run(generated_lake, out / "duck", periods=("quarter", "year"), threshold=5)
    from pyspark.sql.classic.dataframe import DataFrame

    def no_pandas(self: Any) -> None:
        raise AssertionError("Spark results must come back through toArrow, not toPandas")

    with pytest.MonkeyPatch.context() as mp:  # the row-by-row path was most of a national Spark run
        mp.setattr(DataFrame, "toPandas", no_pandas)
        s = run(
            generated_lake,
            out / "spark",
            periods=("quarter", "year"),
            threshold=5,
            con=engine.connect("spark", spark=spark),
        )
    return d, s


@pytest.mark.spark
def test_duckdb_and_spark_agree(parity_results: tuple[Path, Path]) -> None:
    """One test (so one xdist worker computes Spark once), one assertion per domain and a whole-set check;
    a failure names the indicators that differ."""
    d, s = parity_results
    assert_same_results(d, s)
    # the compared rows include A3's breakdowns (the full join above would pass if both lacked them)
    for res in (d, s):
        got = duckdb.sql(f"""
            SELECT stratum_type, count(DISTINCT stratum), count(DISTINCT scope_type)
            FROM '{res}/results.parquet' WHERE indicator = 'A3' AND stratum_type IN ('profession', 'mode', 'ownership')
            GROUP BY 1 ORDER BY 1""").fetchall()
        assert got == [("mode", 3, 4), ("ownership", 2, 4), ("profession", 2, 4)], got
