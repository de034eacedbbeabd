"""Compute results for a lake and look values up (shared by the follow-up tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from naravard.followup import engine
from naravard.followup.compute import compute_long
from naravard.followup.results import write_results
from naravard.followup.service import query_results


def run(
    lake_dir: Path, out: Path, *, periods: tuple[str, ...] = ("year",), con: Any = None, threshold: int = 1
) -> Path:
    lake = engine.open_lake(con or engine.connect("duckdb", memory_limit="1GB"), lake_dir)
    return write_results(compute_long(lake, periods), out, threshold=threshold, memory_limit="1GB")


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
