"""Compute results for a lake and look values up (shared by the follow-up tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb

from naravard.followup.engine import backends as engine
from naravard.followup.engine.compute import compute_long
from naravard.followup.indicators import INDICATORS
from naravard.followup.results.storage import write_results
from naravard.followup.service import query_results


def run(
    lake_dir: Path, out: Path, *, periods: tuple[str, ...] = ("year",), con: Any = None, threshold: int = 1
) -> Path:
    lake = engine.open_lake(con or engine.connect("duckdb", memory_limit="1GB"), lake_dir)
    return write_results(compute_long(lake, periods), out, threshold=threshold, memory_limit="1GB")


def run_cli(lake_dir: Path, out: Path, *engine_args: str, env: dict[str, str] | None = None) -> Path:
    """``naravard followup run`` (quarters and years, threshold 5) in a process of its own, as a user runs
    it: a process may not hold a classic Spark session beside a Connect one, and a test worker may hold the
    parity test's local session."""
    cmd = [sys.executable, "-c", "from naravard.cli import main; main()", "followup", "run"]
    cmd += ["--lake", str(lake_dir), "--out", str(out), *engine_args, "--periods", "quarter,year"]
    r = subprocess.run([*cmd, "--threshold", "5"], capture_output=True, text=True, timeout=900, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def value(
    results: Path,
    code: str,
    period_type: str = "year",
    scope_type: str = "total",
    scope_id: str | None = None,
    **kw: Any,
) -> dict[str, Any]:
    rows = query_results(results, code, period_type, scope_type, scope_id, **kw)
    assert len(rows) == 1, rows
    return rows[0]


def assert_same_results(d: Path, s: Path) -> None:
    """Two results folders hold the same rows: one assertion per domain and a whole-set check; a failure
    names the indicators that differ. (DuckDB against Spark, classic or Connect.)"""
    keys = "indicator, period_type, period, scope_type, scope_id, stratum_type, stratum"
    per = duckdb.sql(f"""
        SELECT indicator, count(*) AS n, count(a.period) AS na, count(b.period) AS nb,
          coalesce(max(abs(a.value - b.value)), 0) AS dv, coalesce(max(abs(a.numerator - b.numerator)), 0) AS dn,
          coalesce(max(abs(a.denominator - b.denominator)), 0) AS dd,
          sum(CAST(a.suppressed IS DISTINCT FROM b.suppressed AS INT)) AS ds,
          sum(CAST((a.value IS NULL) <> (b.value IS NULL) AS INT)) AS dnull
        FROM '{d}/results.parquet' a FULL JOIN '{s}/results.parquet' b USING ({keys})
        GROUP BY indicator ORDER BY indicator""").fetchall()
    by_code = {r[0]: r[1:] for r in per}
    assert sum(r[0] for r in by_code.values()) > 10_000
    for domain in ("continuity", "accessibility", "participation", "coordination"):
        codes = [c for c, i in INDICATORS.items() if i.domain == domain]
        assert all(c in by_code for c in codes), (domain, sorted(set(codes) - set(by_code)))
        bad = {
            c: by_code[c]
            for c in codes
            if not (
                by_code[c][0] == by_code[c][1] == by_code[c][2]
                and by_code[c][3] < 1e-9
                and by_code[c][4] < 1e-6
                and by_code[c][5] == 0
                and by_code[c][6] == 0
                and by_code[c][7] == 0
            )
        }
        assert not bad, f"{domain}: (rows, duckdb, spark, dvalue, dnum, dden, dsuppressed, dnull) {bad}"


# For Playwright's eval_on_selector_all: each non-empty element's text and how many lines it is laid out on
# (a figure broken as "55,0" over "%" is two)
LINES_JS = """els => els.filter(e => e.textContent.trim()).map(e => {
  const r = document.createRange(); r.selectNodeContents(e);
  return [e.textContent.trim(), new Set([...r.getClientRects()].map(x => Math.round(x.top))).size];
})"""
