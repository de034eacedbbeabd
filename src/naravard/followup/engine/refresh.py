"""Refresh by the month: recompute only the periods new data touches, and keep the rest of the results.

A run keeps, inside its results folder, a private (0700) ``refresh`` folder: the engine's scope cells of
that run (one Parquet file per family, unsuppressed, exactly what the roll-up read) and ``state.json`` with
the lake's *fingerprints*. A fingerprint is kept per lake file (its path, size and modification time) as
buckets ``<kind>:<YYYY-MM>`` -> (rows, sum of row hashes), so a later run hashes only the files that are new
or changed: the difference between the lake then and now, per bucket, is the sum over added files minus the
sum over removed ones (sums of hashes are additive), and a bucket whose rows or hash sum differ is a month
the new data touches.

A row is bucketed by the month from which it can change results (its *primary* date: the first date column
of its table; for persons the day they came into the region, ``in_date``). The end of a validity (a
listing's, fixed contact's, residence's ``valid_to``, an informed date, a person's ``out_date``, the end
of a wait counted by its end: a first visit after a referral, a treatment after its decision) only
changes results from that day on, so those columns are fingerprinted apart, bucketed by the month 31 days
before them (a readmission looks 30 days ahead of a discharge to the day a person left); a listing that
ends in the new month then touches that month, not the month it began. A table without dates (units)
touches every period.

Beyond the changed rows, results depend on the lake's last day: a snapshot or a 30-day follow-up near it,
and a wait still open on it (its days run to the last day, and it may be answered later: the wait belongs
to the month it *began*). The first month to recompute is therefore the earliest of

- the earliest changed bucket,
- the month 31 days before the previous last day, and
- the month the earliest wait began that was open on the previous last day (``access`` families).

This is decided per family: a family counts the changes of the tables its compiled SQL reads, and the open
waits only of its own table. Each family then runs on the lake from the first day of its month's *year* (a
quarter or year of a person family, e.g. a continuity index, needs all of its visits; windows in the
definitions look back only within their period, see ``indicators/continuity_indices.py``), and its cells
for the periods from that day replace the cached ones; earlier periods keep their cells. Every relation
between published cells lies within one indicator and one year (strata, scopes, months to their quarter
and year), so the roll-up and complementary suppression of each family's recomputed years alone give the
rows a full run gives; the other rows are kept from the previous results.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from naravard.followup.indicators.access import _GUARANTEES
from naravard.followup.lake.validation import TABLES, arrow_schema, parquet_list, sql_str, table_files

CACHE_DIR = "refresh"
STATE_FILE = "state.json"
STATE_VERSION = 1
MARGIN_DAYS = 31  # a follow-up 30 days ahead (readmissions, agreed care contracts) ends in this many days
# date columns whose change counts from their own day on (fingerprinted apart from the rest of the row)
ENDS = {
    "persons": ("out_date",),
    "residences": ("valid_to",),
    "listings": ("valid_to",),
    "fixed_contacts": ("valid_to", "informed_date"),
    # waits counted by the day they end (and the still-waiting snapshots, which an end only closes)
    **{g[2]: (g[4],) for g in _GUARANTEES if g[6]},
}
PRIMARY = {"persons": "coalesce(in_date, birth_date)"}
# (table, start, end) of the waits attributed to the month they began (an open one changes with the last day)
OPEN_WAITS = tuple((g[2], g[3], g[4]) for g in _GUARANTEES if not g[6])
OPEN_WAIT_FAMILY = {g[0]: g[2] for g in _GUARANTEES if not g[6]}  # family name -> its table
ALL = "*"  # the bucket of a row without a date: it may change any period


@dataclass(frozen=True)
class Plan:
    """What a run does: ``starts`` None is a full run; otherwise, per family (by its index in ``FAMILIES``),
    the 1 January from which the engine recomputes it (its cached cells before that day are kept).
    ``reason`` says why, for the command's output."""

    starts: dict[int, dt.date] | None
    reason: str

    @property
    def start(self) -> dt.date | None:
        return min(self.starts.values()) if self.starts else None


def _month(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, 1)


def _date_columns(table: str) -> list[str]:
    return [
        f.name for f in arrow_schema(table) if pa.types.is_date32(f.type) or pa.types.is_timestamp(f.type)
    ]


def file_key(lake_dir: Path, f: Path) -> str:
    st = f.stat()
    return f"{f.relative_to(lake_dir).as_posix()}|{st.st_size}|{st.st_mtime_ns}"


def file_buckets(con: duckdb.DuckDBPyConnection, table: str, f: Path) -> dict[str, list[int]]:
    """The buckets of one lake file: ``<kind>:<YYYY-MM>`` -> [rows, sum of row hashes]."""
    src = f"read_parquet({sql_str(f)})"
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
    dates = [c for c in _date_columns(table) if c in cols]
    ends = [c for c in ENDS.get(table, ()) if c in cols]
    base = [c for c in cols if c not in ends]
    q = lambda c: '"' + c.replace('"', '""') + '"'  # noqa: E731
    row = f"hash({', '.join(q(c) for c in base)})"
    primary = PRIMARY.get(table) or (q(dates[0]) if dates else None)
    parts = []
    if primary is None:
        parts.append(f"SELECT 'row:{ALL}' AS k, count(*) AS n, sum({row}) AS h FROM {src}")
    else:
        parts.append(
            f"SELECT 'row:' || coalesce(strftime(CAST({primary} AS DATE), '%Y-%m'), '{ALL}') AS k, count(*) AS n, "
            f"sum({row}) AS h FROM {src} GROUP BY 1"
        )
    for c in ends:
        parts.append(
            f"SELECT '{c}:' || strftime(CAST({q(c)} AS DATE) - INTERVAL {MARGIN_DAYS} DAY, '%Y-%m') AS k, "
            f"count(*) AS n, sum(hash({row}, {q(c)})) AS h FROM {src} WHERE {q(c)} IS NOT NULL GROUP BY 1"
        )
    out: dict[str, list[int]] = {}
    for k, n, h in con.execute(" UNION ALL ".join(parts)).fetchall():
        if n:
            out[f"{table}/{k}"] = [int(n), int(h)]
    return out


def fingerprints(lake_dir: Path, known: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every lake file's key (path, size, modification time) -> its buckets; files already in ``known``
    (a previous run's) are not read again."""
    lake_dir = Path(lake_dir).resolve()
    known = known or {}
    out: dict[str, Any] = {}
    con = duckdb.connect(config={"threads": 2})
    try:
        con.execute("SET enable_progress_bar = false")
        for table in TABLES:
            for f in table_files(lake_dir, table):
                key = file_key(lake_dir, f)
                out[key] = known[key] if key in known else file_buckets(con, table, f)
    finally:
        con.close()
    return out


def changed_months(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The bucket keys whose rows or hash sums differ between two fingerprints (sorted)."""
    diff: dict[str, list[int]] = {}
    for files, sign in ((new.keys() - old.keys(), 1), (old.keys() - new.keys(), -1)):
        src = new if sign == 1 else old
        for key in files:
            for b, (n, h) in src[key].items():
                d = diff.setdefault(b, [0, 0])
                d[0] += sign * n
                d[1] += sign * h
    return sorted(b for b, (n, h) in diff.items() if n or h)


def _bucket_month(bucket: str) -> dt.date | None:
    """The month of a bucket key (``table/kind:YYYY-MM``); None for a row without a date (every period)."""
    label = bucket.rsplit(":", 1)[1]
    if label == ALL:
        return None
    y, m = label.split("-")
    return dt.date(int(y), int(m), 1)


def _first_open_wait(lake_dir: Path, day: dt.date) -> dict[str, dt.date]:
    """Per wait table, the first day a wait began that was still open on ``day`` (no end, or an end after
    it)."""
    con = duckdb.connect(config={"threads": 2})
    firsts: dict[str, dt.date] = {}
    try:
        con.execute("SET enable_progress_bar = false")
        for table, start, end in OPEN_WAITS:
            files = table_files(lake_dir, table)
            if not files:
                continue
            row = con.execute(
                f"SELECT min({start}) FROM read_parquet({parquet_list(files)}, union_by_name = true) "
                f"WHERE {start} <= $d AND ({end} IS NULL OR {end} > $d)",
                {"d": day},
            ).fetchall()[0]
            if row[0] is not None:
                firsts[table] = row[0]
    finally:
        con.close()
    return firsts


def read_state(results_dir: Path) -> dict[str, Any] | None:
    """The cached state of the run that wrote ``results_dir``, or None when there is none or it is not that
    run's (an interrupted cache write, an older version)."""
    results_dir = Path(results_dir)
    try:
        meta = json.loads((results_dir / "meta.json").read_text())
        state = json.loads((results_dir / CACHE_DIR / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    if state.get("version") != STATE_VERSION or not meta.get("refresh_id"):
        return None
    if state.get("id") != meta["refresh_id"]:
        return None
    return dict(state)


def family_tables(lake: Any, period_types: list[str]) -> list[set[str]]:
    """Per family (in ``FAMILIES`` order), the lake tables its cells read, from its compiled SQL (on a lake
    that caches nothing, so nothing runs)."""
    from naravard.followup.engine.compute import cells
    from naravard.followup.indicators import FAMILIES

    bare = replace(lake, materialise=False, _shared={})
    con = lake.tables["units"]._find_backend()
    out = []
    for fam in FAMILIES:
        sql = str(con.compile(cells(bare, fam, period_types)))
        out.append({name for name in TABLES if f"lake_{name}" in sql})
    return out


def plan(
    state: dict[str, Any] | None,
    lake_dir: Path,
    new_prints: dict[str, Any],
    *,
    first: dt.date,
    last: dt.date,
    periods: list[str],
    threshold: int,
    families: list[tuple[str, set[str]]],
    since: dt.date | None = None,
) -> Plan:
    """Which periods of which family to recompute (see the module docstring); ``families`` are the
    families' names and the tables they read. A full run when anything makes a refresh unsafe (no cache,
    other settings, a lake that begins earlier or later)."""
    if state is None:
        return Plan(None, "no cached cells of an earlier run beside the results")
    if state["periods"] != periods or state["threshold"] != threshold or state["families"] != len(families):
        return Plan(None, "the earlier run had other periods, threshold or indicators")
    if dt.date.fromisoformat(state["lake_first"]) != first:
        return Plan(None, "the lake's first day has changed")
    old_last = dt.date.fromisoformat(state["lake_last"])
    by_table: dict[str, dt.date] = {}
    for b in changed_months(state["prints"], new_prints):
        table = b.split("/")[0]
        m = _bucket_month(b) or dt.date(1, 1, 1)  # a row without a date: every period
        by_table[table] = min(m, by_table.get(table, m))
    edge = min(old_last, last)
    base = [_month(edge - dt.timedelta(days=MARGIN_DAYS))] + ([_month(since)] if since else [])
    waits = _first_open_wait(Path(lake_dir), edge)
    starts: dict[int, dt.date] = {}
    for k, (name, tables) in enumerate(families):
        months = base + [m for t, m in by_table.items() if t in tables]
        if name in OPEN_WAIT_FAMILY and OPEN_WAIT_FAMILY[name] in waits:
            months.append(_month(waits[OPEN_WAIT_FAMILY[name]]))
        starts[k] = max(dt.date(min(months).year, 1, 1), dt.date(first.year, 1, 1))
    if all(s <= first for s in starts.values()):
        return Plan(None, "the changes reach back to the lake's first year")
    years = sorted({s.year for s in starts.values()})
    return Plan(starts, f"periods from {min(starts.values()):%Y-%m} recomputed (families from {years})")


def merge_cells(cached: Path, new: Path, out: Path, starts: dict[int, dt.date]) -> Path:
    """Per family, the cached cells of the periods before its start and the new cells from it, into ``out``
    (``cells-<family index>.parquet``, as ``compute.compute_cells`` names them)."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": 2, "preserve_insertion_order": False})
    try:
        con.execute("SET enable_progress_bar = false")
        for k, start in starts.items():
            name = f"cells-{k:03d}.parquet"
            o, n = cached / name, next(new.glob(f"*/{name}"))
            con.execute(
                f"COPY (SELECT * FROM read_parquet({sql_str(o)}) WHERE period_start < $s UNION ALL "
                f"SELECT * FROM read_parquet({sql_str(n)}) WHERE period_start >= $s) "
                f"TO {sql_str(out / name)} (FORMAT parquet, COMPRESSION lz4)",
                {"s": start},
            )
    finally:
        con.close()
    return out


def compute_from(
    con: Any,
    lake_dir: Path,
    starts: dict[int, dt.date],
    *,
    first: dt.date,
    last: dt.date,
    period_types: list[str],
    out: Path,
    on_step: Any = None,
) -> list[tuple[dt.date, Path]]:
    """The cells of each family from its start, families with one start computed on one lake opened from
    that day (its shared intermediates are built for that window): one folder of ``cells-<index>`` files
    per start, returned with it."""
    from naravard.followup.engine.backends import open_lake
    from naravard.followup.engine.compute import iter_long
    from naravard.followup.indicators import FAMILIES

    done = []
    for start in sorted(set(starts.values())):
        ks = [k for k, s in starts.items() if s == start]
        folder = out / f"from-{start.isoformat()}"
        folder.mkdir(parents=True)
        lk = open_lake(con, lake_dir, first=max(start, first), last=last)
        fams = [FAMILIES[k] for k in ks]
        for k, long in zip(ks, iter_long(lk, period_types, families=fams, on_step=on_step), strict=True):
            pq.write_table(long, folder / f"cells-{k:03d}.parquet", compression="lz4")
        done.append((start, folder))
    return done


def save_state(
    results_dir: Path,
    cells: Path,
    *,
    run_id: str,
    prints: dict[str, Any],
    first: dt.date,
    last: dt.date,
    periods: list[str],
    threshold: int,
    families: int,
) -> None:
    """Keep this run's cells and the lake's fingerprints in ``results_dir/refresh`` (written beside it and
    renamed into place; a run interrupted here leaves no cache, and the next run is a full one)."""
    tmp = results_dir / f".{CACHE_DIR}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(mode=0o700)
    try:
        for f in sorted(Path(cells).glob("cells-*.parquet")):
            shutil.copyfile(f, tmp / f.name)
        state = {
            "version": STATE_VERSION,
            "id": run_id,
            "lake_first": first.isoformat(),
            "lake_last": last.isoformat(),
            "periods": periods,
            "threshold": threshold,
            "families": families,
            "prints": prints,
        }
        (tmp / STATE_FILE).write_text(json.dumps(state))
        os.chmod(tmp, 0o700)
        dest = results_dir / CACHE_DIR
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def combine(out: Path, parts: list[Path], codes: dict[str, dt.date], meta: dict[str, Any]) -> Path:
    """Replace ``out`` with its results of each indicator's periods before its start (``codes``: indicator
    code -> the 1 January its family was recomputed from) and the ``parts`` (the roll-ups of the recomputed
    periods), in one rename as ``results.write_results`` does (readers never see a mix). Every relation
    between published cells lies within one indicator and one year (strata, scopes, months to their quarter
    and year), so the roll-up and suppression of an indicator's year depend on its own cells only."""
    tmp = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        con = duckdb.connect(config={"threads": 2, "preserve_insertion_order": False})
        try:
            con.execute("SET enable_progress_bar = false")
            con.register("starts", pa.table({"code": list(codes), "start": list(codes.values())}))
            res = tmp / "results.parquet"
            new = " UNION ALL ".join(
                f"SELECT * FROM read_parquet({sql_str(p / 'results.parquet')})" for p in parts
            )
            con.execute(
                f"COPY (SELECT r.* FROM read_parquet({sql_str(out / 'results.parquet')}) r JOIN starts s "
                f"ON r.indicator = s.code WHERE r.period_start < s.start UNION ALL {new}) TO {sql_str(res)} "
                "(FORMAT parquet, COMPRESSION zstd)"
            )
            rows = con.execute(f"SELECT count(*) FROM read_parquet({sql_str(res)})").fetchall()[0][0]
        finally:
            con.close()
        info = json.loads((parts[0] / "meta.json").read_text())
        info.update(meta, rows=rows)
        (tmp / "meta.json").write_text(json.dumps(info, indent=2, default=str))
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def remove_stale_cache(results_dir: Path) -> None:
    """Remove a cache a killed run was writing into ``results_dir`` (``.refresh.tmp-*``: unsuppressed
    cells)."""
    if results_dir.is_dir():
        for p in results_dir.glob(f".{CACHE_DIR}.tmp-*"):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)


def lake_as_of(src: Path, dst: Path, cut: dt.date) -> Path:
    """The lake ``src`` as it stood on ``cut``, written to ``dst`` (for tests and benchmarks of a refresh):
    rows that begin after it (by the date fingerprints bucket them on) are not there yet, and dates after
    it (an end, an answer, a discharge, a death) were not yet known."""
    for table in TABLES:
        (dst / table).mkdir(parents=True, exist_ok=True)
        dates = _date_columns(table)
        for f in table_files(src, table):
            t = pq.read_table(f)
            if dates:
                first = "in_date" if table == "persons" else dates[0]
                col = t.column(first)
                day = col.cast(pa.date32()) if pa.types.is_timestamp(col.type) else col
                t = t.filter(pc.fill_null(pc.less_equal(day, pa.scalar(cut, pa.date32())), True))
                for c in dates:
                    if c == first:
                        continue
                    col = t.column(c)
                    day = col.cast(pa.date32()) if pa.types.is_timestamp(col.type) else col
                    later = pc.fill_null(pc.greater(day, pa.scalar(cut, pa.date32())), False)
                    t = t.set_column(
                        t.schema.get_field_index(c), c, pc.if_else(later, pa.nulls(len(t), col.type), col)
                    )
            pq.write_table(t, dst / table / f.name)
    return dst


def new_run_id() -> str:
    return uuid.uuid4().hex
