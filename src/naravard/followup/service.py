"""Read functions over a results dataset, for dashboards, the API and reports. Keyword-only, no engine:
results are a small Parquet file read with DuckDB and filters pushed down."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import duckdb

from naravard.errors import Invalid, NotFound
from naravard.followup.indicators import INDICATORS, PERIOD_TYPES
from naravard.followup.results import RESULT_COLUMNS, RESULTS_FILE, SCOPES, STRATA
from naravard.followup.targets import Target, load_targets, meets, target_for


def list_indicators() -> list[dict[str, Any]]:
    """Every indicator with its names, definition, numerator, denominator and source."""
    return [asdict(i) for i in INDICATORS.values()]


def _file(results_dir: Path) -> Path:
    f = Path(results_dir) / RESULTS_FILE
    if not f.is_file():
        raise NotFound(f"{results_dir}: no follow-up results; run 'naravard followup run' first")
    return f


def query_results(
    results_dir: Path,
    indicator: str | list[str],
    period_type: str = "year",
    scope_type: str = "total",
    scope_id: str | list[str] | None = None,
    *,
    stratum_type: str = "all",
    stratum: str | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    targets: list[Target] | None = None,
    targets_file: Path | None = None,
) -> list[dict[str, Any]]:
    """Result rows, each with ``target`` and ``meets_target`` (None when no target or suppressed)."""
    codes = [indicator] if isinstance(indicator, str) else list(indicator)
    for c in codes:
        if c not in INDICATORS:
            raise Invalid(f"unknown indicator {c!r}", field="indicator")
    if period_type not in PERIOD_TYPES:
        raise Invalid(f"unknown period type {period_type!r}", field="period_type")
    if scope_type not in SCOPES:
        raise Invalid(f"unknown scope type {scope_type!r}", field="scope_type")
    if stratum_type not in STRATA:
        raise Invalid(f"unknown stratum type {stratum_type!r}", field="stratum_type")
    where = [
        "indicator IN (SELECT unnest($codes))",
        "period_type = $pt",
        "scope_type = $st",
        "stratum_type = $sty",
    ]
    params: dict[str, Any] = {"codes": codes, "pt": period_type, "st": scope_type, "sty": stratum_type}
    if scope_id is not None:
        where.append("scope_id IN (SELECT unnest($ids))")
        params["ids"] = [scope_id] if isinstance(scope_id, str) else list(scope_id)
    if stratum is not None:
        where.append("stratum = $stratum")
        params["stratum"] = stratum
    if period_from:
        where.append("period >= $pfrom")
        params["pfrom"] = period_from
    if period_to:
        where.append("period <= $pto")
        params["pto"] = period_to
    sql = (
        f"SELECT {', '.join(RESULT_COLUMNS)} FROM read_parquet('{_file(results_dir)}') "
        f"WHERE {' AND '.join(where)} ORDER BY indicator, period_start, scope_id, stratum"
    )
    con = duckdb.connect()
    try:
        cur = con.execute(sql, params)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    tg = targets if targets is not None else load_targets(targets_file)
    for r in rows:
        t = target_for(tg, r["indicator"], r["scope_type"], r["scope_id"])
        r["target"] = t.value if t else None
        r["meets_target"] = meets(t, r["value"], INDICATORS[r["indicator"]].higher_is_better) if t else None
    return rows


def dashboard_series(
    results_dir: Path,
    *,
    indicators: list[str],
    period_type: str = "month",
    scope_type: str = "total",
    scope_id: str | None = None,
    targets_file: Path | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The dashboard's query: one time series per indicator for one scope (stratum 'all')."""
    rows = query_results(
        results_dir, indicators, period_type, scope_type, scope_id, targets_file=targets_file
    )
    out: dict[str, list[dict[str, Any]]] = {c: [] for c in indicators}
    for r in rows:
        out[r["indicator"]].append(
            {
                k: r[k]
                for k in (
                    "period",
                    "value",
                    "numerator",
                    "denominator",
                    "suppressed",
                    "target",
                    "meets_target",
                )
            }
        )
    return out
