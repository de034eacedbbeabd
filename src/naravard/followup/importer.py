"""``naravard import``: append a CSV file to one lake table, refusing bad rows with line numbers and reasons.

Rows are checked one by one against the table's schema and the lake's rules, with ``validate_lake``'s wording
(types, required values, allowed values, no future or pre-1900 dates, ordered dates), then as a whole: an id
used twice in the file or already in the lake, and listings or fixed doctors that overlap (in the file or with
the lake's). A records-system export can so be fixed where it is wrong; good rows are written only when no
row is bad, or with ``skip_bad`` (then the bad ones are left out and reported). Timestamps with an offset
are converted to Swedish local time, as the lake stores them.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from naravard.errors import Invalid
from naravard.followup.lake import (
    BOOL,
    DATE,
    DATE_FLOOR,
    DOMAINS,
    INT,
    KEYS,
    NOT_GREATER_RULES,
    ORDER_RULES,
    OVERLAP_REASON,
    RANGES,
    STR,
    TABLES,
    TS,
    arrow_schema,
    domain_reason,
    floor_reason,
    key_reason,
    order_reason,
    parquet_list,
    range_reason,
    table_files,
)

LOCAL = ZoneInfo("Europe/Stockholm")

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
        t = dt.datetime.fromisoformat(raw)
        return t if t.tzinfo is None else t.astimezone(LOCAL).replace(tzinfo=None)
    if typ == BOOL:
        low = raw.strip().lower()
        if low in _TRUE | _FALSE:
            return low in _TRUE
        raise ValueError(f"not a yes/no value: {raw!r}")
    return raw


def _row_problem(
    table: str, line: int, raw: dict[str | None, Any], today: dt.date
) -> tuple[dict[str, Any] | None, BadRow | None]:
    """Parse and check one CSV row: (row, None) if good, (None, problem) if not."""
    if None in raw:
        return None, BadRow(line, "", "has more values than the header has columns")
    if any(v is None for v in raw.values()):
        return None, BadRow(line, "", "has fewer values than the header has columns")
    row: dict[str, Any] = {}
    for c in TABLES[table]:
        text = (raw.get(c.name) or "").strip()
        if not text:
            if not c.nullable:
                return None, BadRow(line, c.name, "is empty")
            row[c.name] = None
            continue
        try:
            v = _parse(c.type, text)
        except ValueError as exc:
            return None, BadRow(line, c.name, f"cannot be read as {c.type}: {exc}")
        row[c.name] = v
        if c.type in (DATE, TS):
            day = v.date() if isinstance(v, dt.datetime) else v
            if day > today:
                return None, BadRow(line, c.name, f"is in the future ({text})")
            if day < DATE_FLOOR:
                return None, BadRow(line, c.name, floor_reason())
        if c.type == STR and (table, c.name) in DOMAINS and v not in DOMAINS[(table, c.name)]:
            return None, BadRow(line, c.name, domain_reason(table, c.name))
        if c.type == INT and (table, c.name) in RANGES:
            lo, hi = RANGES[(table, c.name)]
            if not lo <= v <= hi:
                return None, BadRow(line, c.name, range_reason(table, c.name))
    for t, early, late in ORDER_RULES:
        if t == table and row.get(early) is not None and row.get(late) is not None and row[late] < row[early]:
            return None, BadRow(line, late, order_reason(early))
    for t, small, large in NOT_GREATER_RULES:
        if t == table and row[small] > row[large]:
            return None, BadRow(line, small, f"is greater than {large!r}")
    return row, None


def _set_checks(table: str, rows: list[tuple[int, dict[str, Any]]], lake_dir: Path) -> dict[int, BadRow]:
    """Checks over the good rows as a whole: ids used twice (in the file, or already in the lake) and
    overlapping listings / fixed doctors (in the file, or with the lake's), the rule ``validate_lake`` uses."""
    bad: dict[int, BadRow] = {}
    key = KEYS.get(table)
    files = table_files(lake_dir, table)
    glob = parquet_list(files)
    if key:
        seen: dict[Any, int] = {}
        for line, r in rows:
            if r[key] in seen:
                bad[line] = BadRow(line, key, f"{key_reason()} (line {seen[r[key]]})")
            else:
                seen[r[key]] = line
        if files and seen:
            con = duckdb.connect()
            try:
                con.register("new_ids", pa.table({"id": pa.array(list(seen), pa.int64())}))
                used = {
                    r[0]
                    for r in con.execute(
                        f"SELECT DISTINCT n.id FROM new_ids n JOIN read_parquet({glob}) l ON l.{key} = n.id"
                    ).fetchall()
                }
            finally:
                con.close()
            for i in used:
                bad[seen[i]] = BadRow(seen[i], key, f"{key_reason()} (already in the lake)")
    if table in ("listings", "fixed_contacts"):
        doctor = table == "fixed_contacts"
        new = [(line, r) for line, r in rows if line not in bad and (not doctor or r["kind"] == "doctor")]
        if not new:
            return bad
        periods = pa.table(
            {
                "line": pa.array([line for line, _ in new], pa.int64()),
                "person_id": pa.array([r["person_id"] for _, r in new], pa.int64()),
                "valid_from": pa.array([r["valid_from"] for _, r in new], pa.date32()),
                "valid_to": pa.array([r["valid_to"] for _, r in new], pa.date32()),
            }
        )
        con = duckdb.connect()
        try:
            con.register("new_periods", periods)
            lake_part = ""
            if files:
                kind = " AND kind = 'doctor'" if doctor else ""
                lake_part = (
                    f" UNION ALL SELECT NULL::BIGINT, person_id, valid_from, valid_to FROM read_parquet({glob}) "
                    f"WHERE person_id IN (SELECT person_id FROM new_periods){kind}"
                )
            hits = con.execute(
                "SELECT line, prev_line FROM (SELECT line, valid_from, lag(valid_to) OVER w AS prev_to, "
                "lag(line) OVER w AS prev_line, row_number() OVER w AS rn FROM "
                f"(SELECT line, person_id, valid_from, valid_to FROM new_periods{lake_part}) "
                "WINDOW w AS (PARTITION BY person_id ORDER BY valid_from, line NULLS FIRST)) "
                "WHERE rn > 1 AND (prev_to IS NULL OR prev_to >= valid_from)"
            ).fetchall()
        finally:
            con.close()
        for line, prev in hits:
            where = "the lake" if prev is None else f"line {prev}"
            if line is not None:
                bad.setdefault(line, BadRow(line, "valid_from", f"{OVERLAP_REASON} ({where})"))
            else:  # a new period overlapped by a later one already in the lake
                bad.setdefault(
                    prev, BadRow(prev, "valid_to", "overlaps a later period of the same person (the lake)")
                )
    return bad


def import_csv(
    *, table: str, file: Path, lake_dir: Path, skip_bad: bool = False, today: dt.date | None = None
) -> ImportReport:
    if table not in TABLES:
        raise Invalid(f"unknown lake table {table!r}; one of {', '.join(TABLES)}", field="table")
    today = today or dt.date.today()
    cols = TABLES[table]
    parsed: list[tuple[int, dict[str, Any]]] = []
    bad: list[BadRow] = []
    try:
        fh = open(file, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise Invalid(f"{file}: cannot be read ({exc.strerror or exc})", field="file") from exc
    with fh:
        reader = csv.DictReader(fh)
        try:
            header = reader.fieldnames or []
        except (UnicodeDecodeError, csv.Error) as exc:
            raise Invalid(f"{file}: not a UTF-8 CSV file ({exc})", field="file") from exc
        missing = [c.name for c in cols if c.name not in header]
        if missing and len(header) == 1 and ";" in header[0]:
            raise Invalid(
                f"{file}: the header is separated by ';'; save the file with ',' between values",
                field="file",
            )
        if missing:
            raise Invalid(
                f"{file}: missing column(s) {', '.join(missing)} for table {table}", field=missing[0]
            )
        try:
            for line, raw in enumerate(reader, start=2):
                row, problem = _row_problem(table, line, raw, today)
                if problem:
                    bad.append(problem)
                else:
                    assert row is not None
                    parsed.append((line, row))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise Invalid(f"{file}: not a UTF-8 CSV file ({exc})", field="file") from exc
    set_bad = _set_checks(table, parsed, Path(lake_dir))
    good = [r for line, r in parsed if line not in set_bad]
    bad = sorted([*bad, *set_bad.values()], key=lambda b: b.line)
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
