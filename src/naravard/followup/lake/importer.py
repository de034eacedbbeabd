"""``naravard import``: append a CSV file to one lake table, refusing bad rows with line numbers and reasons.

A region's export is tens of millions of rows, so the file is never held in Python: Arrow's streaming CSV
reader turns it into batches of text columns, which DuckDB parses and checks in one INSERT (types, required
values, allowed values, no future or pre-1900 dates, ordered dates, ranges: ``validate_lake``'s rules in its
wording, the first failing rule per row) into a staging table that spills to disk past its memory limit.
Rules over all rows then run once on the staged rows (a date before the person's birth in the lake, an id
used twice in the file or already in the lake, residences, listings or fixed doctors that overlap in the file
or with the lake's). Good rows are written only when no row is bad, or with ``skip_bad`` (then the bad ones
are left out), as a new Parquet file that appears whole or not at all; the report keeps the first ``report_limit``
bad rows and the total. An optional column (``units.hsa_id``) may be left out of the file: it is written as
null. Timestamps with an offset are converted to Swedish local time, as the lake stores
them.

Line numbers count records with the header as line 1, as the row-by-row importer did: blank lines are
skipped and a quoted value spanning lines counts once.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
import uuid
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from naravard.errors import Invalid
from naravard.followup.lake.import_rules import row_checks, set_checks
from naravard.followup.lake.schema import TABLES, sql_str

# Arrow's CSV reader reads a few dozen blocks ahead, so the block size bounds its memory: 16 MB blocks
# peaked at 1 GB on ten million rows, 2 MB blocks at about 0.5 GB in the same time.
BLOCK_BYTES = 2 << 20  # about 30,000 encounter rows
CHUNK_ROWS = 32_768  # rows per Arrow batch handed to DuckDB (its threads take a batch each)
REPORT_LIMIT = 200  # bad rows kept in the report (the total is always counted)
MEMORY_LIMIT = "256MB"  # DuckDB's share; it spills to a private temp folder beyond it


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int  # line in the file (the header is line 1)
    column: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    table: str
    file: Path
    good: int
    bad: list[BadRow]  # the first ``report_limit`` bad rows, by line
    written: Path | None
    bad_total: int  # every bad row, also those not listed in ``bad``


class _Lines:
    """Maps the ordinal of a parsed row to its line: rows with too many or too few values never reach
    DuckDB, so each such row shifts the lines of the rows after it by one."""

    def __init__(self) -> None:
        self.skipped = array("q")  # lines of rows left out by the CSV reader
        self.first: list[BadRow] = []  # the first of them, with their reasons

    def add(self, line: int, reason: str, keep: int) -> None:
        self.skipped.append(line)
        if len(self.first) < keep:
            self.first.append(BadRow(line, "", reason))

    def mapper(self) -> tuple[array[int], int]:
        lines = sorted(self.skipped) if any(a > b for a, b in pairwise(self.skipped)) else None
        ordered = array("q", lines) if lines is not None else self.skipped
        # parsed rows before the j-th skipped line: its line - 2 (header, 1-based) - j
        return array("q", (s - 2 - j for j, s in enumerate(ordered))), len(ordered)

    @staticmethod
    def line(before: array[int], ordinal: int) -> int:
        return ordinal + 2 + bisect_right(before, ordinal)


def _header(file: Path, table: str) -> list[str]:
    """The header row, refused with one line when the file is unreadable or columns are missing."""
    try:
        fh = open(file, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise Invalid(f"{file}: cannot be read ({exc.strerror or exc})", field="file") from exc
    with fh:
        try:
            header = next(csv.reader(fh), [])
        except (UnicodeDecodeError, csv.Error) as exc:
            raise Invalid(f"{file}: not a UTF-8 CSV file ({exc})", field="file") from exc
    missing = [c.name for c in TABLES[table] if c.name not in header and not c.optional]
    if missing and len(header) == 1 and ";" in header[0]:
        raise Invalid(
            f"{file}: the header is separated by ';'; save the file with ',' between values", field="file"
        )
    if missing:
        raise Invalid(f"{file}: missing column(s) {', '.join(missing)} for table {table}", field=missing[0])
    return header


def _reader(file: Path, header: list[str], lines: _Lines, keep: int, block: int) -> pcsv.CSVStreamingReader:
    """Arrow's streaming reader, every column as text (so every value is checked as UTF-8); rows with
    more or fewer values than the header are left out and noted with their line."""

    def invalid(row: pcsv.InvalidRow) -> str:
        more = row.actual_columns > row.expected_columns
        what = "more" if more else "fewer"
        lines.add(int(row.number), f"has {what} values than the header has columns", keep)
        return "skip"

    names = [f"c{i}" for i in range(len(header))]  # by position: a repeated name cannot clash
    return pcsv.open_csv(
        file,
        read_options=pcsv.ReadOptions(use_threads=False, block_size=block, column_names=names, skip_rows=1),
        parse_options=pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=invalid),
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
        ),
    )


def _connect(folder: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to ``folder`` past ``memory_limit``: a third less CPU than staging
    in a database file (no compression on insert), the same bound on memory."""
    con = duckdb.connect(
        config={
            "memory_limit": memory_limit,
            "temp_directory": str(folder),
            "threads": os.cpu_count() or 1,
        },
    )
    con.execute("SET enable_progress_bar = false")
    return con


def _batches(
    reader: pcsv.CSVStreamingReader, columns: list[int | None], names: list[str], failed: list[Exception]
) -> pa.RecordBatchReader:
    """The file as one stream of batches of ``ord`` and the trimmed text columns, which DuckDB pulls as its
    threads need them (one INSERT for the whole file: a statement per block cost more in planning than in
    checking). A column the file lacks (``None``: an optional one) is empty, so it reads as null. A CSV
    error is kept in ``failed``: DuckDB reports it only as a failed scan."""
    schema = pa.schema([pa.field(n, pa.int64() if n == "ord" else pa.string()) for n in names])

    def batches() -> Iterator[pa.RecordBatch]:
        done = 0
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowInvalid as exc:
                failed.append(exc)
                raise
            ords = pa.array(np.arange(done, done + batch.num_rows, dtype=np.int64))
            text = [
                pa.nulls(batch.num_rows, pa.string())
                if i is None
                else pc.utf8_trim_whitespace(batch.column(i))
                for i in columns
            ]
            done += batch.num_rows
            yield from pa.table([ords, *text], schema=schema).to_batches(max_chunksize=CHUNK_ROWS)

    return pa.RecordBatchReader.from_batches(schema, batches())


def _stage(
    con: duckdb.DuckDBPyConnection,
    file: Path,
    table: str,
    header: list[str],
    today: dt.date,
    lines: _Lines,
    keep: int,
    block: int,
) -> None:
    """Parse and check the whole file into the ``stage`` table (``ord`` = parsed row ordinal)."""
    cols = TABLES[table]
    position = {name: i for i, name in enumerate(header)}  # the last of a repeated name, as csv.DictReader
    select, create = row_checks(table, today)
    con.execute(f"CREATE TABLE stage ({create})")
    names = ["ord", *(f"t_{c.name}" for c in cols)]
    failed: list[Exception] = []
    reader = _reader(file, header, lines, keep, block)
    con.register("raw", _batches(reader, [position.get(c.name) for c in cols], names, failed))
    try:
        con.execute(f"INSERT INTO stage {select}")
    except (duckdb.Error, pa.ArrowInvalid) as exc:
        if not failed and not isinstance(exc, pa.ArrowInvalid):
            raise
        text = str(failed[0] if failed else exc)
        what = "not a UTF-8 CSV file" if "UTF8" in text else "not a readable CSV file"
        raise Invalid(f"{file}: {what} ({text.splitlines()[0]})", field="file") from exc
    finally:
        con.unregister("raw")


def _report(con: duckdb.DuckDBPyConnection, lines: _Lines, keep: int) -> tuple[list[BadRow], int, int]:
    """(first ``keep`` bad rows by line, bad total, good total)."""
    before, skipped = lines.mapper()
    n_rows, n_bad = con.execute(
        "SELECT (SELECT count(*) FROM stage), "
        "(SELECT count(*) FROM stage WHERE bad_col IS NOT NULL) + (SELECT count(*) FROM set_bad)"
    ).fetchall()[0]
    first = con.execute(
        "SELECT ord, bad_col, bad_why, NULL::BIGINT AS ref FROM stage WHERE bad_col IS NOT NULL "
        f"UNION ALL SELECT ord, col, why, ref FROM set_bad ORDER BY ord LIMIT {int(keep)}"
    ).fetchall()
    bad = [*lines.first]
    for ordinal, col, why, ref in first:
        where = "the lake" if ref is None else f"line {_Lines.line(before, ref)}"
        bad.append(BadRow(_Lines.line(before, ordinal), col, why.replace("{ref}", where)))
    bad.sort(key=lambda b: b.line)
    return bad[:keep], int(n_bad) + skipped, int(n_rows) - int(n_bad)


def _write(con: duckdb.DuckDBPyConnection, table: str, out_dir: Path, any_set_bad: bool) -> Path:
    """Write the good rows with DuckDB's parallel Parquet writer into a new file, renamed into place only
    when complete. Rows keep roughly, not exactly, the file's order (blocks are written as threads finish)."""
    names = ", ".join(f'"{c.name}"' for c in TABLES[table])
    out_dir.mkdir(parents=True, exist_ok=True)
    written = out_dir / f"import-{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}.parquet"
    tmp = written.with_suffix(".tmp")
    anti = " AND NOT EXISTS (SELECT 1 FROM set_bad b WHERE b.ord = s.ord)" if any_set_bad else ""
    try:
        con.execute(
            f"COPY (SELECT {names} FROM stage s WHERE bad_col IS NULL{anti}) TO {sql_str(tmp)} "
            "(FORMAT parquet, COMPRESSION snappy)"
        )
        tmp.rename(written)  # a half-written file never carries the .parquet name readers glob for
    finally:
        tmp.unlink(missing_ok=True)
    return written


def import_csv(
    *,
    table: str,
    file: Path,
    lake_dir: Path,
    skip_bad: bool = False,
    today: dt.date | None = None,
    report_limit: int = REPORT_LIMIT,
    memory_limit: str = MEMORY_LIMIT,
    block_bytes: int = BLOCK_BYTES,
) -> ImportReport:
    if table not in TABLES:
        raise Invalid(f"unknown lake table {table!r}; one of {', '.join(TABLES)}", field="table")
    today = today or dt.date.today()
    file, lake_dir = Path(file), Path(lake_dir)
    header = _header(file, table)
    lines = _Lines()
    with tempfile.TemporaryDirectory(prefix="naravard-import-") as folder:
        con = _connect(Path(folder), memory_limit)
        try:
            _stage(con, file, table, header, today, lines, report_limit, block_bytes)
            set_checks(con, table, lake_dir)
            bad, bad_total, good = _report(con, lines, report_limit)
            written = None
            if good and (not bad_total or skip_bad):
                row = con.execute("SELECT count(*) > 0 FROM set_bad").fetchone()
                written = _write(con, table, lake_dir / table, bool(row and row[0]))
        finally:
            con.close()
    return ImportReport(table, file, good, bad, written, bad_total)
