"""Roll the scope cells up to every scope and stratum, suppress small cells, and write the results
dataset atomically (a temporary folder renamed into place, so readers never see partial results)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import uuid
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from naravard.followup.indicators import FAMILIES
from naravard.followup.indicators.base import BREAKDOWNS
from naravard.followup.lake.validation import parquet_list, sql_str

RESULTS_FILE = "results.parquet"
META_FILE = "meta.json"
DEFAULT_THRESHOLD = 5

# scope type -> column giving the scope id ("total" is the whole lake)
SCOPES = {
    "total": None,
    "region": "region_code",
    "municipality": "municipality_code",
    "unit": "unit_id",
    "doctor": "doctor_id",
}
# stratum type -> the long table's column: the strata every indicator has, then the breakdowns of some
# families (which share one pair of columns)
STRATA_OF_ALL = {"all": None, "age_band": "age_band", "sex": "sex"}
STRATA = {**STRATA_OF_ALL, **{b: "breakdown_value" for b in BREAKDOWNS}}

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


def lake_last(meta: dict[str, object]) -> dt.date | None:
    """The last day the lake holds events for (``meta.json``'s ``lake_last``, ISO date), when the run recorded
    it: a period ending after it is incomplete, and the pages and reports say so."""
    try:
        return dt.date.fromisoformat(str(meta["lake_last"])[:10])
    except (KeyError, ValueError):
        return None


def _scoped() -> str:
    """Every cell under each scope it counts for: doctor and unit cells under their own scope, area cells
    under their municipality, their region and the total. A null scope id (no listing or no fixed doctor
    then, or an unknown residence) leaves the cell out of that scope only. The id stays a number
    (``sid_n``: doctor, unit) or a code (``sid_s``: municipality, region, 'all') until after the grouping,
    so millions of cells are not turned into text only to be summed."""
    cols = "indicator, period_type, period_start, age_band, sex, breakdown, breakdown_value, days, num, den"
    return " UNION ALL ".join(
        f"SELECT {cols}, '{scope}' AS scope_type, {n} AS sid_n, {t} AS sid_s FROM long "
        f"WHERE src = '{src}'" + (f" AND {n if n != 'NULL' else t} IS NOT NULL" if scope != "total" else "")
        for scope, src, n, t in (
            ("doctor", "doctor", "doctor_id", "NULL"),
            ("unit", "unit", "unit_id", "NULL"),
            ("municipality", "area", "NULL", "municipality_code"),
            ("region", "area", "NULL", "region_code"),
            ("total", "area", "NULL", "'all'"),
        )
    )


SCOPE_ID = "COALESCE(CAST(sid_n AS VARCHAR), sid_s) AS scope_id"


def _strata() -> tuple[str, str]:
    """GROUPING SETS for the three strata of every scope, and the SQL naming each row's stratum."""
    base = "indicator, period_type, period_start, scope_type, sid_n, sid_s"
    sets = ", ".join(f"({base}{c})" for c in ("", ", age_band", ", sex"))
    names = (
        "CASE WHEN grouping(age_band) = 0 THEN 'age_band' WHEN grouping(sex) = 0 THEN 'sex' ELSE 'all' END "
        "AS stratum_type, COALESCE(age_band, sex, 'all') AS stratum, "
        "(grouping(age_band) = 0 AND age_band IS NULL) OR (grouping(sex) = 0 AND sex IS NULL) AS null_stratum"
    )
    return f"GROUPING SETS ({sets})", names


def _label(col: str) -> str:
    return (
        f"CASE period_type WHEN 'month' THEN strftime({col}, '%Y-%m') WHEN 'quarter' THEN "
        f"strftime({col}, '%Y') || '-Q' || CAST(quarter({col}) AS VARCHAR) ELSE strftime({col}, '%Y') END"
    )


K7 = "indicator, period_type, period_start, scope_type, scope_id, stratum_type, stratum"


def _quantiles() -> list[tuple[str, str, float]]:
    """(share code, quantile code, q) for each quantile indicator: a wait family's quantiles are read from
    the histogram stored under the family's share code."""
    return [
        (f.indicators[0].code, i.code, i.quantile)
        for f in FAMILIES
        for i in f.indicators
        if i.quantile is not None
    ]


def rollup(con: duckdb.DuckDBPyConnection, threshold: int) -> str:
    """Roll the long table of scope cells (see ``compute.to_long``) up to every scope and stratum in temp
    tables on ``con``; return the query that reads the finished rows in the results file's order.

    The wait quantiles need a running count over each result cell's days histogram: every cell gets an
    integer id first, so the window sorts two integers instead of seven text keys."""
    sets, names = _strata()
    con.execute(f"CREATE OR REPLACE TEMP VIEW scoped AS {_scoped()}")
    con.execute(f"""
      CREATE OR REPLACE TEMP VIEW ratio AS
      SELECT * EXCLUDE (null_stratum, sid_n, sid_s), {SCOPE_ID}, num / den AS value
      FROM (
        SELECT indicator, period_type, period_start, scope_type, sid_n, sid_s, {names}, sum(num) AS num,
          sum(den) AS den
        FROM scoped WHERE days IS NULL AND breakdown IS NULL GROUP BY {sets})
      -- a cell that counted nothing (e.g. only contracts still within their 30 days) has no result,
      -- rather than a suppressed one
      WHERE NOT null_stratum AND den > 0""")
    # a breakdown row (a family's further stratum, e.g. A3 per profession) is a stratum as it stands: a
    # plain sum per scope, added to the results after the grouping sets (a statement of its own: beside
    # them in one query the two aggregations held memory at once, and the national roll-up ran out of it)
    breakdowns = f"""
      SELECT {K7}, num, den, num / den AS value FROM (
        SELECT indicator, period_type, period_start, scope_type, {SCOPE_ID}, breakdown AS stratum_type,
          breakdown_value AS stratum, sum(num) AS num, sum(den) AS den
        FROM scoped WHERE breakdown IS NOT NULL AND breakdown_value IS NOT NULL
        GROUP BY indicator, period_type, period_start, scope_type, sid_n, sid_s, breakdown, breakdown_value)
      WHERE den > 0"""
    # the wait histograms (tens of millions of cells nationally) one stratum type per statement: in one
    # GROUPING SETS query the three hash tables are held at once, and the national run ran out of memory
    for n, (stratum_type, col) in enumerate(STRATA_OF_ALL.items()):
        stratum = col or "'all'"
        con.execute(f"""
          {"CREATE OR REPLACE TEMP TABLE hist AS" if n == 0 else "INSERT INTO hist"}
          SELECT indicator, period_type, period_start, scope_type, '{stratum_type}' AS stratum_type,
            {stratum} AS stratum, days, sum(den) AS c, {SCOPE_ID}
          FROM scoped WHERE days IS NOT NULL{f" AND {col} IS NOT NULL" if col else ""}
          GROUP BY indicator, period_type, period_start, scope_type, sid_n, sid_s, {stratum}, days""")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE cell AS SELECT {K7}, row_number() OVER () AS gid, sum(c) AS n "
        f"FROM hist GROUP BY {K7}"
    )
    quants = _quantiles()
    qs = sorted({q for _, _, q in quants})
    qcols = "".join(
        f", CAST(min(days) FILTER (WHERE running >= ceil({q} * n)) AS DOUBLE) AS q{k}"
        for k, q in enumerate(qs)
    )
    con.execute(f"""
      CREATE OR REPLACE TEMP TABLE quant AS
      SELECT gid{qcols} FROM (
        SELECT cell.gid, cell.n, hist.days,
          sum(hist.c) OVER (PARTITION BY cell.gid ORDER BY hist.days
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
        FROM hist JOIN cell USING ({K7}))
      GROUP BY gid""")
    # the histograms are done with (the quantiles are in quant): their memory is the ratios' now
    con.execute("DROP TABLE hist")
    qsel = "".join(
        f" UNION ALL SELECT '{code}', period_type, period_start, scope_type, scope_id, stratum_type, "
        f"stratum, NULL::DOUBLE, n, q{qs.index(q)} FROM quant JOIN cell USING (gid) WHERE indicator = '{base}'"
        for base, code, q in quants
    )
    con.execute(f"""
      CREATE OR REPLACE TEMP TABLE res AS
      SELECT row_number() OVER () AS rid, * FROM (
        SELECT {K7}, num, den, value, den < {threshold} AS sup FROM (SELECT {K7}, num, den, value FROM ratio{qsel})
        UNION ALL SELECT {K7}, num, den, value, den < {threshold} FROM ({breakdowns}))""")
    complementary(con)
    return f"""
    SELECT indicator, period_type, {_label("period_start")} AS period, period_start, scope_type, scope_id,
      stratum_type, stratum,
      CASE WHEN sup THEN NULL ELSE num END AS numerator,
      CASE WHEN sup THEN NULL ELSE den END AS denominator,
      CASE WHEN sup THEN NULL ELSE value END AS value,
      sup AS suppressed
    FROM res
    ORDER BY indicator, period_type, scope_type, scope_id, period_start, stratum_type, stratum
    """


def _grains() -> dict[str, str]:
    """Indicator code -> its family's grain (a quantile indicator's waits add up as its share's do)."""
    return {i.code: f.grain for f in FAMILIES for i in f.indicators}


def _key(*cols: str) -> str:
    """An equation's key: the columns as one typed row value (grouped as they are, not turned into text)."""
    return "row(" + ", ".join(cols) + ")"


def relations() -> list[tuple[str, str]]:
    """Every exact relation between published cells, as (tag, SQL giving ``k``, ``rid``): the rows sharing a
    ``k`` are the terms of one equation (a parent and the children that add up to it, or two cells that are
    equal). Complementary suppression makes sure that no equation has exactly one suppressed term, which
    subtraction would give away. Relations that hold only as an inequality (strata beside a null stratum, a
    region beside residents of unknown municipality, units beside unlisted persons) are taken as equations
    too: that can only suppress more.

    - ``s``: a cell's 'all' and its strata of one type (age bands, sexes, each breakdown);
    - ``t``: the total and the regions (and the municipalities rolled up under no region);
    - ``r``: a region and the municipalities rolled up under it (``munreg``, read from the cells, so any
      codes work, and a municipality found under two regions is a term of both);
    - ``u``, ``d``: the total and the units, the total and the doctors;
    - ``q``, ``y``: event families: a quarter and its months, a year and its quarters;
    - ``Q``, ``Y``: snapshot families: a quarter (a year) equals the last month it holds;
    - ``h``: a wait quantile's count of waits and its share's denominator (the same number), one equation
      per quantile.
    Person families (distinct persons per period) have no exact relation between periods."""
    grains = _grains()
    event = ", ".join(f"'{c}'" for c, g in grains.items() if g == "event") or "''"
    snap = ", ".join(f"'{c}'" for c, g in grains.items() if g == "snapshot") or "''"
    types = ", ".join(f"('{t}')" for t in STRATA if t != "all")
    # (share, quantile): one identity per quantile (a share with two quantiles is two equations, not a sum)
    pairs = ", ".join(f"('{base}', '{code}')" for base, code, _ in _quantiles()) or "('', '')"
    cell = ("indicator", "period_type", "period_start")
    strat = ("stratum_type", "stratum")
    place = ("scope_type", "scope_id")
    out = [
        (
            "s",
            f"SELECT {_key(*cell, *place, 'stratum_type')} AS k, rid, false AS pa FROM res WHERE stratum_type <> 'all' "
            f"UNION ALL SELECT {_key(*cell, *place, 't')}, rid, true FROM res, (VALUES {types}) v(t) "
            "WHERE stratum_type = 'all'",
        ),
        (
            "r",
            f"SELECT {_key(*cell, *strat, 'r')} AS k, rid, false AS pa FROM res JOIN munreg ON scope_id = m "
            f"WHERE scope_type = 'municipality' AND r IS NOT NULL "
            f"UNION ALL SELECT {_key(*cell, *strat, 'scope_id')}, rid, true FROM res WHERE scope_type = 'region'",
        ),
        (
            "t",
            f"SELECT {_key(*cell, *strat)} AS k, rid, scope_type = 'total' AS pa FROM res WHERE scope_type IN ('total', 'region') "
            f"OR (scope_type = 'municipality' AND scope_id IN (SELECT m FROM munreg WHERE r IS NULL))",
        ),
    ]
    for tag, scope in (("u", "unit"), ("d", "doctor")):
        out.append(
            (
                tag,
                f"SELECT {_key(*cell, *strat)} AS k, rid, scope_type = 'total' AS pa FROM res WHERE scope_type IN ('total', '{scope}')",
            )
        )
    rest = (*place, *strat)
    for tag, child, parent in (("q", "month", "quarter"), ("y", "quarter", "year")):
        trunc = f"CAST(date_trunc('{parent}', period_start) AS DATE)"
        out.append(
            (
                tag,
                f"SELECT {_key('indicator', *rest, trunc)} AS k, rid, period_type = '{parent}' AS pa "
                f"FROM res WHERE indicator IN ({event}) AND period_type IN ('{child}', '{parent}')",
            )
        )
    for tag, parent in (("Q", "quarter"), ("Y", "year")):
        trunc = f"CAST(date_trunc('{parent}', period_start) AS DATE)"
        out.append(
            (
                tag,
                f"SELECT {_key('indicator', *rest, 'p')} AS k, rid, false AS pa FROM ("
                f"SELECT *, {trunc} AS p, max(period_start) OVER (PARTITION BY indicator, {', '.join(rest)}, "
                f"{trunc}) AS last FROM res WHERE indicator IN ({snap}) AND period_type = 'month') "
                f"WHERE period_start = last UNION ALL SELECT {_key('indicator', *rest, 'period_start')}, "
                f"rid, true FROM res WHERE indicator IN ({snap}) AND period_type = '{parent}'",
            )
        )
    out.append(
        (
            "h",
            f"SELECT {_key('indicator', 'period_type', 'period_start', *rest)} AS k, rid, false AS pa "
            f"FROM res WHERE indicator IN (SELECT q FROM (VALUES {pairs}) v(s, q)) "
            f"UNION ALL SELECT {_key('q', 'period_type', 'period_start', *rest)}, rid, true "
            f"FROM res JOIN (VALUES {pairs}) v(s, q) ON indicator = s",
        )
    )
    return out


def complementary(con: duckdb.DuckDBPyConnection, max_rounds: int = 1000) -> int:
    """Complementary suppression over every relation (``relations``): while some equation has exactly one
    suppressed term, suppress one published term: one of the latest period of its type first (the running
    month's quarter and year rather than a complete month), then the smallest denominator (ties by scope,
    stratum and period; the indicator only last, so indicators sharing a denominator suppress alike), and
    repeat until no equation has. Returns the rounds taken."""
    con.execute("""
      CREATE OR REPLACE TEMP TABLE munreg AS
      SELECT DISTINCT CAST(municipality_code AS VARCHAR) AS m, CAST(region_code AS VARCHAR) AS r FROM long
      WHERE src = 'area' AND municipality_code IS NOT NULL""")
    con.execute("CREATE OR REPLACE TEMP TABLE mem (eq BIGINT, rid BIGINT)")
    offset = 0
    for _tag, sql in relations():
        # an equation id per distinct key (a number: the rounds join on it), then its terms; an equation
        # of one term, or of children without their parent (no quarter published), says nothing
        con.execute(f"CREATE OR REPLACE TEMP TABLE keyed AS {sql}")
        con.execute(
            f"INSERT INTO mem SELECT {offset} + e.eq, keyed.rid FROM keyed JOIN (SELECT k, row_number() OVER () "
            "AS eq FROM keyed GROUP BY k HAVING count(*) > 1 AND bool_or(pa)) e USING (k)"
        )
        offset = con.execute("SELECT coalesce(max(eq), 0) FROM mem").fetchall()[0][0]
    con.execute("DROP TABLE keyed")
    # the rounds run on arrays (a round is a few passes over the terms; in SQL each round joined every
    # term with the results again): the terms' equation and row, each row's suppression and its rank in
    # the order of choice
    mem = con.execute("SELECT eq::INTEGER AS eq, rid::INTEGER AS rid FROM mem").fetchnumpy()
    con.execute("DROP TABLE mem")
    eq, rid = mem["eq"], mem["rid"]
    # the latest period of each type (the running month, quarter and year) goes first: a small running month
    # then takes its quarter and year along rather than the last complete month, the figure a steering group
    # looks at first; within that, the smallest denominator
    ranked = con.execute(
        "SELECT rid::INTEGER AS rid, sup, row_number() OVER (ORDER BY NOT running, den, scope_type, scope_id, "
        "stratum_type, stratum, period_type, period_start, indicator)::INTEGER AS rank FROM ("
        "SELECT *, period_start = max(period_start) OVER (PARTITION BY period_type) AS running FROM res)"
    ).fetchnumpy()
    size = int(ranked["rid"].max()) + 1 if len(ranked["rid"]) else 1
    sup = np.zeros(size, dtype=bool)
    sup[ranked["rid"]] = ranked["sup"]
    rank = np.zeros(size, dtype=np.int64)
    rank[ranked["rid"]] = ranked["rank"]
    first_sup = sup.copy()
    for n in range(1, max_rounds + 1):
        s = sup[rid]
        single = np.bincount(eq, weights=s) == 1
        cand = single[eq] & ~s
        if not cand.any():
            added = np.flatnonzero(sup & ~first_sup)
            if len(added):
                con.register("added", pa.table({"rid": pa.array(added, pa.int64())}))
                con.execute("UPDATE res SET sup = true WHERE rid IN (SELECT rid FROM added)")
                con.unregister("added")
            return n
        ce, cr = eq[cand], rid[cand]
        order = np.lexsort((rank[cr], ce))  # by equation, then the order of choice
        ce, cr = ce[order], cr[order]
        first = np.ones(len(ce), dtype=bool)
        first[1:] = ce[1:] != ce[:-1]
        sup[cr[first]] = True
    raise RuntimeError("complementary suppression did not settle")


def write_results(
    long: pa.Table | Path,
    out_dir: Path,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    meta: dict[str, object] | None = None,
    memory_limit: str = "8GB",
    threads: int = 2,
) -> Path:
    """Roll up ``long`` (the cells as an Arrow table, or a folder of Parquet files from
    ``compute.compute_cells``) and replace ``out_dir`` with the new results in one rename (readers never
    see a partial result). DuckDB spills to its temp directory past ``memory_limit``."""
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
        if isinstance(long, pa.Table):
            con.register("long", long)
        else:
            files = parquet_list(sorted(Path(long).glob("*.parquet")))
            con.execute(f"CREATE TEMP VIEW long AS SELECT * FROM read_parquet({files})")
        out = tmp / RESULTS_FILE
        con.execute(f"COPY ({rollup(con, threshold)}) TO {sql_str(out)} (FORMAT parquet, COMPRESSION zstd)")
        rows = con.execute(f"SELECT count(*) FROM read_parquet({sql_str(out)})").fetchall()[0][0]
        con.close()
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
