"""Benchmark of ``naravard import`` on an encounters CSV, against the row-by-row importer it replaced.

    python bench/import_csv.py [--rows 1000000] [--skip-old] [--bad-every 0] [--dir /tmp/imp_bench]

Writes (deterministically, from ``--seed``) a base lake of persons and existing encounters (a tenth of
``--rows``, so the lake's id check has something to look at) and a CSV of ``--rows`` new encounters shaped
like a records-system export (quoted text, some timestamps with an offset, yes/no as true/false). Then it
imports the CSV into a fresh copy of the base lake with each importer, each in a process of its own so its
peak RSS is its own, and prints time, peak RSS and the ratios. The baseline is the importer as committed
before the streaming one (``git show <rev>:src/naravard/followup/lake/importer.py``, default ``3c25f53``),
loaded as a module: it holds every row in Python, so at tens of millions of rows it needs tens of GB;
``--skip-old`` leaves it out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from naravard.followup.lake.validation import TABLES, arrow_schema  # noqa: E402

OLD_REV = "3c25f53"  # the last commit with the row-by-row importer
TODAY = dt.date(2026, 11, 23)
CHUNK = 1_000_000


def _encounters(rng: np.random.Generator, first_id: int, n: int, persons: int, text: bool = True) -> pa.Table:
    """``n`` encounters; as a CSV export writes them (``text``) or as the lake stores them."""
    start = np.datetime64("2023-01-01T07:00") + rng.integers(0, 3 * 365 * 24 * 60, n).astype("timedelta64[m]")
    planned = rng.random(n) < 0.6
    prof = np.array(["LK", "SSK", "DSK", "FT", "AT"], dtype=object)
    mode = np.array(["physical", "physical", "phone", "video", "home"], dtype=object)
    if text:
        when = np.datetime_as_string(start, unit="s").astype(object)
        utc = rng.random(n) < 0.01  # an export that writes some times in UTC with an offset
        shifted = np.datetime_as_string(start[utc] - np.timedelta64(1, "h"), unit="s").astype(object)
        when[utc] = shifted + "+00:00"
        starts, plans = pa.array(when, pa.string()), pa.array(np.where(planned, "true", "false"), pa.string())
    else:
        starts, plans = pa.array(start.astype("datetime64[us]")), pa.array(planned)
    return pa.table(
        {
            "encounter_id": pa.array(np.arange(first_id, first_id + n, dtype=np.int64)),
            "person_id": pa.array(rng.integers(1, persons + 1, n)),
            "unit_id": pa.array(rng.integers(1, 43, n)),
            "practitioner_id": pa.array(rng.integers(1000, 3000, n)),
            "profession": pa.array(prof[rng.integers(0, 5, n)], pa.string()),
            "start": starts,
            "mode": pa.array(mode[rng.integers(0, 5, n)], pa.string()),
            "planned": plans,
        }
    )


def make_inputs(folder: Path, rows: int, seed: int, bad_every: int) -> tuple[Path, Path]:
    """(base lake with persons and earlier encounters, CSV of new encounters)."""
    rng = np.random.default_rng(seed)
    persons = max(rows // 10, 1)
    base = folder / "base"
    for t in TABLES:
        (base / t).mkdir(parents=True, exist_ok=True)
    births = np.datetime64("1930-01-01") + rng.integers(0, 70 * 365, persons).astype("timedelta64[D]")
    people = {
        "person_id": np.arange(1, persons + 1),
        "sex": np.where(rng.random(persons) < 0.5, "F", "M").astype(object),
        "birth_date": births,
        "region_code": np.full(persons, "21", dtype=object),
        "municipality_code": np.full(persons, "2180", dtype=object),
        "in_date": births,
        "out_date": np.full(persons, None),
    }
    pq.write_table(pa.table(people).cast(arrow_schema("persons")), base / "persons" / "part-0.parquet")
    old = _encounters(rng, 1, max(rows // 10, 1), persons, text=False)
    pq.write_table(old.cast(arrow_schema("encounters")), base / "encounters" / "part-0.parquet")
    csv = folder / f"encounters-{rows}.csv"
    opts = pcsv.WriteOptions(quoting_style="needed")
    with pcsv.CSVWriter(csv, _encounters(rng, 0, 0, persons).schema, write_options=opts) as w:
        for lo in range(0, rows, CHUNK):
            n = min(CHUNK, rows - lo)
            t = _encounters(rng, 10_000_000_000 + lo, n, persons)
            if bad_every:
                modes = t["mode"].to_numpy(zero_copy_only=False).copy()
                modes[(np.arange(lo, lo + n) % bad_every) == bad_every - 1] = "telepathy"
                t = t.set_column(6, "mode", pa.array(modes, pa.string()))
            w.write_table(t)
    return base, csv


def _old_module(rev: str) -> Any:
    """The committed row-by-row importer, loaded from git as a module of its own."""
    code = subprocess.run(
        ["git", "show", f"{rev}:src/naravard/followup/lake/importer.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    mod = types.ModuleType("naravard_old_importer")
    sys.modules[mod.__name__] = mod  # dataclasses look their module up while the class is made
    exec(compile(code, f"{rev}:importer.py", "exec"), mod.__dict__)
    return mod


def worker(which: str, csv: Path, lake: Path, rev: str) -> None:
    """Run one importer and print its figures as JSON (the parent reads the last line)."""
    if which == "old":
        do_import = _old_module(rev).import_csv
    else:
        from naravard.followup.lake.importer import import_csv as do_import
    t0 = time.perf_counter()
    rep = do_import(table="encounters", file=csv, lake_dir=lake, skip_bad=True, today=TODAY)
    seconds = time.perf_counter() - t0
    bad = getattr(rep, "bad_total", len(rep.bad))  # the old report listed every bad row
    print(json.dumps({"seconds": seconds, "rss_mb": peak_rss_mb(), "good": rep.good, "bad": bad}))


def peak_rss_mb() -> float:
    """This process's peak RSS since it was started. Not ``ru_maxrss``: a child started by fork and exec
    keeps the parent's RSS at the fork as its starting maximum, and the parent holds the generated data."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(which: str, base: Path, csv: Path, folder: Path, rev: str) -> dict[str, Any]:
    lake = folder / f"lake-{which}"
    shutil.rmtree(lake, ignore_errors=True)
    shutil.copytree(base, lake)
    cmd = [sys.executable, __file__, "--worker", which, "--csv", str(csv), "--lake", str(lake), "--rev", rev]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    res: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    written = sum(pq.ParquetFile(f).metadata.num_rows for f in (lake / "encounters").glob("import-*.parquet"))
    shutil.rmtree(lake)
    print(
        f"  {which:<4} {res['seconds']:8.2f} s  peak RSS {res['rss_mb']:8,.0f} MB  "
        f"good {res['good']:,}  bad {res['bad']:,}  written {written:,}",
        flush=True,
    )
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bad-every", type=int, default=0, help="every Nth row gets an unknown mode (0: none)")
    ap.add_argument("--skip-old", action="store_true", help="leave the row-by-row baseline out")
    ap.add_argument("--rev", default=OLD_REV, help="git revision of the baseline importer")
    ap.add_argument("--dir", type=Path, help="working folder (default: a temporary one, removed)")
    ap.add_argument("--worker", choices=("old", "new"), help=argparse.SUPPRESS)
    ap.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--lake", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(a.worker, a.csv, a.lake, a.rev)
        return
    folder = a.dir or Path(tempfile.mkdtemp(prefix="bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        base, csv = make_inputs(folder, a.rows, a.seed, a.bad_every)
        size = csv.stat().st_size / 2**20
        print(f"{a.rows:,} encounter rows, {size:,.0f} MB CSV, written in {time.perf_counter() - t0:.1f} s")
        new = run("new", base, csv, folder, a.rev)
        if not a.skip_old:
            old = run("old", base, csv, folder, a.rev)
            if (old["good"], old["bad"]) != (new["good"], new["bad"]):
                print("  MISMATCH: the two importers disagree on good/bad rows")
            print(
                f"  new vs old: {old['seconds'] / new['seconds']:.1f}x faster, "
                f"{old['rss_mb'] / new['rss_mb']:.1f}x less peak RSS"
            )
    finally:
        if a.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
