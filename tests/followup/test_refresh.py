"""Refresh by the month: a run with ``--refresh`` after a month of new data gives exactly the results of a
full run (EXCEPT ALL both ways), recomputing only the last periods; a refresh killed midway leaves the
previous results as they were."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from naravard.followup.engine import refresh as rf

D = dt.date
CUT = D(2026, 10, 31)  # the old lake knows the world up to this day
LAST = D(2026, 11, 23)  # and the new lake up to this one


def cli(lake: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from naravard.cli import main; main()", "followup", "run"]
    cmd += ["--lake", str(lake), "--out", str(out), "--threshold", "5", "--memory-limit", "1GB", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


def _differ(a: Path, b: Path) -> tuple[int, int]:
    """Rows of ``a`` not in ``b`` and of ``b`` not in ``a``: EXCEPT ALL both ways on every column but the
    three numbers (value, numerator, denominator: whether each is null), and the rows whose numbers differ
    by more than 1e-9 relatively. An index's numerator is a sum of per-patient fractions, which in another
    order (here: summed on a shorter lake) differs in its last bits: rounding would not do, a
    value on a rounding boundary then differs."""
    exact = (
        "SELECT * EXCLUDE (value, numerator, denominator), value IS NULL, numerator IS NULL, "
        "denominator IS NULL FROM read_parquet('{}')"
    )
    keys = "indicator, period_type, period, scope_type, scope_id, stratum_type, stratum"
    close = (
        "SELECT count(*) FROM read_parquet('{a}') x JOIN read_parquet('{b}') y USING ({k}) WHERE "
        + " OR ".join(
            f"abs(x.{c} - y.{c}) > 1e-9 * greatest(abs(x.{c}), abs(y.{c}), 1)"
            for c in ("value", "numerator", "denominator")
        )
    )
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        one = con.execute(f"SELECT count(*) FROM ({exact.format(a)} EXCEPT ALL {exact.format(b)})").fetchall()
        two = con.execute(f"SELECT count(*) FROM ({exact.format(b)} EXCEPT ALL {exact.format(a)})").fetchall()
        far = con.execute(close.format(a=a, b=b, k=keys)).fetchall()
    finally:
        con.close()
    return int(one[0][0]) + int(far[0][0]), int(two[0][0]) + int(far[0][0])


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A generated lake (2024-01-01 to 2026-11-23) and the same lake a month earlier; the new month ends
    listings and fixed doctors, begins new ones, and answers waits that were open."""
    from naravard.synth.lake import generate_lake

    generated_lake = tmp_path_factory.mktemp("newlake")
    generate_lake(persons=2_000, years=3, out=generated_lake, seed=21, start_year=2024, workers=1, today=LAST)
    old = rf.lake_as_of(generated_lake, tmp_path_factory.mktemp("oldlake"), CUT)
    con = duckdb.connect()
    for table, col in (
        ("listings", "valid_from"),
        ("listings", "valid_to"),
        ("fixed_contacts", "valid_to"),
        ("referrals", "first_visit_date"),
    ):
        n = con.execute(
            f"SELECT count(*) FROM read_parquet('{generated_lake}/{table}/*.parquet') "
            f"WHERE {col} > DATE '{CUT}'"
        ).fetchall()[0]
        assert n is not None and n[0] > 0, table  # the new month changes this table's earlier rows
    return old, generated_lake


def test_refresh_equals_full_run(lakes: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = lakes
    refreshed, full = tmp_path / "refreshed", tmp_path / "full"
    r = cli(old, refreshed)
    assert r.returncode == 0, r.stderr
    before = (refreshed / "results.parquet").read_bytes()
    (tmp_path / "before.parquet").write_bytes(before)
    # nothing new: a refresh recomputes only the last months (the waits and follow-ups near the last day)
    r = cli(old, refreshed, "--refresh")
    assert r.returncode == 0, r.stderr
    assert "periods from 2026-01 recomputed" in r.stdout, r.stdout
    assert _differ(refreshed / "results.parquet", tmp_path / "before.parquet") == (0, 0)
    r = cli(new, refreshed, "--refresh")
    assert r.returncode == 0, r.stderr
    assert "periods from 20" in r.stdout, r.stdout
    meta = json.loads((refreshed / "meta.json").read_text())
    assert meta["recomputed_from"] is not None and meta["lake_last"] > CUT.isoformat()
    r = cli(new, full)
    assert r.returncode == 0, r.stderr
    assert _differ(refreshed / "results.parquet", full / "results.parquet") == (0, 0)
    assert before != (refreshed / "results.parquet").read_bytes()
    # the cache is private: unsuppressed cells
    assert (refreshed / rf.CACHE_DIR).stat().st_mode & 0o077 == 0


def test_interrupted_refresh_keeps_previous_results(lakes: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = lakes
    out = tmp_path / "results"
    assert cli(old, out).returncode == 0
    digest = hashlib.sha256((out / "results.parquet").read_bytes()).hexdigest()
    meta = (out / "meta.json").read_text()
    cmd = [sys.executable, "-c", "from naravard.cli import main; main()", "followup", "run"]
    cmd += ["--lake", str(new), "--out", str(out), "--refresh", "--memory-limit", "1GB"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # kill it once the engine has begun (its private cells folder exists)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob(".results.cells-*/new")):
        time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert hashlib.sha256((out / "results.parquet").read_bytes()).hexdigest() == digest
    assert (out / "meta.json").read_text() == meta
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/results.parquet')").fetchall()[0]
    assert rows is not None and rows[0] > 1000
    # and the next refresh starts from the intact cache, then tidies what the killed one left
    r = cli(new, out, "--refresh")
    assert r.returncode == 0, r.stderr
    assert "periods from" in r.stdout, r.stdout
    assert not list(tmp_path.glob(".results.*"))


def test_changed_months_compares_only_new_and_removed_files() -> None:
    old = {
        "encounters/a.parquet|10|1": {"encounters/row:2026-09": [5, 100], "encounters/row:2026-10": [2, 7]},
        "units/u.parquet|3|1": {"units/row:*": [3, 9]},
    }
    # the same rows in a rewritten file, and October's with one row more in a new file
    new = {
        "encounters/a.parquet|11|2": {"encounters/row:2026-09": [5, 100], "encounters/row:2026-10": [2, 7]},
        "encounters/b.parquet|4|2": {"encounters/row:2026-10": [1, 3]},
        "units/u.parquet|3|1": {"units/row:*": [3, 9]},
    }
    assert rf.changed_months(old, new) == ["encounters/row:2026-10"]
    assert rf.changed_months(new, new) == []
    new["units/u.parquet|4|2"] = {"units/row:*": [4, 10]}
    del new["units/u.parquet|3|1"]
    assert rf.changed_months(old, new) == ["encounters/row:2026-10", "units/row:*"]


def test_since_must_be_a_month(tmp_path: Path) -> None:
    r = cli(tmp_path / "lake", tmp_path / "out", "--since", "2026-13")
    assert r.returncode == 1 and "--since '2026-13' is not a month (YYYY-MM)" in r.stderr
