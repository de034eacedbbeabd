"""The event lake: one folder per table under the lake root, each holding one or more Parquet files.

The schema here is the contract documented in docs/event-lake.md; ``validate_lake`` refuses a lake that
breaks it (missing table or column, wrong type, impossible or future dates) with a message naming the file,
the column and the offending rows, before any indicator runs.
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
            check_schema(table, pq.read_schema(f), str(f))
    con = duckdb.connect()
    try:
        for table in names:
            _check_values(con, lake_dir, table, today)
    finally:
        con.close()


def _check_values(con: duckdb.DuckDBPyConnection, lake_dir: Path, table: str, today: dt.date) -> None:
    """One scan counts every rule's violations; only a failing rule is queried again for its rows."""
    checks: list[tuple[str, str, str]] = []  # (condition, column, reason)
    for col in TABLES[table]:
        if not col.nullable:
            checks.append((f"{col.name} IS NULL", col.name, "is empty"))
        if col.type in (DATE, TS):
            checks.append(
                (f"CAST({col.name} AS DATE) > DATE '{today}'", col.name, f"has dates after today ({today})")
            )
    for t, early, late in ORDER_RULES:
        if t == table:
            checks.append((f"{late} < {early}", late, f"is before {early!r}"))
    src = f"read_parquet('{lake_dir / table}/*.parquet', filename=true, file_row_number=true)"
    counts = con.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE {c})" for c, _, _ in checks) + f" FROM {src}"
    ).fetchall()[0]
    if table in ("listings", "fixed_contacts"):
        # attribution joins need at most one listing / fixed doctor per person and day
        kind = " WHERE kind = 'doctor'" if table == "fixed_contacts" else ""
        checks.append(
            (
                "rn > 1 AND (prev_to IS NULL OR prev_to >= valid_from)",
                "valid_from",
                "overlaps an earlier period of the same person",
            )
        )
        src = (
            f"(SELECT *, lag(valid_to) OVER w AS prev_to, row_number() OVER w AS rn "
            f"FROM {src}{kind} WINDOW w AS (PARTITION BY person_id ORDER BY valid_from))"
        )
        counts = con.execute(
            "SELECT " + ", ".join(f"count(*) FILTER (WHERE {c})" for c, _, _ in checks) + f" FROM {src}"
        ).fetchall()[0]
    for (cond, column, reason), n in zip(checks, counts, strict=True):
        if n:
            sql = (
                f"SELECT filename, file_row_number FROM {src} WHERE {cond} "
                f"ORDER BY filename, file_row_number LIMIT {MAX_ROWS_NAMED}"
            )
            _refuse(_rows(con, sql), column, reason)
