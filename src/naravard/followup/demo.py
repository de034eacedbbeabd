"""The follow-up's part of the demo: the results of the demo lake, and the region's own targets.

``naravard demo`` calls ``naravard.synth.demo.ensure_demo_results``, which generates the demo lake (the
generator lives in `naravard.synth`, which the read side never imports) and then asks
:func:`write_demo_results` here for every indicator's results, so the dashboards have something to show on
first start. Existing results are never replaced: a user who ran ``naravard followup run`` keeps theirs. A new
demo region also gets the region's own targets of ÖK Mål 2 (:func:`add_demo_targets`), so a relative target
is seen at work.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from naravard.actor import system_actor
from naravard.followup import target_service
from naravard.followup.engine import backends as engine
from naravard.followup.engine.compute import compute_long
from naravard.followup.results.storage import META_FILE, RESULTS_FILE, write_results
from naravard.followup.schemas import TargetIn

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from naravard.config import Settings

DEMO_YEARS = 3  # two full years and the current one (the generator cuts at yesterday)
DEMO_PERIODS = ("month", "quarter", "year")
DEMO_MEMORY_LIMIT = "2GB"  # the demo is small; no need for the engine's default budget
# ÖK God och nära vård 2021-2022 Mål 2 (domain.md 2.2): a 20 % increase of the continuity index to doctors and
# of the index over the patient's contacts with every profession, against the starting point
MAL2_CODES = ("C_COC", "C_COC_ALL")
MAL2_FACTOR = 1.2
MAL2_SOURCE = "ÖK God och nära vård 2021–2022 Mål 2: +20 % mot utgångsläget"


def has_results(results_dir: Path) -> bool:
    return (Path(results_dir) / RESULTS_FILE).is_file()


def write_demo_results(settings: Settings, *, persons: int, seed: int) -> None:
    """Compute every indicator with DuckDB over the lake in ``settings.effective_lake_dir`` into
    ``effective_results_dir``, suppressing cells below ``small_cell_threshold``; the results' meta names the
    demo (``persons``, ``seed``). Replaces results already there: the caller decides whether to make them."""
    lake_dir = settings.effective_lake_dir
    con = engine.connect("duckdb", memory_limit=DEMO_MEMORY_LIMIT)
    lake = engine.open_lake(con, lake_dir)
    long = compute_long(lake, DEMO_PERIODS)
    write_results(
        long,
        settings.effective_results_dir,
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


def demo_baseline(results_dir: Path, today: dt.date | None = None) -> str:
    """The first full year of the demo lake, Mål 2's starting point in the demo: the year of the results'
    first day (meta ``lake_first``; the generator's window starts on 1 January), else, before the results
    are made, the year the demo lake will start at (``naravard.synth.demo``)."""
    try:
        meta = json.loads((Path(results_dir) / META_FILE).read_text(encoding="utf-8"))
        return str(dt.date.fromisoformat(str(meta["lake_first"])[:10]).year)
    except (OSError, ValueError, KeyError, TypeError):
        return str((today or dt.date.today()).year - DEMO_YEARS + 1)


def add_demo_targets(session: Session, *, baseline: str) -> None:
    """ÖK Mål 2 as the demo region's own targets: +20 % of ``C_COC`` and ``C_COC_ALL`` against ``baseline``
    for every scope. Written through ``target_service`` by the demo's system actor, so they are versioned
    and audited like an analyst's, and an analyst can change or delete them on the targets page."""
    actor = system_actor("demo")
    for code in MAL2_CODES:
        data = TargetIn(indicator=code, value=MAL2_FACTOR, baseline=baseline, source=MAL2_SOURCE)
        target_service.create_target(session, actor=actor, data=data)
