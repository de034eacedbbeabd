"""``validate_lake``: refuse an event lake that breaks its contract (``naravard.followup.lake.schema``:
missing table or column, unreadable file, wrong type, repeated ids, values outside their domain, impossible,
early or future dates) with a message naming the file, the column and the offending rows, before any
indicator runs. ``naravard import`` checks each CSV row against the same rules with the same wording.

Cost at national size (97 M encounters) is one scan per table: every row rule is a conditional count in one
aggregate, and only a rule that fails is queried again for its rows. Birth dates come from one table shared
by every table that needs them. Ids are proven unique without a hash table when each row group's ids rise
and no two row groups' ranges meet (how the generator and most exports write them); otherwise an exact
distinct count decides. An optional column (``units.hsa_id``) may be absent from some or all of a table's
files (lakes written before it, exports without it); it then reads as null.

The contract's names are re-exported here, so ``from naravard.followup.lake.validation import TABLES`` keeps working.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from naravard.errors import Invalid
from naravard.followup.lake.schema import (
    ARROW_TYPES,
    BIRTH_RULES,
    BOOL,
    DATE,
    DATE_FLOOR,
    DOMAINS,
    ENCOUNTER_MODES,
    FIXED_CONTACT_KINDS,
    INT,
    KEYS,
    MAX_ROWS_NAMED,
    NOT_GREATER_RULES,
    ORDER_RULES,
    OVERLAP_REASON,
    PERIOD_TABLES,
    QUESTION_ITEMS,
    RANGES,
    SEXES,
    STR,
    TABLES,
    TS,
    UNIQUE_VALUES,
    UNIT_KINDS,
    Column,
    arrow_schema,
    birth_reason,
    blank_reason,
    check_schema,
    domain_reason,
    floor_reason,
    future_reason,
    key_reason,
    order_reason,
    parquet_list,
    range_reason,
    read_sql,
    sql_str,
    table_files,
    unique_reason,
)

__all__ = [
    "ARROW_TYPES",
    "BIRTH_RULES",
    "BOOL",
    "DATE",
    "DATE_FLOOR",
    "DOMAINS",
    "ENCOUNTER_MODES",
    "FIXED_CONTACT_KINDS",
    "INT",
    "KEYS",
    "MAX_ROWS_NAMED",
    "NOT_GREATER_RULES",
    "ORDER_RULES",
    "OVERLAP_REASON",
    "PERIOD_TABLES",
    "QUESTION_ITEMS",
    "RANGES",
    "SEXES",
    "STR",
    "TABLES",
    "TS",
    "UNIQUE_VALUES",
    "UNIT_KINDS",
    "Column",
    "arrow_schema",
    "birth_reason",
    "blank_reason",
    "check_schema",
    "domain_reason",
    "floor_reason",
    "future_reason",
    "key_reason",
    "order_reason",
    "parquet_list",
    "range_reason",
    "read_sql",
    "sql_str",
    "table_files",
    "unique_reason",
    "validate_lake",
]


def validate_lake(
    lake_dir: Path, *, today: dt.date | None = None, tables: tuple[str, ...] | None = None
) -> None:
    """Check every table of the lake; raise ``Invalid`` naming file, column and rows at the first problem."""
    today = today or dt.date.today()
    lake_dir = Path(lake_dir)
    if not lake_dir.is_dir():
        raise Invalid(f"{lake_dir}: event lake folder not found")
    names = tables or tuple(TABLES)
    for table in names:
        files = table_files(lake_dir, table)
        if not files:
            raise Invalid(f"{lake_dir / table}: table {table!r} has no Parquet files")
        for f in files:
            try:
                schema = pq.read_schema(f)
            except (pa.ArrowException, OSError) as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise Invalid(f"{f}: not a readable Parquet file ({first})") from exc
            check_schema(table, schema, str(f))
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")  # the CLI prints its own progress
        needs_births = {t for t, _ in BIRTH_RULES if t != "persons"}
        for i, table in enumerate(names):
            if table in needs_births:
                _births(con, lake_dir, persons_checked="persons" in names[:i])
                needs_births = set()
            _check_values(con, lake_dir, table, today)
    finally:
        con.close()


def _births(con: duckdb.DuckDBPyConnection, lake_dir: Path, *, persons_checked: bool) -> None:
    """One birth date per person, shared by every table with a birth rule. Persons already checked have
    unique ids, so their rows are copied as they are (a tenth of the cost of grouping them); otherwise the
    earliest birth date of a repeated person is used."""
    persons = _src(lake_dir, "persons", named=False)
    con.execute(
        f"CREATE TEMP TABLE births AS SELECT person_id, birth_date FROM {persons}"
        if persons_checked
        else f"CREATE TEMP TABLE births AS SELECT person_id, min(birth_date) AS birth_date FROM {persons} "
        "GROUP BY person_id"
    )


def _src(lake_dir: Path, table: str, *, named: bool = True) -> str:
    """The table's files; ``named`` adds each row's file and 1-based row (only the query that fetches
    offending rows needs them: they cost a third of a counting scan)."""
    return read_sql(table_files(lake_dir, table), table, named=named)


def _checks(table: str, today: dt.date) -> list[tuple[str, str, str]]:
    """Row rules of ``table`` as (SQL condition a bad row meets, column, reason)."""
    checks: list[tuple[str, str, str]] = []
    for col in TABLES[table]:
        q = f'"{col.name}"'
        if not col.nullable:
            checks.append((f"{q} IS NULL", col.name, "is empty"))
            if col.type == STR:
                checks.append((f"trim({q}) = ''", col.name, "is empty"))
        if col.type in (DATE, TS):
            checks.append((f"CAST({q} AS DATE) > DATE '{today}'", col.name, future_reason(today)))
            checks.append((f"CAST({q} AS DATE) < DATE '{DATE_FLOOR}'", col.name, floor_reason()))
        if (table, col.name) in UNIQUE_VALUES and col.type == STR:
            checks.append((f"trim({q}) = ''", col.name, blank_reason()))
        if (table, col.name) in DOMAINS:
            allowed = ", ".join(sql_str(v) for v in DOMAINS[(table, col.name)])
            checks.append((f"{q} NOT IN ({allowed})", col.name, domain_reason(table, col.name)))
        if (table, col.name) in RANGES:
            lo, hi = RANGES[(table, col.name)]
            checks.append((f"{q} NOT BETWEEN {lo} AND {hi}", col.name, range_reason(table, col.name)))
    for t, early, late in ORDER_RULES:
        if t == table:
            checks.append((f'"{late}" < "{early}"', late, order_reason(early)))
    for t, small, large in NOT_GREATER_RULES:
        if t == table:
            checks.append((f'"{small}" > "{large}"', small, f"is greater than {large!r}"))
    return checks


def _check_values(con: duckdb.DuckDBPyConnection, lake_dir: Path, table: str, today: dt.date) -> None:
    """One scan counts every row rule's violations; only a failing rule is queried again for its rows.
    Then, in the same order of precedence as one list of rules: dates against birth dates, overlapping
    periods, and the ids, which no row rule can see."""
    checks = _checks(table, today)
    plain, named = _src(lake_dir, table, named=False), _src(lake_dir, table)
    births = [(f'CAST("{c}" AS DATE) < birth_date', c, birth_reason()) for t, c in BIRTH_RULES if t == table]
    if table == "persons":  # the birth date is in the row
        checks, births = checks + births, []
    _count_and_refuse(con, plain, named, checks)
    if births:
        # a scan of its own: joining every column of a large table to the births costs more than a second
        # scan of the two columns the rule needs
        join = "(SELECT s.*, b.birth_date FROM {} s JOIN births b USING (person_id))"
        _count_and_refuse(con, join.format(plain), join.format(named), births)
    if table in PERIOD_TABLES:
        kind = f" WHERE {PERIOD_TABLES[table]}" if PERIOD_TABLES[table] else ""
        window = (
            "(SELECT *, lag(valid_to) OVER w AS prev_to, row_number() OVER w AS rn "
            f"FROM {{}}{kind} WINDOW w AS (PARTITION BY person_id ORDER BY valid_from))"
        )
        overlap = ("rn > 1 AND (prev_to IS NULL OR prev_to >= valid_from)", "valid_from", OVERLAP_REASON)
        _count_and_refuse(con, window.format(plain), window.format(named), [overlap])
    key = KEYS.get(table)
    if key and not _ids_rise_apart(table_files(lake_dir, table), key):
        row = con.execute(f'SELECT count(*) - count(DISTINCT "{key}") FROM {plain}').fetchone()
        if row and row[0]:
            _refuse_repeated(con, named, key)
    for t, column in UNIQUE_VALUES:
        if t == table:
            row = con.execute(
                f'SELECT count("{column}") - count(DISTINCT "{column}") FROM {plain}'
            ).fetchone()
            if row and row[0]:
                _refuse_repeated(con, named, column, unique_reason(column))


def _ids_rise_apart(files: list[Path], key: str) -> bool:
    """True when the ids strictly rise within each row group and no two row groups' id ranges meet: then
    no id repeats, proven in one read of the column (a row group at a time) with no hash table. False
    means only "not proven"."""
    ranges: list[tuple[int, int]] = []
    for f in files:
        pf = pq.ParquetFile(f)
        for i in range(pf.num_row_groups):
            ids = pf.read_row_group(i, columns=[key]).column(0).combine_chunks()
            if ids.null_count:
                return False
            if len(ids) > 1 and not pc.all(pc.greater(ids[1:], ids[:-1])).as_py():
                return False
            if len(ids):
                ranges.append((ids[0].as_py(), ids[-1].as_py()))
    ranges.sort()
    return all(hi < lo for (_, hi), (lo, _) in pairwise(ranges))


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, int]]:
    return [(str(f), int(r)) for f, r in con.execute(sql).fetchall()]


def _refuse(rows: list[tuple[str, int]], column: str, reason: str) -> None:
    if not rows:
        return
    file = rows[0][0]
    nums = ", ".join(str(r + 1) for _, r in rows if _ == file)  # 1-based row numbers, like a spreadsheet
    raise Invalid(f"{file}: column {column!r} {reason} in rows {nums}", field=column)


def _count_and_refuse(
    con: duckdb.DuckDBPyConnection, count_src: str, named_src: str, checks: list[tuple[str, str, str]]
) -> None:
    """Count every check's violations in one scan of ``count_src``; at the first failing check, name its
    rows from ``named_src`` (the same rows with file names and row numbers)."""
    if not checks:
        return
    exprs = [f"count(*) FILTER (WHERE {c})" for c, _, _ in checks]
    counts = con.execute("SELECT " + ", ".join(exprs) + f" FROM {count_src}").fetchall()[0]
    for (cond, column, reason), n in zip(checks, counts, strict=True):
        if n:
            sql = (
                f"SELECT filename, file_row_number FROM {named_src} WHERE {cond} "
                f"ORDER BY filename, file_row_number LIMIT {MAX_ROWS_NAMED}"
            )
            _refuse(_rows(con, sql), column, reason)


def _refuse_repeated(con: duckdb.DuckDBPyConnection, src: str, key: str, reason: str | None = None) -> None:
    """Name the rows whose id (or other unique value: ``reason`` says which) an earlier row (in file order)
    already has, and where the first one is. Nulls repeat freely."""
    rows = con.execute(
        f"SELECT filename, file_row_number, first_file, first_row FROM ("
        f"SELECT filename, file_row_number, "
        f"first_value(filename) OVER w AS first_file, first_value(file_row_number) OVER w AS first_row, "
        f'row_number() OVER w AS rn FROM {src} WHERE "{key}" IS NOT NULL '
        f'WINDOW w AS (PARTITION BY "{key}" ORDER BY filename, file_row_number)) WHERE rn > 1 '
        f"ORDER BY filename, file_row_number LIMIT {MAX_ROWS_NAMED}"
    ).fetchall()
    file = rows[0][0]
    nums = ", ".join(str(r[1] + 1) for r in rows if r[0] == file)
    ff, fr = rows[0][2], rows[0][3] + 1
    raise Invalid(
        f"{file}: column {key!r} {reason or key_reason()} in rows {nums} (the first: {ff} row {fr})",
        field=key,
    )


# ``naravard lake init`` names the empty files it writes so: a later import adds its own file beside it
EMPTY_FILE = "empty.parquet"
IMPORT_GLOB = "import-*.parquet"  # the files ``naravard import`` writes (``importer._write``)


def init_lake(lake_dir: Path) -> list[str]:
    """Make ``lake_dir`` a lake: every table that has no Parquet file yet gets one empty file with the table's
    schema (a region without, say, residences then has them empty, and ``followup run`` accepts the lake).
    Tables that hold files are left as they are. Returns the tables written."""
    lake_dir = Path(lake_dir)
    lake_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        if table_files(lake_dir, table):
            continue
        (lake_dir / table).mkdir(exist_ok=True)
        tmp = lake_dir / table / f".{EMPTY_FILE}.tmp"
        pq.write_table(arrow_schema(table).empty_table(), tmp)
        tmp.rename(lake_dir / table / EMPTY_FILE)
        written.append(table)
    return written


def revert_import(lake_dir: Path, table: str, name: str | None = None) -> Path:
    """Remove one import of ``table`` from the lake: the file ``name`` (an ``import-...parquet`` file that
    ``naravard import`` wrote), by default the latest. Files the import did not write (an extract's, the
    generator's) are never removed. A table left without files gets its empty file back. Returns the file
    removed."""
    if table not in TABLES:
        raise Invalid(f"unknown lake table {table!r}; one of {', '.join(TABLES)}", field="table")
    folder = Path(lake_dir) / table
    imports = sorted(folder.glob(IMPORT_GLOB), key=lambda f: (f.stat().st_mtime_ns, f.name))
    if name is not None:
        imports = [f for f in imports if f.name == name]
    if not imports:
        which = f"no import {name!r}" if name else "no imports"
        raise Invalid(
            f"{folder}: {which} to revert (only files named {IMPORT_GLOB} are imports)", field="file"
        )
    gone = imports[-1]
    gone.unlink()
    if not table_files(Path(lake_dir), table):
        init_lake(Path(lake_dir))
    return gone
