"""The event lake: one folder per table under the lake root, each holding one or more Parquet files.

The schema here is the contract documented in docs/event-lake.md; ``validate_lake`` refuses a lake that
breaks it (missing table or column, unreadable file, wrong type, repeated ids, values outside their domain,
impossible, early or future dates) with a message naming the file, the column and the offending rows, before
any indicator runs. ``naravard import`` checks each CSV row against the same rules with the same wording.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from naravard.errors import Invalid

# Logical column types; the physical Parquet type may vary in width (int32/int64, string/large_string).
INT, STR, DATE, TS, BOOL = "int", "str", "date", "timestamp", "bool"

ARROW_TYPES: dict[str, pa.DataType] = {
    INT: pa.int64(),
    STR: pa.string(),
    DATE: pa.date32(),
    TS: pa.timestamp("us"),
    BOOL: pa.bool_(),
}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    nullable: bool = False


def _c(spec: str) -> Column:
    """``"name:type"`` or ``"name:type?"`` (nullable)."""
    name, typ = spec.split(":")
    return Column(name, typ.rstrip("?"), typ.endswith("?"))


def _cols(*specs: str) -> tuple[Column, ...]:
    return tuple(_c(s) for s in specs)


TABLES: dict[str, tuple[Column, ...]] = {
    "units": _cols(
        "unit_id:int", "name:str", "kind:str", "region_code:str", "municipality_code:str", "private:bool"
    ),
    "persons": _cols(
        "person_id:int",
        "sex:str",
        "birth_date:date",
        "region_code:str",
        "municipality_code:str",
        "in_date:date",
        "out_date:date?",
    ),
    "listings": _cols("person_id:int", "unit_id:int", "valid_from:date", "valid_to:date?"),
    "fixed_contacts": _cols(
        "person_id:int",
        "practitioner_id:int",
        "profession:str",
        "kind:str",
        "valid_from:date",
        "valid_to:date?",
        "informed_date:date?",
    ),
    "encounters": _cols(
        "encounter_id:int",
        "person_id:int",
        "unit_id:int",
        "practitioner_id:int",
        "profession:str",
        "start:timestamp",
        "mode:str",
        "planned:bool",
    ),
    "contact_requests": _cols(
        "request_id:int",
        "person_id:int",
        "unit_id:int",
        "request_date:date",
        "contact_date:date?",
        "patient_chosen:bool",
    ),
    "medical_assessments": _cols(
        "assessment_id:int",
        "person_id:int",
        "unit_id:int",
        "contact_date:date",
        "assessment_date:date?",
        "profession:str?",
        "mode:str?",
        "patient_chosen:bool",
    ),
    "referrals": _cols(
        "referral_id:int",
        "person_id:int",
        "unit_id:int",
        "referral_date:date",
        "first_visit_date:date?",
        "patient_chosen:bool",
    ),
    "treatments": _cols(
        "decision_id:int",
        "person_id:int",
        "unit_id:int",
        "decision_date:date",
        "treatment_date:date?",
        "patient_chosen:bool",
    ),
    "admissions": _cols(
        "admission_id:int",
        "person_id:int",
        "unit_id:int",
        "admit_date:date",
        "utskrivningsklar_date:date?",
        "discharge_date:date?",
    ),
    "emergency_visits": _cols(
        "visit_id:int", "person_id:int", "unit_id:int", "visit_date:date", "admitted:bool"
    ),
    "contracts": _cols(
        "contract_id:int",
        "person_id:int",
        "unit_id:int",
        "created_date:date",
        "agreed_date:date?",
        "closed_date:date?",
        "patient_goals:int",
        "total_goals:int",
    ),
    "sip_meetings": _cols("meeting_id:int", "person_id:int", "meeting_date:date", "patient_attended:bool"),
    "questionnaire_responses": _cols(
        "response_id:int", "person_id:int", "unit_id:int", "response_date:date", "item:str", "value:int"
    ),
    "mobile_team_visits": _cols(
        "visit_id:int", "person_id:int", "team_id:int", "visit_date:date", "planned:bool"
    ),
}

ENCOUNTER_MODES = ("physical", "home", "video", "phone")
UNIT_KINDS = ("primary", "hospital", "specialist", "mobile_team", "emergency")
FIXED_CONTACT_KINDS = ("doctor", "care_contact")
SEXES = ("F", "M")
QUESTION_ITEMS = ("involvement", "continuity", "has_fixed_doctor")

# The id column of each table: unique across all of the table's files (listings and fixed contacts have none).
KEYS: dict[str, str] = {
    "units": "unit_id",
    "persons": "person_id",
    "encounters": "encounter_id",
    "contact_requests": "request_id",
    "medical_assessments": "assessment_id",
    "referrals": "referral_id",
    "treatments": "decision_id",
    "admissions": "admission_id",
    "emergency_visits": "visit_id",
    "contracts": "contract_id",
    "sip_meetings": "meeting_id",
    "questionnaire_responses": "response_id",
    "mobile_team_visits": "visit_id",
}

# Allowed values of text columns (a null in a nullable column is allowed).
DOMAINS: dict[tuple[str, str], tuple[str, ...]] = {
    ("units", "kind"): UNIT_KINDS,
    ("persons", "sex"): SEXES,
    ("fixed_contacts", "kind"): FIXED_CONTACT_KINDS,
    ("encounters", "mode"): ENCOUNTER_MODES,
    ("medical_assessments", "mode"): ENCOUNTER_MODES,
    ("questionnaire_responses", "item"): QUESTION_ITEMS,
}

# Inclusive ranges of integer columns.
RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("questionnaire_responses", "value"): (1, 5),  # NPE-like 1-5 scale
    ("contracts", "patient_goals"): (0, 1_000),
    ("contracts", "total_goals"): (0, 1_000),
}

# (table, smaller column, larger column): the first may not exceed the second.
NOT_GREATER_RULES: tuple[tuple[str, str, str], ...] = (("contracts", "patient_goals", "total_goals"),)

# No date of any table lies before this day (a misread or placeholder date, e.g. 1800-01-01).
DATE_FLOOR = dt.date(1900, 1, 1)

# (table, date column): on or after the person's birth date. Checked for the tables the age strata and the
# lake's window depend on (a join to persons each; kept to these so validation stays one scan per table).
BIRTH_RULES: tuple[tuple[str, str], ...] = (
    ("persons", "in_date"),
    ("listings", "valid_from"),
    ("fixed_contacts", "valid_from"),
    ("encounters", "start"),
)

# Impossible orderings: (table, earlier column, later column). A null later column is allowed (not yet).
ORDER_RULES: tuple[tuple[str, str, str], ...] = (
    ("listings", "valid_from", "valid_to"),
    ("fixed_contacts", "valid_from", "valid_to"),
    ("persons", "in_date", "out_date"),
    ("contact_requests", "request_date", "contact_date"),
    ("medical_assessments", "contact_date", "assessment_date"),
    ("referrals", "referral_date", "first_visit_date"),
    ("treatments", "decision_date", "treatment_date"),
    ("admissions", "admit_date", "discharge_date"),
    ("admissions", "admit_date", "utskrivningsklar_date"),
    ("admissions", "utskrivningsklar_date", "discharge_date"),
    ("contracts", "created_date", "agreed_date"),
    ("contracts", "created_date", "closed_date"),
)

MAX_ROWS_NAMED = 10

OVERLAP_REASON = "overlaps an earlier period of the same person"


def domain_reason(table: str, column: str) -> str:
    return f"is not one of {', '.join(DOMAINS[(table, column)])}"


def range_reason(table: str, column: str) -> str:
    lo, hi = RANGES[(table, column)]
    return f"is outside {lo}-{hi}"


def order_reason(early: str) -> str:
    return f"is before {early!r}"


def floor_reason() -> str:
    return f"has dates before {DATE_FLOOR}"


def birth_reason() -> str:
    return "is before the person's birth_date"


def future_reason(today: dt.date) -> str:
    return f"has dates after today ({today})"


def key_reason() -> str:
    return "repeats the id of an earlier row"


def sql_str(value: object) -> str:
    """``value`` as a SQL string literal (paths are pasted into DuckDB's table functions)."""
    return "'" + str(value).replace("'", "''") + "'"


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type], c.nullable) for c in TABLES[table]])


def table_files(lake_dir: Path, table: str) -> list[Path]:
    return sorted((Path(lake_dir) / table).glob("*.parquet"))


def _type_ok(logical: str, t: pa.DataType) -> bool:
    return {
        INT: pa.types.is_integer(t),
        STR: pa.types.is_string(t) or pa.types.is_large_string(t),
        DATE: pa.types.is_date32(t),
        TS: pa.types.is_timestamp(t) and t.tz is None,
        BOOL: pa.types.is_boolean(t),
    }[logical]


def check_schema(table: str, schema: pa.Schema, source: str) -> None:
    """Refuse a file whose columns are missing or of the wrong type."""
    for col in TABLES[table]:
        idx = schema.get_field_index(col.name)
        if idx < 0:
            raise Invalid(f"{source}: column {col.name!r} is missing (table {table})", field=col.name)
        found = schema.field(idx).type
        if not _type_ok(col.type, found):
            raise Invalid(
                f"{source}: column {col.name!r} has type {found}, expected {col.type}", field=col.name
            )


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, int]]:
    return [(str(f), int(r)) for f, r in con.execute(sql).fetchall()]


def _refuse(rows: list[tuple[str, int]], column: str, reason: str) -> None:
    if not rows:
        return
    file = rows[0][0]
    nums = ", ".join(str(r + 1) for _, r in rows if _ == file)  # 1-based row numbers, like a spreadsheet
    raise Invalid(f"{file}: column {column!r} {reason} in rows {nums}", field=column)


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
        for table in names:
            _check_values(con, lake_dir, table, today)
    finally:
        con.close()


def parquet_list(files: list[Path]) -> str:
    """The files as a DuckDB list literal: named one by one, not by a glob, so a folder name holding glob
    characters (``[``, ``*``, ``?``) or a quote is read as it is."""
    return "[" + ", ".join(sql_str(f) for f in files) + "]"


def _src(lake_dir: Path, table: str) -> str:
    files = parquet_list(table_files(lake_dir, table))
    return f"read_parquet({files}, filename=true, file_row_number=true)"


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
    """One scan counts every rule's violations; only a failing rule is queried again for its rows."""
    checks = _checks(table, today)
    src = _src(lake_dir, table)
    births = [c for t, c in BIRTH_RULES if t == table]
    if births and table != "persons":
        # one birth date per person (min: repeated persons are refused by the persons table's own check)
        persons = _src(lake_dir, "persons")
        src = (
            f"(SELECT s.*, b.birth_date FROM {src} s LEFT JOIN "
            f"(SELECT person_id, min(birth_date) AS birth_date FROM {persons} GROUP BY person_id) b "
            f"USING (person_id))"
        )
    for c in births:
        checks.append((f'CAST("{c}" AS DATE) < birth_date', c, birth_reason()))
    if table in ("listings", "fixed_contacts"):
        # attribution joins need at most one listing / fixed doctor per person and day
        kind = " WHERE kind = 'doctor'" if table == "fixed_contacts" else ""
        if kind:  # the window sees only doctors: the other rules are counted on every row first
            _count_and_refuse(con, src, checks)
            checks = []
        src = (
            f"(SELECT *, lag(valid_to) OVER w AS prev_to, row_number() OVER w AS rn "
            f"FROM {src}{kind} WINDOW w AS (PARTITION BY person_id ORDER BY valid_from))"
        )
        checks.append(("rn > 1 AND (prev_to IS NULL OR prev_to >= valid_from)", "valid_from", OVERLAP_REASON))
    key = KEYS.get(table)
    extra = f"count(*) - count(DISTINCT {key})" if key else None
    dup = _count_and_refuse(con, src, checks, extra)
    if key and dup:
        _refuse_repeated(con, _src(lake_dir, table), key)


def _count_and_refuse(
    con: duckdb.DuckDBPyConnection, src: str, checks: list[tuple[str, str, str]], extra: str | None = None
) -> int:
    """Count every check's violations (and ``extra``) in one scan; refuse at the first failing check.
    Returns ``extra``'s value (0 without it)."""
    exprs = [f"count(*) FILTER (WHERE {c})" for c, _, _ in checks] + ([extra] if extra else [])
    if not exprs:
        return 0
    counts = con.execute("SELECT " + ", ".join(exprs) + f" FROM {src}").fetchall()[0]
    for (cond, column, reason), n in zip(checks, counts[: len(checks)], strict=True):
        if n:
            sql = (
                f"SELECT filename, file_row_number FROM {src} WHERE {cond} "
                f"ORDER BY filename, file_row_number LIMIT {MAX_ROWS_NAMED}"
            )
            _refuse(_rows(con, sql), column, reason)
    return int(counts[-1] or 0) if extra else 0


def _refuse_repeated(con: duckdb.DuckDBPyConnection, src: str, key: str) -> None:
    """Name the rows whose id an earlier row (in file order) already has, and where the first one is."""
    rows = con.execute(
        f"SELECT filename, file_row_number, first_file, first_row FROM ("
        f"SELECT filename, file_row_number, "
        f"first_value(filename) OVER w AS first_file, first_value(file_row_number) OVER w AS first_row, "
        f"row_number() OVER w AS rn FROM {src} "
        f"WINDOW w AS (PARTITION BY {key} ORDER BY filename, file_row_number)) WHERE rn > 1 "
        f"ORDER BY filename, file_row_number LIMIT {MAX_ROWS_NAMED}"
    ).fetchall()
    file = rows[0][0]
    nums = ", ".join(str(r[1] + 1) for r in rows if r[0] == file)
    ff, fr = rows[0][2], rows[0][3] + 1
    raise Invalid(
        f"{file}: column {key!r} {key_reason()} in rows {nums} (the first: {ff} row {fr})", field=key
    )
