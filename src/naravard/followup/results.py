"""Roll the finest-grain table up to every scope and stratum, suppress small cells, and write the results
dataset atomically (a temporary folder renamed into place, so readers never see partial results)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

from naravard.followup.indicators import FAMILIES, INDICATORS

RESULTS_FILE = "results.parquet"
META_FILE = "meta.json"
DEFAULT_THRESHOLD = 5
PARTITION_ROWS = 5_000_000  # finest-grain rows above which the roll-up runs per family and period type

# scope type -> column giving the scope id ("total" is the whole lake)
SCOPES = {
    "total": None,
    "region": "region_code",
    "municipality": "municipality_code",
    "unit": "unit_id",
    "doctor": "doctor_id",
}
STRATA = {"all": None, "age_band": "age_band", "sex": "sex"}

RESULT_COLUMNS = (
    "indicator",
    "period_type",
    "period",
    "period_start",
    "scope_type",
    "scope_id",
    "stratum_type",
    "stratum",
    "numerator",
    "denominator",
    "value",
    "suppressed",
)


def _sets(extra: str, doctor: bool = True) -> tuple[str, str]:
    """GROUPING SETS for every scope x stratum (the doctor scope only if ``doctor``), and the SQL naming
    each row's scope and stratum."""
    base = "indicator, period_type, period_start" + extra
    sets = []
    for name, sc in SCOPES.items():
        if name == "doctor" and not doctor:
            continue
        for st in STRATA.values():
            cols = [c for c in (sc, st) if c]
            sets.append("(" + ", ".join([base, *cols]) + ")")
    doc_case = "WHEN grouping(doctor_id) = 0 THEN 'doctor' " if doctor else ""
    doc_id = "CAST(doctor_id AS VARCHAR), " if doctor else ""
    scope = (
        f"CASE {doc_case}WHEN grouping(unit_id) = 0 THEN 'unit' "
        "WHEN grouping(municipality_code) = 0 THEN 'municipality' WHEN grouping(region_code) = 0 "
        "THEN 'region' ELSE 'total' END AS scope_type, "
        f"COALESCE({doc_id}CAST(unit_id AS VARCHAR), municipality_code, region_code, 'all') AS scope_id, "
        "CASE WHEN grouping(age_band) = 0 THEN 'age_band' WHEN grouping(sex) = 0 THEN 'sex' ELSE 'all' END "
        "AS stratum_type, COALESCE(age_band, sex, 'all') AS stratum, "
        "(grouping(age_band) = 0 AND age_band IS NULL) OR (grouping(sex) = 0 AND sex IS NULL) AS null_stratum"
    )
    return "GROUPING SETS (" + ", ".join(sets) + ")", scope


def _label(col: str) -> str:
    return (
        f"CASE period_type WHEN 'month' THEN strftime({col}, '%Y-%m') WHEN 'quarter' THEN "
        f"strftime({col}, '%Y') || '-Q' || CAST(quarter({col}) AS VARCHAR) ELSE strftime({col}, '%Y') END"
    )


def _in(codes: Iterable[str]) -> str:
    return ", ".join(f"'{c}'" for c in codes) or "''"


def rollup_sql(threshold: int, source: str = "long") -> str:
    """The roll-up of the finest-grain long table (see ``compute.to_long``), or of the view ``source`` over a
    part of it, to every scope and stratum."""
    by_doctor = [i.code for f in FAMILIES if f.by_doctor for i in f.indicators if i.quantile is None]
    other = [c for c, i in INDICATORS.items() if i.quantile is None and c not in by_doctor]
    # quantile indicators of each wait family, read from the histogram stored under the share's code
    quants = [
        (f.indicators[0].code, i.code, i.quantile)
        for f in FAMILIES
        for i in f.indicators
        if i.quantile is not None
    ]
    qs = sorted({q for _, _, q in quants})
    qcols = ", ".join(
        f"CAST(min(days) FILTER (WHERE running >= ceil({q} * n)) AS DOUBLE) AS q{k}" for k, q in enumerate(qs)
    )
    qsel = " UNION ALL ".join(
        f"SELECT '{code}', period_type, period_start, scope_type, scope_id, stratum_type, stratum, "
        f"NULL::DOUBLE, n, q{qs.index(q)} FROM quant WHERE indicator = '{base}'"
        for base, code, q in quants
    )
    dsets, dnames = _sets("")
    sets, names = _sets("", doctor=False)
    # quantiles only for the wait indicators, which have no doctor scope
    hsets, hnames = _sets(", days", doctor=False)
    # a scope id is null when the person had no listing / fixed doctor then: such rows stay in wider scopes
    valid = (
        "(scope_type = 'total' OR scope_id IS NOT NULL) AND NOT null_stratum "
        "AND (scope_type <> 'unit' OR unit_id IS NOT NULL) AND (scope_type <> 'doctor' OR doctor_id IS NOT NULL)"
    )
    hvalid = valid.replace(" AND (scope_type <> 'doctor' OR doctor_id IS NOT NULL)", "")
    return f"""
    WITH ratio AS (
      SELECT indicator, period_type, period_start, {dnames}, unit_id, doctor_id, sum(num) AS num, sum(den) AS den
      FROM {source} WHERE days IS NULL AND indicator IN ({_in(by_doctor)}) GROUP BY {dsets}
      UNION ALL
      SELECT indicator, period_type, period_start, {names}, unit_id, NULL AS doctor_id, sum(num) AS num,
        sum(den) AS den
      FROM {source} WHERE days IS NULL AND indicator IN ({_in(other)}) GROUP BY {sets}
    ), hist AS (
      SELECT indicator, period_type, period_start, {hnames}, unit_id, days, sum(den) AS c
      FROM {source} WHERE days IS NOT NULL GROUP BY {hsets}
    ), cum AS (
      SELECT *, sum(c) OVER w AS running, sum(c) OVER (PARTITION BY indicator, period_type, period_start,
        scope_type, scope_id, stratum_type, stratum) AS n
      FROM hist WHERE {hvalid} WINDOW w AS (PARTITION BY indicator, period_type, period_start, scope_type,
        scope_id, stratum_type, stratum ORDER BY days ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    ), quant AS (
      SELECT indicator, period_type, period_start, scope_type, scope_id, stratum_type, stratum,
        any_value(n) AS n, {qcols}
      FROM cum GROUP BY indicator, period_type, period_start, scope_type, scope_id, stratum_type, stratum
    ), both_ AS (
      SELECT indicator, period_type, period_start, scope_type, scope_id, stratum_type, stratum, num, den,
        CASE WHEN den > 0 THEN num / den END AS value FROM ratio WHERE {valid}
      {"UNION ALL " + qsel if quants else ""}
    )
    SELECT indicator, period_type, {_label("period_start")} AS period, period_start, scope_type, scope_id,
      stratum_type, stratum,
      CASE WHEN den < {threshold} THEN NULL ELSE num END AS numerator,
      CASE WHEN den < {threshold} THEN NULL ELSE den END AS denominator,
      CASE WHEN den < {threshold} THEN NULL ELSE value END AS value,
      den < {threshold} AS suppressed
    FROM both_
    ORDER BY indicator, period_type, scope_type, scope_id, period_start, stratum_type, stratum
    """


def _partitions(long: pa.Table) -> list[tuple[list[str], str]]:
    """(indicator codes, period type) per roll-up part: one family (its ratio rows and histogram rows share
    the family's codes) and one period type, in the results file's sort order."""
    if long.num_rows <= PARTITION_ROWS:
        return []  # a region's table: one query (per-part scans and sorts would cost more than they save)
    present = set(long.column("indicator").unique().to_pylist())
    pts = set(long.column("period_type").unique().to_pylist())
    fams = [sorted(c for i in f.indicators if (c := i.code) in present) for f in FAMILIES]
    fams = sorted((c for c in fams if c), key=lambda c: c[0])
    return [(codes, pt) for codes in fams for pt in sorted(pts)]


def write_results(
    long: pa.Table,
    out_dir: Path,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    meta: dict[str, object] | None = None,
    memory_limit: str = "8GB",
    threads: int = 2,
) -> Path:
    """Roll up ``long`` and replace ``out_dir`` with the new results in one rename.

    The roll-up runs per family and period type (the GROUPING SETS and the sort then work on a slice of the
    national table, each slice streamed to its own Parquet file in the temporary folder), and the slices are
    concatenated in sort order into the one results file the readers use."""
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        con = duckdb.connect(
            config={
                "memory_limit": memory_limit,
                "preserve_insertion_order": False,
                "threads": threads,
                "temp_directory": str(Path(tempfile.gettempdir()) / "naravard-duckdb"),
            }
        )
        con.execute("SET enable_progress_bar = false")
        con.register("long", long)
        parts_dir = tmp / "parts"
        parts_dir.mkdir()
        files = []
        for k, (codes, pt) in enumerate(_partitions(long)):
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW part AS SELECT * FROM long "
                f"WHERE indicator IN ({_in(codes)}) AND period_type = '{pt}'"
            )
            f = parts_dir / f"{k:04d}.parquet"
            con.execute(f"COPY ({rollup_sql(threshold, 'part')}) TO '{f}' (FORMAT parquet)")
            files.append(f"'{f}'")
        out = tmp / RESULTS_FILE
        if files:
            con.execute("SET preserve_insertion_order = true")  # the parts are concatenated in their order
            con.execute(
                f"COPY (SELECT * FROM read_parquet([{', '.join(files)}])) TO '{out}' "
                "(FORMAT parquet, COMPRESSION zstd)"
            )
        else:
            con.execute(f"COPY ({rollup_sql(threshold)}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
        rows = con.execute(f"SELECT count(*) FROM '{tmp / RESULTS_FILE}'").fetchall()[0][0]
        con.close()
        shutil.rmtree(parts_dir)
        info = {
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rows": rows,
            "small_cell_threshold": threshold,
            **(meta or {}),
        }
        (tmp / META_FILE).write_text(json.dumps(info, indent=2, default=str))
        old = out_dir.parent / f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}"
        if out_dir.exists():
            out_dir.rename(old)
        tmp.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
