"""The generator is deterministic and plausible; DuckDB and Spark give the same results on its lake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    keys = "indicator, period_type, period, scope_type, scope_id, stratum_type, stratum"
    per = duckdb.sql(f"""
        SELECT indicator, count(*) AS n, count(a.period) AS na, count(b.period) AS nb,
          coalesce(max(abs(a.value - b.value)), 0) AS dv, coalesce(max(abs(a.numerator - b.numerator)), 0) AS dn,
          coalesce(max(abs(a.denominator - b.denominator)), 0) AS dd,
          sum(CAST(a.suppressed IS DISTINCT FROM b.suppressed AS INT)) AS ds,
          sum(CAST((a.value IS NULL) <> (b.value IS NULL) AS INT)) AS dnull
        FROM '{d}/results.parquet' a FULL JOIN '{s}/results.parquet' b USING ({keys})
        GROUP BY indicator ORDER BY indicator""").fetchall()
    by_code = {r[0]: r[1:] for r in per}
    assert sum(r[0] for r in by_code.values()) > 10_000
    from naravard.followup.indicators import INDICATORS

    for domain in ("continuity", "accessibility", "participation", "coordination"):
        codes = [c for c, i in INDICATORS.items() if i.domain == domain]
        assert all(c in by_code for c in codes), (domain, sorted(set(codes) - set(by_code)))
        bad = {
            c: by_code[c]
            for c in codes
            if not (
                by_code[c][0] == by_code[c][1] == by_code[c][2]
                and by_code[c][3] < 1e-9
                and by_code[c][4] < 1e-6
                and by_code[c][5] == 0
                and by_code[c][6] == 0
                and by_code[c][7] == 0
            )
        }
        assert not bad, f"{domain}: (rows, duckdb, spark, dvalue, dnum, dden, dsuppressed, dnull) {bad}"
