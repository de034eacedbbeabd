"""Benchmark of the follow-up indicator set, printed as ratios against baselines measured in the same run.

    python bench/followup.py --persons 300000 --lake /tmp/lake300k [--engines duckdb,spark]

(a) scan floor: DuckDB count(DISTINCT person_id) over the encounters;
(b) a straightforward pandas implementation of UPC, COC and SECON per patient and year, compared with the
    same three indices from the Ibis definitions on DuckDB.
Goals: the whole set within 4x the scan floor, continuity > 10x faster than pandas, and the dashboard's
query on region-size results under one second.

It also prints two costs that no implementation of the set can avoid, as ratios against the same floor:
writing the result rows the issue asks for (every indicator per month, quarter and year, scope and stratum)
with nothing else done, and the one step every continuity index needs (the primary-care visits
de-duplicated per patient, practitioner and day). Their sum is a lower bound for the whole set on this machine (ADR 0002).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from naravard.followup import service
from naravard.followup.engine import backends as engine
from naravard.followup.engine.compute import compute_cells, compute_long
from naravard.followup.indicators import continuity
from naravard.followup.lake.validation import validate_lake
from naravard.followup.results.storage import write_results
from naravard.followup.results.targets import DEFAULT_TARGETS, Target
from naravard.synth.lake import generate_lake


def one(query: str) -> Any:
    """The first value of a DuckDB query (an in-memory connection of its own)."""
    con = duckdb.connect()
    try:
        return con.execute(query).fetchall()[0][0]
    finally:
        con.close()


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    print(f"  {label:<46} {dt:9.2f} s", flush=True)
    return dt, out


def scan_floor(lake: Path) -> int:
    return one(f"SELECT count(DISTINCT person_id) FROM '{lake}/encounters/*.parquet'")


def visit_days(lake: Path) -> int:
    """Primary-care visits per patient, practitioner and day (the same practitioner twice on one day is one
    visit): one group-by over the encounters at primary-care units, which every visit-based continuity index
    needs first (C_COC_ALL over every profession; the doctor indices are its doctor rows)."""
    return one(
        f"SELECT count(*) FROM (SELECT person_id, practitioner_id, CAST(start AS DATE) AS day "
        f"FROM '{lake}/encounters/*.parquet' WHERE unit_id IN "
        f"(SELECT unit_id FROM '{lake}/units/*.parquet' WHERE kind = 'primary') GROUP BY ALL)"
    )


def write_floor(results: Path) -> float:
    """Seconds to write the result rows alone: the finished rows are loaded into DuckDB first (not timed),
    then written to Parquet unsorted, uncompressed and with Snappy; the faster of the two counts."""
    con = duckdb.connect(config={"preserve_insertion_order": False})
    out = Path(tempfile.mkdtemp(prefix="bench-write-"))
    try:
        con.execute(f"CREATE TABLE r AS SELECT * FROM '{results}/results.parquet'")
        best = float("inf")
        for codec in ("uncompressed", "snappy"):
            t0 = time.perf_counter()
            con.execute(f"COPY r TO '{out}/{codec}.parquet' (FORMAT parquet, COMPRESSION {codec})")
            best = min(best, time.perf_counter() - t0)
        return best
    finally:
        con.close()
        shutil.rmtree(out, ignore_errors=True)


def pandas_continuity(lake: Path) -> int:
    """UPC, COC and SECON per patient and year the way an analyst would write them in pandas."""
    import pandas as pd  # type: ignore[import-untyped]

    e = pd.read_parquet(
        lake / "encounters",
        columns=["person_id", "practitioner_id", "profession", "start", "unit_id", "encounter_id"],
        filters=[("profession", "==", "LK")],
    )
    units = pd.read_parquet(lake / "units")
    e = e[e.unit_id.isin(units.loc[units.kind == "primary", "unit_id"])]
    e["day"] = e.start.dt.normalize()
    e["year"] = e.start.dt.year
    e = e.sort_values(["person_id", "start", "encounter_id"]).drop_duplicates(
        ["person_id", "practitioner_id", "day"]
    )
    n = e.groupby(["person_id", "year", "practitioner_id"]).size().rename("n").reset_index()
    g = n.groupby(["person_id", "year"]).n
    p = pd.DataFrame({"N": g.sum(), "maxn": g.max(), "sumsq": g.apply(lambda s: (s * s).sum())})
    p = p[p.N >= 2]
    p["upc"] = p.maxn / p.N
    p["coc"] = (p.sumsq - p.N) / (p.N * (p.N - 1))
    e["prev"] = e.groupby(["person_id", "year"]).practitioner_id.shift()
    pairs = e[e.prev.notna()]
    sec = (pairs.prev == pairs.practitioner_id).groupby([pairs.person_id, pairs.year]).mean()
    return int(len(p) + len(sec))


def run_engine(eng: str, lake_dir: Path, periods: list[str], out: Path, memory_limit: str) -> float:
    """Compute every indicator for ``periods`` on ``eng`` and write the results; the whole set's time."""
    con = engine.connect(eng, memory_limit=memory_limit)
    lake = engine.open_lake(con, lake_dir)
    cells = out.parent / f"{out.name}-cells"
    tc, _ = timed(f"{eng}: compute all indicators", lambda: compute_cells(lake, periods, cells))
    engine.close(con)  # the roll-up opens its own DuckDB; a JVM or buffer pool kept alive would compete
    n_cells = one(f"SELECT count(*) FROM '{cells}/*.parquet'")
    tw, _ = timed(
        f"{eng}: roll up + write results ({n_cells:,} cell rows in)",
        lambda: write_results(
            cells,
            out,
            memory_limit=memory_limit,
            meta={
                "engine": eng,
                "lake": str(Path(lake_dir).resolve()),
                "periods": periods,
                "lake_first": lake.first.isoformat(),
                "lake_last": lake.last.isoformat(),
            },
        ),
    )
    shutil.rmtree(cells)
    rows = one(f"SELECT count(*) FROM '{out}/results.parquet'")
    print(f"  {eng}: {rows:,} result rows")
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {eng}: peak RSS of this engine's process {me:,.0f} MB", flush=True)
    return tc + tw


def run_engine_alone(eng: str, lake_dir: Path, periods: list[str], out: Path, memory_limit: str) -> float:
    """``run_engine`` in a process of its own: memory that one engine's run kept (Arrow's allocator does
    not give it back) would otherwise be added to the next engine's; at national size that ran the machine
    out of memory once Spark's JVM started beside it."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(_run_engine_reported, eng, lake_dir, periods, out, memory_limit).result()


def _run_engine_reported(eng: str, lake_dir: Path, periods: list[str], out: Path, memory_limit: str) -> float:
    """``run_engine`` with its failure as plain text: a Spark error holds a lock and cannot be pickled back
    to the parent, which would then report only the pickling error."""
    try:
        return run_engine(eng, lake_dir, periods, out, memory_limit)
    except Exception as exc:
        raise RuntimeError(f"{eng}: {type(exc).__name__}: {str(exc)[:2000]}") from None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=300_000)
    ap.add_argument("--lake", type=Path, required=True)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument("--periods", default="month,quarter,year")
    ap.add_argument("--memory-limit", default="12GB")
    ap.add_argument("--skip-pandas", action="store_true")
    a = ap.parse_args()
    periods = a.periods.split(",")
    if not (a.lake / "encounters").is_dir():
        print(f"generating {a.persons:,} persons into {a.lake}")
        timed("synth", lambda: generate_lake(persons=a.persons, years=a.years, out=a.lake, seed=1))
    n_enc = one(f"SELECT count(*) FROM '{a.lake}/encounters/*.parquet'")
    print(f"lake {a.lake}: {a.persons:,} persons, {n_enc:,} encounters; periods {a.periods}")
    # the better of two runs: the first may read the files from disk where every later query finds them
    # in the page cache, and a floor measured cold would flatter every ratio below
    floor = min(
        timed(f"scan floor: count(DISTINCT person_id), run {k}", lambda: scan_floor(a.lake))[0]
        for k in (1, 2)
    )
    tmp = Path(tempfile.mkdtemp(prefix="bench-results-"))
    results: dict[str, float] = {}
    try:
        tv, _ = timed("validate lake", lambda: validate_lake(a.lake))
        for eng in a.engines.split(","):
            results[eng] = run_engine_alone(eng, a.lake, periods, tmp / eng, a.memory_limit)
            print(
                f"  {eng}: whole set {results[eng]:.2f} s = {results[eng] / floor:.1f}x scan floor "
                f"(goal <= 4x; {(results[eng] + tv) / floor:.1f}x with validation)"
            )
        con = engine.connect("duckdb", memory_limit=a.memory_limit)
        lake = engine.open_lake(con, a.lake)
        fams = [f for f in continuity.FAMILIES if f.name == "continuity_indices"]
        ti, _ = timed(
            "ibis/duckdb: UPC, COC, SECON per year",
            lambda: compute_long(lake, ["year"], families=fams, codes={"C_UPC", "C_COC", "C_SECON"}),
        )
        if not a.skip_pandas:
            tp, _ = timed("pandas: UPC, COC, SECON per year", lambda: pandas_continuity(a.lake))
            print(
                f"  continuity (same three indices, years): ibis/duckdb is {tp / ti:.1f}x faster than pandas"
            )
            for eng, t in results.items():
                print(
                    f"  {eng}: whole set (every indicator, {a.periods}) vs pandas' three indices: {tp / t:.1f}x"
                )
        res = tmp / ("duckdb" if "duckdb" in results else next(iter(results)))
        n_rows = one(f"SELECT count(*) FROM '{res}/results.parquet'")
        tr = write_floor(res)
        print(f"  writing the {n_rows:,} result rows alone{'':<8} {tr:9.2f} s")
        tv2, _ = timed("visits per patient, practitioner and day", lambda: visit_days(a.lake))
        print(
            f"  lower bound (these two alone): {tr + tv2:.2f} s = {(tr + tv2) / floor:.1f}x scan floor "
            f"(writing {tr / floor:.1f}x + de-duplication {tv2 / floor:.1f}x; goal <= 4x)"
        )
        n_months = one(
            f"SELECT count(DISTINCT period) FROM '{res}/results.parquet' WHERE period_type = 'month'"
        )
        mun = one(f"SELECT any_value(municipality_code) FROM '{a.lake}/persons/*.parquet'")
        # as a region following ÖK Mål 2 has them (the demo's): C_COC +20 % against the first year, which
        # costs the query one more read of the results for the baseline cells
        first = one(f"SELECT min(period) FROM '{res}/results.parquet' WHERE period_type = 'year'")
        tg = [*DEFAULT_TARGETS, Target("C_COC", 1.2, source="ÖK Mål 2", origin="region", baseline=first)]
        td, _ = timed(
            f"dashboard query (5 indicators, {n_months} months, one municipality)",
            lambda: service.dashboard_series(
                res,
                indicators=["C_FLK", "C_COC", "A3", "A90V", "K_READM30"],
                period_type="month",
                scope_type="municipality",
                scope_id=mun,
                targets=tg,
            ),
        )
        td2, _ = timed(
            "dashboard query, 2nd call (2 indicators, total)",
            lambda: service.dashboard_series(
                res, indicators=["C_FLK", "C_COC"], period_type="month", targets=tg
            ),
        )
        print(f"  dashboard: {max(td, td2):.3f} s (goal < 1 s at region size)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ch = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {me:,.0f} MB; largest child (an engine run or Spark JVM) {ch:,.0f} MB")


if __name__ == "__main__":
    main()
