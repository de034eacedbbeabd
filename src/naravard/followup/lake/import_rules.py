"""The lake's rules as DuckDB SQL over imported CSV text: ``row_checks`` parses one block of text columns and
names each row's first broken rule, ``set_checks`` runs the rules that need all rows or the lake.

Both use ``validate_lake``'s rule tables and wording, so a file refused here would have been refused by
``validate_lake`` after writing (and the reverse), with the CSV's line number instead of a Parquet row.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from naravard.followup.lake.schema import (
    BIRTH_RULES,
    BOOL,
    DATE,
    DATE_FLOOR,
    DOMAINS,
    INT,
    KEYS,
    NOT_GREATER_RULES,
    ORDER_RULES,
    OVERLAP_REASON,
    PERIOD_TABLES,
    RANGES,
    SQL_TYPES,
    STR,
    TABLES,
    TS,
    UNIQUE_VALUES,
    birth_reason,
    domain_reason,
    floor_reason,
    key_reason,
    order_reason,
    parquet_list,
    range_reason,
    read_sql,
    sql_str,
    table_files,
    unique_reason,
)

LOCAL_ZONE = "Europe/Stockholm"
LATER_OVERLAP_REASON = "overlaps a later period of the same person (the lake)"
REF = "{ref}"  # replaced by "line N" (or "the lake") when the report is made

_TRUE, _FALSE = ("1", "true", "t", "yes", "ja"), ("0", "false", "f", "no", "nej")
# Guards before DuckDB's casts, which are more lenient than the documented formats ('7.5' and '1e3' to
# integers, 'infinity' to a date, an offset or zone name silently dropped by a cast to TIMESTAMP). GLOB, not
# regular expressions: a third of the cost on ten million rows.
_DAY = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"


def _parsed(typ: str, t: str) -> str:
    """SQL for the value of trimmed text ``t`` as ``typ``; NULL when empty or unreadable."""
    if typ == INT:
        return f"CASE WHEN {t} NOT GLOB '*[!0-9+-]*' THEN TRY_CAST({t} AS BIGINT) END"
    if typ == DATE:
        return (
            f"CASE WHEN {t} GLOB '{_DAY}' THEN TRY_CAST({t} AS DATE) "
            f"WHEN {t} GLOB '{'[0-9]' * 8}' THEN TRY_STRPTIME({t}, '%Y%m%d')::DATE END"
        )
    if typ == TS:
        # a time after the day with nothing but digits and separators is local; anything else (Z, an
        # offset, a zone name) is read as an instant and converted to Swedish local time
        dot = f"CASE WHEN contains({t}, ',') THEN replace({t}, ',', '.') ELSE {t} END"
        return (
            f"CASE WHEN {t} NOT GLOB '{_DAY}*' THEN NULL "
            f"WHEN substr({t}, 12) NOT GLOB '*[!0-9:.,]*' THEN TRY_CAST({dot} AS TIMESTAMP) "
            f"ELSE timezone('{LOCAL_ZONE}', TRY_CAST({dot} AS TIMESTAMPTZ)) END"
        )
    if typ == BOOL:
        yes, no = (", ".join(sql_str(v) for v in vs) for vs in (_TRUE, _FALSE))
        return f"CASE WHEN lower({t}) IN ({yes}) THEN true WHEN lower({t}) IN ({no}) THEN false END"
    return f"NULLIF({t}, '')"


def _problem(column: str, why: str) -> str:
    """A CASE branch's value: the column and the reason (a SQL expression) of a bad row."""
    return f"{{'col': {sql_str(column)}, 'why': {why}}}"


BIRTH_TEXT = '"t_birth_date"'  # the persons row's birth date as the file gives it


def _both(column: str, value: str, birth: str) -> str:
    """SQL naming both values of a birth-rule breach: ``start 1990-04-30 23:00:00, birth_date 1990-05-01``."""
    return (
        f"{sql_str(column + ' ')} || CAST({value} AS VARCHAR) || ', birth_date ' || CAST({birth} AS VARCHAR)"
    )


def _shown(t: str) -> str:
    return f"'''' || left({t}, 40) || ''''"


def _column_checks(table: str, today: dt.date) -> list[tuple[str, str]]:
    """(condition, problem) per rule in the order the row-by-row importer checked them."""
    checks: list[tuple[str, str]] = []
    for c in TABLES[table]:
        t, p = f'"t_{c.name}"', f'"p_{c.name}"'
        if not c.nullable:
            checks.append((f"{t} = ''", _problem(c.name, sql_str("is empty"))))
        if c.type != STR:
            extra = "not a yes/no value: " if c.type == BOOL else ""
            why = f"{sql_str(f'cannot be read as {c.type}: {extra}')} || {_shown(t)}"
            checks.append((f"{t} <> '' AND {p} IS NULL", _problem(c.name, why)))
        if c.type in (DATE, TS):
            day = f"CAST({p} AS DATE)"
            future = f"'is in the future (' || {t} || ')'"
            checks.append((f"{day} > DATE '{today}'", _problem(c.name, future)))
            checks.append((f"{day} < DATE '{DATE_FLOOR}'", _problem(c.name, sql_str(floor_reason()))))
        if (table, c.name) in DOMAINS:
            allowed = ", ".join(sql_str(v) for v in DOMAINS[(table, c.name)])
            checks.append(
                (f"{p} NOT IN ({allowed})", _problem(c.name, sql_str(domain_reason(table, c.name))))
            )
        if (table, c.name) in RANGES:
            lo, hi = RANGES[(table, c.name)]
            checks.append(
                (f"{p} NOT BETWEEN {lo} AND {hi}", _problem(c.name, sql_str(range_reason(table, c.name))))
            )
    for t_, early, late in ORDER_RULES:
        if t_ == table:
            checks.append((f'"p_{late}" < "p_{early}"', _problem(late, sql_str(order_reason(early)))))
    for t_, small, large in NOT_GREATER_RULES:
        if t_ == table:
            checks.append(
                (f'"p_{small}" > "p_{large}"', _problem(small, sql_str(f"is greater than {large!r}")))
            )
    if table == "persons":  # the other tables' birth rules need the lake's persons: see ``set_checks``
        for t_, c_ in BIRTH_RULES:
            if t_ == table:
                text = f'"t_{c_}"'
                why = f"{sql_str(birth_reason() + ' (')} || {_both(c_, text, BIRTH_TEXT)} || ')'"
                checks.append((f'CAST("p_{c_}" AS DATE) < "p_birth_date"', _problem(c_, why)))
    return checks


def row_checks(table: str, today: dt.date) -> tuple[str, str]:
    """(SELECT over the registered block ``raw`` (``ord`` and the trimmed text ``t_<column>``) giving the
    ``stage`` rows, ``stage``'s columns)."""
    cols = TABLES[table]
    parsed = ", ".join(_parsed(c.type, f'"t_{c.name}"') + f' AS "p_{c.name}"' for c in cols)
    first = " ".join(f"WHEN {cond} THEN {problem}" for cond, problem in _column_checks(table, today))
    out = ", ".join(f'"p_{c.name}" AS "{c.name}"' for c in cols)
    select = (
        f"SELECT ord, {out}, bad.col, bad.why FROM (SELECT *, CASE {first} END AS bad FROM "
        f"(SELECT *, {parsed} FROM raw))"
    )
    create = ", ".join(
        [
            "ord BIGINT",
            *(f'"{c.name}" {SQL_TYPES[c.type]}' for c in cols),
            "bad_col VARCHAR",
            "bad_why VARCHAR",
        ]
    )
    return select, create


def set_checks(con: duckdb.DuckDBPyConnection, table: str, lake_dir: Path) -> None:
    """Fill ``set_bad`` (ord, column, reason, ord of the row it clashes with) from the rules over all the
    staged rows that passed their row checks: birth dates in the lake, repeated ids and unique values,
    overlapping periods."""
    con.execute("CREATE TABLE set_bad (ord BIGINT, col VARCHAR, why VARCHAR, ref BIGINT)")
    ok = (
        "(SELECT * FROM stage s WHERE bad_col IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM set_bad b WHERE b.ord = s.ord))"
    )
    persons = table_files(lake_dir, "persons")
    for t_, c_ in BIRTH_RULES:
        if t_ == table and table != "persons" and persons:
            births = (
                f"SELECT person_id, min(birth_date) AS birth_date FROM read_parquet({parquet_list(persons)}) "
                "GROUP BY person_id"
            )
            value = f's."{c_}"'
            why = f"{sql_str(birth_reason() + ' (')} || {_both(c_, value, 'b.birth_date')} || ')'"
            con.execute(
                f"INSERT INTO set_bad SELECT s.ord, {sql_str(c_)}, {why}, NULL "
                f"FROM stage s JOIN ({births}) b USING (person_id) "
                f'WHERE s.bad_col IS NULL AND CAST(s."{c_}" AS DATE) < b.birth_date'
            )
    if table == "persons":
        _births_against_lake(con, ok, lake_dir)
    files = table_files(lake_dir, table)
    key = KEYS.get(table)
    if key:
        # first row of each id; later rows with it are repeats, and a first row whose id is in the lake
        con.execute(
            f'CREATE TEMP TABLE ids AS SELECT "{key}" AS id, min(ord) AS first_ord, count(*) AS n '
            f"FROM {ok} GROUP BY 1"
        )
        con.execute(
            f"INSERT INTO set_bad SELECT o.ord, {sql_str(key)}, {sql_str(f'{key_reason()} ({REF})')}, "
            f'i.first_ord FROM {ok} o JOIN (SELECT * FROM ids WHERE n > 1) i ON o."{key}" = i.id '
            "WHERE o.ord <> i.first_ord"
        )
        if files:
            con.execute(
                f"INSERT INTO set_bad SELECT DISTINCT i.first_ord, {sql_str(key)}, "
                f"{sql_str(f'{key_reason()} (already in the lake)')}, NULL::BIGINT "
                f'FROM ids i JOIN read_parquet({parquet_list(files)}) l ON l."{key}" = i.id'
            )
    for t_, column in UNIQUE_VALUES:
        if t_ == table:
            _repeated_values(con, ok, files, table, column)
    if table in PERIOD_TABLES:
        _overlaps(con, ok, files, PERIOD_TABLES[table])


def _births_against_lake(con: duckdb.DuckDBPyConnection, ok: str, lake_dir: Path) -> None:
    """Whichever table comes first: a person whose birth date falls after a row of theirs already in the lake
    (an encounter, a listing, a residence or a fixed doctor imported before the persons) is refused, naming
    the earliest such row's table, column and value and the birth date."""
    for t_, c_ in BIRTH_RULES:
        files = table_files(lake_dir, t_) if t_ != "persons" else []
        if not files:
            continue
        early = (
            f'SELECT person_id, min(CAST("{c_}" AS DATE)) AS first FROM read_parquet({parquet_list(files)}) '
            "WHERE person_id IN (SELECT person_id FROM stage) GROUP BY person_id"
        )
        why = (
            f"{sql_str(f'is after a date of the person in the lake ({t_}.')} || "
            f"{_both(c_, 'e.first', 's.birth_date')} || ')'"
        )
        con.execute(
            f"INSERT INTO set_bad SELECT s.ord, 'birth_date', {why}, NULL "
            f"FROM {ok} s JOIN ({early}) e USING (person_id) "
            "WHERE e.first < CAST(s.birth_date AS DATE)"
        )


def _repeated_values(
    con: duckdb.DuckDBPyConnection, ok: str, files: list[Path], table: str, column: str
) -> None:
    """A value of a unique column (an HSA-id) given to two rows of the file, or to a row already in the lake
    (whose files may lack the column: then it is null there). Empty values (null) may repeat."""
    con.execute(
        f"INSERT INTO set_bad SELECT ord, {sql_str(column)}, {sql_str(f'{unique_reason(column)} ({REF})')}, "
        f'first_ord FROM (SELECT ord, min(ord) OVER (PARTITION BY "{column}") AS first_ord FROM {ok} '
        f'WHERE "{column}" IS NOT NULL) WHERE ord <> first_ord'
    )
    if files:
        con.execute(
            f"INSERT INTO set_bad SELECT DISTINCT s.ord, {sql_str(column)}, "
            f"{sql_str(f'{unique_reason(column)} (already in the lake)')}, NULL::BIGINT "
            f'FROM {ok} s JOIN {read_sql(files, table)} l ON l."{column}" = s."{column}"'
        )


def _overlaps(con: duckdb.DuckDBPyConnection, ok: str, files: list[Path], rows: str) -> None:
    """Periods of one person (residences, listings, or fixed doctors: ``rows``) that overlap: a new one
    overlapping the one before it (in the file or the lake), or reaching into a later one already in the
    lake."""
    kind = f" AND {rows}" if rows else ""
    lake = ""
    if files:
        lake = (
            "UNION ALL SELECT NULL::BIGINT, person_id, valid_from, valid_to "
            f"FROM read_parquet({parquet_list(files)}) WHERE person_id IN (SELECT person_id FROM new){kind}"
        )
    own = "rn > 1 AND (prev_to IS NULL OR prev_to >= valid_from)"
    later = "next_lake AND (valid_to IS NULL OR valid_to >= next_from)"
    earlier = sql_str(f"{OVERLAP_REASON} ({REF})")
    reason = f"CASE WHEN {own} THEN {earlier} ELSE {sql_str(LATER_OVERLAP_REASON)} END"
    con.execute(
        "INSERT INTO set_bad "
        f"WITH new AS (SELECT ord, person_id, valid_from, valid_to FROM {ok} WHERE true{kind}), "
        "w AS (SELECT ord, valid_from, valid_to, lag(valid_to) OVER w AS prev_to, "
        "lag(ord) OVER w AS prev_ord, row_number() OVER w AS rn, lead(valid_from) OVER w AS next_from, "
        "lead(ord IS NULL, 1, false) OVER w AS next_lake "
        f"FROM (SELECT * FROM new {lake}) "
        "WINDOW w AS (PARTITION BY person_id ORDER BY valid_from, ord NULLS FIRST)) "
        f"SELECT ord, CASE WHEN {own} THEN 'valid_from' ELSE 'valid_to' END, "
        f"{reason}, "
        f"CASE WHEN {own} THEN prev_ord END FROM w WHERE ord IS NOT NULL AND (({own}) OR ({later}))"
    )
