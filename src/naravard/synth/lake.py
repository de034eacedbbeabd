"""Write a synthetic event lake of any size: persons in fixed-size chunks, each chunk written as its own
Parquet file per table, so memory stays bounded and two processes can share the work.

Output is deterministic for a given (persons, years, seed, start_year): chunk boundaries and random streams
depend on nothing else (not on the number of worker processes).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from naravard.errors import Invalid
from naravard.followup.lake.folders import check_out_dir
from naravard.followup.lake.validation import TABLES
from naravard.synth import lake_events as ev
from naravard.synth.lake_model import CountyModel
from naravard.synth.lake_tables import Chunk, Window

CHUNK_PERSONS = 250_000
EPOCH = dt.date(1970, 1, 1)


def window(start_year: int, years: int, today: dt.date | None = None) -> Window:
    """Whole calendar years, cut at yesterday so nothing lies in the future."""
    start = dt.date(start_year, 1, 1)
    end = min(dt.date(start_year + years, 1, 1), today or dt.date.today()) - dt.timedelta(days=1)
    return Window((start - EPOCH).days, (end - EPOCH).days)


def _write(out: Path, table: str, chunk: int, data: pa.Table) -> None:
    data = data.select([c.name for c in TABLES[table]])
    pq.write_table(
        data, out / table / f"part-{chunk:05d}.parquet", compression="zstd", row_group_size=1_000_000
    )


def _one_chunk(args: tuple[int, int, int, int, int, int, int, str]) -> int:
    n_persons, w_start, w_end, seed, chunk, first, n, out_s = args
    out = Path(out_s)
    c = Chunk(CountyModel.build(n_persons), Window(w_start, w_end), seed, chunk, first, n)
    rows = 0
    tables: list[tuple[str, Callable[[], pa.Table]]] = [
        ("persons", c.persons),
        ("residences", c.residences),
        ("listings", c.listings),
        ("fixed_contacts", c.fixed_contacts),
        ("encounters", lambda: ev.encounters(c)),
        ("contact_requests", lambda: ev.contact_requests(c)),
        ("medical_assessments", lambda: ev.medical_assessments(c)),
        ("referrals", lambda: ev.referrals(c)),
        ("treatments", lambda: ev.treatments(c)),
        ("admissions", lambda: ev.admissions(c)),
        ("emergency_visits", lambda: ev.emergency_visits(c)),
        ("mobile_team_visits", lambda: ev.mobile_team_visits(c)),
        ("questionnaire_responses", lambda: ev.questionnaire_responses(c)),
    ]
    for name, make in tables:
        t = make()
        rows += t.num_rows
        _write(out, name, chunk, t)
    ct, st = ev.contracts(c)
    _write(out, "contracts", chunk, ct)
    _write(out, "sip_meetings", chunk, st)
    return rows


def check_request(
    *, persons: int, years: int, out: Path, start_year: int | None = None, today: dt.date | None = None
) -> tuple[Window, Path]:
    """Refuse a request that cannot make a lake (no persons or years, a window after today, a folder that is
    not a lake); returns the window and ``out`` resolved."""
    if persons < 1:
        raise Invalid(f"persons must be 1 or more, not {persons}", field="persons")
    if years < 1:
        raise Invalid(f"years must be 1 or more, not {years}", field="years")
    today = today or dt.date.today()
    start_year = start_year or today.year - years
    w = window(start_year, years, today)
    if w.end < w.start:
        raise Invalid(
            f"start year {start_year} is not before today ({today}): the lake would cover no day",
            field="start_year",
        )
    out = check_out_dir(out, frozenset(TABLES), "an event lake")
    return w, out


def generate_lake(
    *,
    persons: int,
    years: int,
    out: Path,
    seed: int = 1,
    start_year: int | None = None,
    workers: int | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Generate the lake into ``out``, replacing a lake already there. Returns the number of rows written.

    The lake is written into a staging folder beside ``out`` and renamed into place at the end, so an
    interrupted run leaves the previous lake as it was. ``out`` must be absent, empty or a lake (table
    folders only): anything else is refused rather than replaced.

    ``progress`` is called with the number of persons finished after each chunk."""
    today = today or dt.date.today()
    w, out = check_request(persons=persons, years=years, out=out, start_year=start_year, today=today)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        total = _generate(persons, w, staging, seed, workers, progress)
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
        if out.exists():
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return total


def _generate(
    persons: int,
    w: Window,
    out: Path,
    seed: int,
    workers: int | None,
    progress: Callable[[int], None] | None,
) -> int:
    for table in TABLES:
        (out / table).mkdir(parents=True)
    model = CountyModel.build(persons)
    pq.write_table(model.units_table(), out / "units" / "part-00000.parquet")
    jobs = [
        (persons, w.start, w.end, seed, i, first, min(CHUNK_PERSONS, persons - first), str(out))
        for i, first in enumerate(range(0, persons, CHUNK_PERSONS))
    ]
    sizes = {j[4]: j[6] for j in jobs}
    workers = workers or min(2, os.cpu_count() or 1)
    total = 0
    if workers <= 1 or len(jobs) == 1:
        for j in jobs:
            total += _one_chunk(j)
            if progress:
                progress(j[6])
        return total
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk, rows in zip(sizes, pool.map(_one_chunk, jobs), strict=True):
            total += rows
            if progress:
                progress(sizes[chunk])
    return total
