"""Benchmark of a one-month refresh of the follow-up results against a full run, in the same run.

    python bench/followup_refresh.py --persons 300000 --lake /tmp/lake300k-refresh

A lake of ``--years`` years and one month is generated (kept in ``--lake`` and reused when it is there), and
the same lake as it stood a month earlier (``refresh.lake_as_of``). ``naravard followup run`` computes the
earlier lake's results (a full run, which also keeps the cells and fingerprints a refresh starts from);
then, timed against each other:

(a) the baseline: a full run over the new lake, into a new folder;
(b) ``naravard followup run --refresh`` over the new lake, from the earlier results.

Goal (issue 21): (b) within 1/5 of (a). The two results are compared with EXCEPT ALL both ways on every
column but the numbers, and the numbers to 1e-9 relatively (index sums in another order differ in their last
bits); no row may differ.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from naravard.followup import cli
from naravard.followup.engine import refresh
from naravard.synth.lake import generate_lake


def cpu() -> float:
    """CPU seconds of this process and its threads (DuckDB's): steadier than wall time on a shared machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run(lake: Path, out: Path, memory_limit: str, *, refresh_: bool) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), cpu()
    cli.run(
        lake=lake,
        out=out,
        engine="duckdb",
        periods="month,quarter,year",
        spark_master=None,
        spark_remote=None,
        threshold=5,
        memory_limit=memory_limit,
        refresh=refresh_,
        since=None,
    )
    return time.perf_counter() - t0, cpu() - c0


def differ(a: Path, b: Path) -> tuple[int, int]:
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=300_000)
    ap.add_argument("--lake", type=Path, required=True)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--start-year", type=int, default=2023)
    ap.add_argument("--memory-limit", default="8GB")
    ap.add_argument(
        "--new-month",
        type=int,
        default=1,
        help="the new month's number (1 = January: the refresh redoes a year)",
    )
    a = ap.parse_args()
    y0 = a.start_year
    # the years and one month: the lake ends on the 28th of the new month, the earlier one the day before it
    last = dt.date(y0 + a.years, a.new_month, 28)
    cut = last.replace(day=1) - dt.timedelta(days=1)
    new = a.lake
    if not (new / "encounters").is_dir():
        t0 = time.perf_counter()
        generate_lake(persons=a.persons, years=a.years + 1, out=new, seed=1, start_year=y0, today=last)
        print(f"generated {new} ({a.persons:,} persons) in {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"load average before: {os.getloadavg()}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="naravard-refresh-bench-"))
    try:
        old = refresh.lake_as_of(new, work / "old-lake", cut)
        results = work / "results"
        (t_old, c_old) = run(old, results, a.memory_limit, refresh_=False)
        (t_full, c_full) = run(new, work / "full", a.memory_limit, refresh_=False)
        (t_ref, c_ref) = run(new, results, a.memory_limit, refresh_=True)
        t0 = time.perf_counter()
        refresh.fingerprints(new)
        t_fp = time.perf_counter() - t0
        one, two = differ(results / "results.parquet", work / "full" / "results.parquet")
        print(f"load average after: {os.getloadavg()}")
        print("                                                   wall        CPU")
        print(f"  full run, lake to {cut} (keeps the cache)  {t_old:9.2f} s {c_old:9.2f} s")
        print(f"  (a) full run, lake to {last}               {t_full:9.2f} s {c_full:9.2f} s")
        print(f"  (b) refresh with one new month             {t_ref:9.2f} s {c_ref:9.2f} s")
        print(f"  of which fingerprints of every lake file (all new here) {t_fp:9.2f} s")
        print(f"  refresh / full run: {t_ref / t_full:.2f} wall, {c_ref / c_full:.2f} CPU (goal <= 0.20)")
        print(f"  EXCEPT ALL refresh-full: {one} rows, full-refresh: {two} rows (must be 0 and 0)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
