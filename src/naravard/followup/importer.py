"""``naravard import``: append a CSV file to one lake table, refusing bad rows with line numbers and reasons.

Rows are checked one by one against the table's schema (types, required values, no future dates, ordered
dates) so a records-system export can be fixed where it is wrong; good rows are written only when no row is
bad, or with ``skip_bad`` (then the bad ones are left out and reported).
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from naravard.errors import Invalid
from naravard.followup.lake import BOOL, DATE, INT, ORDER_RULES, TABLES, TS, arrow_schema

_TRUE, _FALSE = {"1", "true", "t", "yes", "ja"}, {"0", "false", "f", "no", "nej"}


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
    bad: list[BadRow]
    written: Path | None


def _parse(typ: str, raw: str) -> Any:
    if typ == INT:
        return int(raw)
    if typ == DATE:
        return dt.date.fromisoformat(raw)
    if typ == TS:
        return dt.datetime.fromisoformat(raw).replace(tzinfo=None)
    if typ == BOOL:
        low = raw.strip().lower()
        if low in _TRUE | _FALSE:
            return low in _TRUE
        raise ValueError(f"not a yes/no value: {raw!r}")
    return raw


def import_csv(
    *, table: str, file: Path, lake_dir: Path, skip_bad: bool = False, today: dt.date | None = None
) -> ImportReport:
    if table not in TABLES:
        raise Invalid(f"unknown lake table {table!r}; one of {', '.join(TABLES)}", field="table")
    today = today or dt.date.today()
    cols = TABLES[table]
    rules = [(a, b) for t, a, b in ORDER_RULES if t == table]
    good: list[dict[str, Any]] = []
    bad: list[BadRow] = []
    with open(file, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c.name for c in cols if c.name not in (reader.fieldnames or [])]
        if missing:
            raise Invalid(
                f"{file}: missing column(s) {', '.join(missing)} for table {table}", field=missing[0]
            )
        for line, raw in enumerate(reader, start=2):
            row: dict[str, Any] = {}
            problem: BadRow | None = None
            for c in cols:
                text = (raw.get(c.name) or "").strip()
                if not text:
                    if not c.nullable:
                        problem = BadRow(line, c.name, "is empty")
                        break
                    row[c.name] = None
                    continue
                try:
                    row[c.name] = _parse(c.type, text)
                except ValueError as exc:
                    problem = BadRow(line, c.name, f"cannot be read as {c.type}: {exc}")
                    break
                v = row[c.name]
                if c.type in (DATE, TS) and (v.date() if isinstance(v, dt.datetime) else v) > today:
                    problem = BadRow(line, c.name, f"is in the future ({text})")
                    break
            if problem is None:
                for early, late in rules:
                    if row.get(early) is not None and row.get(late) is not None and row[late] < row[early]:
                        problem = BadRow(line, late, f"is before {early}")
                        break
            if problem:
                bad.append(problem)
            else:
                good.append(row)
    written = None
    if good and (not bad or skip_bad):
        out = Path(lake_dir) / table
        out.mkdir(parents=True, exist_ok=True)
        data = pa.Table.from_pylist(good, schema=arrow_schema(table))
        written = out / f"import-{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}.parquet"
        tmp = written.with_suffix(".tmp")
        pq.write_table(data, tmp)
        tmp.rename(written)  # a half-written file never carries the .parquet name readers glob for
    return ImportReport(table, Path(file), len(good), bad, written)
