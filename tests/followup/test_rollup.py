"""The roll-up from scope cells to scopes and strata adds up, and matches figures computed straight from the
lake: municipalities sum to their region and the total, strata sum to 'all', and a wait quantile equals the
nearest-rank quantile of the raw waits."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest
from helpers import run

RATIO_SCOPES = ("municipality", "region", "total")


@pytest.fixture(scope="module")
def results(generated_lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rollup") / "res"
    return run(generated_lake, out, periods=("month", "quarter", "year"), threshold=1)


def _res(results: Path) -> str:
    return f"'{results}/results.parquet'"


def test_areas_add_up_to_region_and_total(results: Path) -> None:
    """Every denominator: the municipalities of a region sum to the region, the regions to the total."""
    con = duckdb.connect()
    bad = con.execute(f"""
        WITH r AS (SELECT * FROM {_res(results)} WHERE stratum_type = 'all' AND numerator IS NOT NULL
                   AND indicator NOT LIKE '%\\_P%' ESCAPE '\\')
        SELECT t.indicator, t.period, t.denominator, sum(m.denominator)
        FROM r t JOIN r m USING (indicator, period_type, period)
        WHERE t.scope_type = 'total' AND m.scope_type = 'municipality'
        GROUP BY ALL HAVING abs(t.denominator - sum(m.denominator)) > 1e-6
        UNION ALL
        SELECT t.indicator, t.period, t.denominator, sum(m.denominator)
        FROM r t JOIN r m USING (indicator, period_type, period)
        WHERE t.scope_type = 'total' AND m.scope_type = 'region'
        GROUP BY ALL HAVING abs(t.denominator - sum(m.denominator)) > 1e-6
        LIMIT 5""").fetchall()
    assert not bad
    n = con.execute(
        f"SELECT count(DISTINCT indicator) FROM {_res(results)} WHERE scope_type = 'municipality'"
    ).fetchall()[0][0]
    assert n >= 20  # every family reaches the municipality scope


def test_strata_add_up_to_all(results: Path) -> None:
    """Within each scope, the age bands (and the sexes) sum to the 'all' row, for units and doctors too."""
    con = duckdb.connect()
    bad = con.execute(f"""
        WITH r AS (SELECT * FROM {_res(results)} WHERE numerator IS NOT NULL
                   AND indicator NOT LIKE '%\\_P%' ESCAPE '\\')
        SELECT a.indicator, a.scope_type, a.scope_id, a.period, s.stratum_type, a.denominator, sum(s.denominator)
        FROM r a JOIN r s USING (indicator, period_type, period, scope_type, scope_id)
        WHERE a.stratum_type = 'all' AND s.stratum_type <> 'all'
        GROUP BY ALL HAVING abs(a.denominator - sum(s.denominator)) > 1e-6 LIMIT 5""").fetchall()
    assert not bad
    scopes = {r[0] for r in con.execute(f"SELECT DISTINCT scope_type FROM {_res(results)}").fetchall()}
    assert scopes == {"total", "region", "municipality", "unit", "doctor"}


def test_quarters_are_their_months(results: Path) -> None:
    """An event indicator's quarter counts the same waits as its three months."""
    con = duckdb.connect()
    q, m = con.execute(f"""
        SELECT sum(denominator) FILTER (WHERE period_type = 'quarter'),
               sum(denominator) FILTER (WHERE period_type = 'month')
        FROM {_res(results)} WHERE indicator = 'A3' AND scope_type = 'total' AND stratum_type = 'all'
    """).fetchall()[0]
    assert q == m and q > 0


def test_wait_quantiles_match_the_raw_waits(generated_lake: Path, results: Path) -> None:
    """P50 and P90 of the three-day assessment wait, per year and municipality and for the women, equal the
    nearest-rank quantiles (smallest w with at least q*n waits <= w) of the waits read straight from the
    lake: a contact never assessed by the lake's last day counts with the days it has lasted plus one once
    its three days have passed, and not at all before."""
    from naravard.followup.engine.backends import lake_window

    last = lake_window(generated_lake)[1]
    con = duckdb.connect()
    waits = con.execute(f"""
        SELECT year(a.contact_date) AS y, coalesce(r.m, p.municipality_code) AS m, p.sex AS sex,
          coalesce(date_diff('day', a.contact_date, a.assessment_date),
                   date_diff('day', a.contact_date, DATE '{last}') + 1) AS d
        FROM '{generated_lake}/medical_assessments/*.parquet' a
        JOIN '{generated_lake}/persons/*.parquet' p USING (person_id)
        -- where the person lived on the contact day: the residence that began last before it (the first
        -- for a day before all of them); the persons table for who never moved
        LEFT JOIN (
          SELECT person_id, municipality_code AS m, valid_from,
            lead(valid_from) OVER w AS next_from, row_number() OVER w AS rn
          FROM '{generated_lake}/residences/*.parquet' WINDOW w AS (PARTITION BY person_id ORDER BY valid_from)
        ) r ON r.person_id = a.person_id AND (r.rn = 1 OR r.valid_from <= a.contact_date)
          AND (r.next_from IS NULL OR a.contact_date < r.next_from)
        WHERE NOT a.patient_chosen
          AND (a.assessment_date IS NOT NULL OR a.contact_date + 3 <= DATE '{last}')""").fetchall()
    assert any(w[3] > 3 for w in waits)
    got = {
        (r[0], r[1], r[2], r[3], r[4]): r[5]
        for r in con.execute(f"""
            SELECT indicator, period, scope_type, scope_id, stratum, value FROM {_res(results)}
            WHERE indicator IN ('A3_P50', 'A3_P90') AND period_type = 'year'
              AND (scope_type = 'municipality' AND stratum_type = 'all'
                   OR scope_type = 'total' AND stratum_type = 'sex')""").fetchall()
    }

    def nearest_rank(ds: list[int], q: float) -> float:
        ds = sorted(ds)
        return float(ds[math.ceil(q * len(ds)) - 1])

    checked = 0
    years = sorted({int(k[1]) for k in got})  # the lake's years (contacts outside it are not counted)
    assert years
    for y in years:
        for m in sorted({w[1] for w in waits}):
            ds = [w[3] for w in waits if w[0] == y and w[1] == m]
            for code, q in (("A3_P50", 0.5), ("A3_P90", 0.9)):
                assert got[(code, str(y), "municipality", m, "all")] == nearest_rank(ds, q)
                checked += 1
        ds = [w[3] for w in waits if w[0] == y and w[2] == "F"]
        assert got[("A3_P90", str(y), "total", "all", "F")] == nearest_rank(ds, 0.9)
    assert checked >= 20


def test_cli_run_through_parquet_cells_equals_the_in_memory_roll_up(
    generated_lake: Path, results: Path, tmp_path: Path
) -> None:
    """``naravard followup run`` spills each family's cells to Parquet and rolls up from there (bounded
    memory at national size); the results are the same rows as the in-memory roll-up's, and the spilled
    cells are gone afterwards."""
    from typer.testing import CliRunner

    from naravard.followup.cli import app

    out = tmp_path / "cli-results"
    r = CliRunner().invoke(app, ["run", "--lake", str(generated_lake), "--out", str(out), "--threshold", "1"])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli-results"]
    keys = "indicator, period_type, period, scope_type, scope_id, stratum_type, stratum"
    # a tolerance, not rounding: the two paths may sum the same floats in another order
    diff = duckdb.sql(f"""
        SELECT count(*) AS n, count(a.period) AS na, count(b.period) AS nb,
          count(*) FILTER (WHERE abs(a.value - b.value) > 1e-9 OR abs(a.numerator - b.numerator) > 1e-6
            OR a.denominator IS DISTINCT FROM b.denominator OR a.suppressed IS DISTINCT FROM b.suppressed
            OR (a.value IS NULL) <> (b.value IS NULL)) AS differ
        FROM {_res(results)} a FULL JOIN {_res(out)} b USING ({keys})""").fetchall()[0]
    assert diff[0] > 10_000
    assert diff == (diff[0], diff[0], diff[0], 0)


def test_wait_quantiles_count_the_same_waits_as_their_share(results: Path) -> None:
    """A wait family's median and 90th percentile describe the waits its share counts (unmet ones too): the
    quantile rows' denominators equal the share's, cell by cell."""
    con = duckdb.connect()
    bad, n = con.execute(f"""
        WITH r AS (SELECT * FROM {_res(results)})
        SELECT count(*) FILTER (WHERE s.denominator IS DISTINCT FROM q.denominator), count(*)
        FROM r s JOIN r q ON q.indicator IN (s.indicator || '_P50', s.indicator || '_P90')
          AND (q.period_type, q.period, q.scope_type, q.scope_id, q.stratum_type, q.stratum)
            = (s.period_type, s.period, s.scope_type, s.scope_id, s.stratum_type, s.stratum)
        WHERE s.indicator IN ('A0', 'A3', 'A90V', 'A90T', 'A90VW', 'A90TW')""").fetchall()[0]
    assert n > 1000 and bad == 0
