"""The event lake's contract: one folder per table under the lake root, each holding one or more Parquet
files, with the columns, types, ids, domains, ranges and date rules documented in docs/event-lake.md.

Only data and small helpers live here; ``naravard.followup.lake.validation`` checks a lake against them
(``validate_lake``) and ``naravard.followup.lake.import_rules`` checks CSV rows against them, in the same words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from naravard.errors import Invalid

# Logical column types; the physical Parquet type may vary in width (int32/int64, string/large_string).
INT, STR, DATE, TS, BOOL = "int", "str", "date", "timestamp", "bool"

SQL_TYPES: dict[str, str] = {INT: "BIGINT", STR: "VARCHAR", DATE: "DATE", TS: "TIMESTAMP", BOOL: "BOOLEAN"}

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
    # may be absent from a table's files (added to the contract after lakes were written, or left out of a
    # region's export): an absent optional column reads as null; an optional column is always nullable
    optional: bool = False


def _c(spec: str) -> Column:
    """``"name:type"`` or ``"name:type?"`` (nullable)."""
    name, typ = spec.split(":")
    return Column(name, typ.rstrip("?"), typ.endswith("?"))


def _cols(*specs: str) -> tuple[Column, ...]:
    return tuple(_c(s) for s in specs)


TABLES: dict[str, tuple[Column, ...]] = {
    "units": (
        *_cols(
            "unit_id:int", "name:str", "kind:str", "region_code:str", "municipality_code:str", "private:bool"
        ),
        # the unit's HSA-id, the name Swedish regions give a unit across systems: it links a platform care unit
        # (organizations) to the lake's unit, whose id is a pseudonym or the region's own number
        Column("hsa_id", STR, nullable=True, optional=True),
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
    # where a person lived when (folkbokföring): only persons who moved within the lake's window need rows
    "residences": _cols(
        "person_id:int", "region_code:str", "municipality_code:str", "valid_from:date", "valid_to:date?"
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
        "planned:bool",
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

# Columns whose values, where given, are unique across all of the table's files (nulls may repeat) and not
# blank: an HSA-id names one unit, so two units with one HSA-id could not be told apart.
UNIQUE_VALUES: tuple[tuple[str, str], ...] = (("units", "hsa_id"),)

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
# lake's window depend on (a join to one shared table of birth dates each).
BIRTH_RULES: tuple[tuple[str, str], ...] = (
    ("persons", "in_date"),
    ("residences", "valid_from"),
    ("listings", "valid_from"),
    ("fixed_contacts", "valid_from"),
    ("encounters", "start"),
)

# Impossible orderings: (table, earlier column, later column). A null later column is allowed (not yet).
ORDER_RULES: tuple[tuple[str, str, str], ...] = (
    ("residences", "valid_from", "valid_to"),
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

# Tables of per-person periods (valid_from .. valid_to, inclusive) that may not overlap, with the rows the
# rule is about: attribution joins need at most one residence, listing and fixed doctor per person and day.
PERIOD_TABLES: dict[str, str] = {"residences": "", "listings": "", "fixed_contacts": "kind = 'doctor'"}


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


def unique_reason(column: str) -> str:
    return f"repeats the {column} of an earlier row"


def blank_reason() -> str:
    return "is blank (write null when there is none)"


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
        if idx < 0 and col.optional:
            continue
        if idx < 0:
            raise Invalid(f"{source}: column {col.name!r} is missing (table {table})", field=col.name)
        found = schema.field(idx).type
        if not _type_ok(col.type, found):
            raise Invalid(
                f"{source}: column {col.name!r} has type {found}, expected {col.type}", field=col.name
            )


def parquet_list(files: list[Path]) -> str:
    """The files as a DuckDB list literal: named one by one, not by a glob, so a folder name holding glob
    characters (``[``, ``*``, ``?``) or a quote is read as it is."""
    return "[" + ", ".join(sql_str(f) for f in files) + "]"


def read_sql(files: list[Path], table: str, *, named: bool = False) -> str:
    """SQL reading ``table``'s ``files`` with every column of the contract (``named`` adds each row's
    ``filename`` and 0-based ``file_row_number``). A table with optional columns is read by name, so files
    with and without such a column mix (an old lake and a newer import), and an optional column that no file
    holds reads as null. The other tables are read as before: matching files by name costs a schema read
    per file, which the national lake's thousands of files need not pay."""
    extra = ", filename=true, file_row_number=true" if named else ""
    optional = [c for c in TABLES[table] if c.optional]
    if not optional:
        return f"read_parquet({parquet_list(files)}{extra})"
    src = f"read_parquet({parquet_list(files)}, union_by_name=true{extra})"
    present = {name for f in files for name in pq.read_schema(f).names}
    absent = [c for c in optional if c.name not in present]
    if not absent:
        return src
    nulls = ", ".join(f'NULL::{SQL_TYPES[c.type]} AS "{c.name}"' for c in absent)
    return f"(SELECT *, {nulls} FROM {src})"
