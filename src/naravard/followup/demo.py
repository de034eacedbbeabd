"""Demo data for the follow-up pages: a small synthetic lake and its results, made once per data folder.

``naravard demo`` calls :func:`ensure_demo_results` so the dashboards have something to show on first start.
Existing results are never replaced: a user who ran ``naravard followup run`` keeps theirs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from naravard.followup import engine
from naravard.followup.compute import compute_long
from naravard.followup.results import RESULTS_FILE, write_results
from naravard.synth.lake import generate_lake

if TYPE_CHECKING:
    from naravard.config import Settings

DEMO_YEARS = 3  # two full years and the current one (the generator cuts at yesterday)
DEMO_PERIODS = ("month", "quarter", "year")
DEMO_MEMORY_LIMIT = "2GB"  # the demo is small; no need for the engine's default budget


def has_results(results_dir: Path) -> bool:
    return (Path(results_dir) / RESULTS_FILE).is_file()


def ensure_demo_results(settings: Settings, *, persons: int, seed: int, today: dt.date | None = None) -> None:
    """Unless ``settings.effective_results_dir`` already holds results: generate a lake of ``persons`` into
    ``effective_lake_dir`` and compute every indicator with DuckDB into ``effective_results_dir``, suppressing
    cells below ``small_cell_threshold``. A few seconds for 3,000 persons."""
    results_dir = settings.effective_results_dir
    if has_results(results_dir):
        return
    today = today or dt.date.today()
    lake_dir = settings.effective_lake_dir
    lake_dir.mkdir(parents=True, exist_ok=True)
    # one worker: a process pool costs more than it saves at demo size
    generate_lake(
        persons=persons,
        years=DEMO_YEARS,
        out=lake_dir,
        seed=seed,
        start_year=today.year - DEMO_YEARS + 1,
        workers=1,
        today=today,
    )
    con = engine.connect("duckdb", memory_limit=DEMO_MEMORY_LIMIT)
    lake = engine.open_lake(con, lake_dir)
    long = compute_long(lake, DEMO_PERIODS)
    write_results(
        long,
        results_dir,
        threshold=settings.small_cell_threshold,
        memory_limit=DEMO_MEMORY_LIMIT,
        meta={
            "engine": "duckdb",
            "lake": str(Path(lake_dir).resolve()),
            "lake_first": lake.first.isoformat(),
            "lake_last": lake.last.isoformat(),  # the pages mark periods ending after it as incomplete
            "periods": list(DEMO_PERIODS),
            "demo": {"persons": persons, "seed": seed},
        },
    )
