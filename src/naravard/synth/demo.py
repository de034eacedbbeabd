"""The demo's event lake and its results, made once per data folder: ``naravard demo`` calls
:func:`ensure_demo_results` after the demo region, so the follow-up dashboards have something to show on
first start.

The orchestration lives here, not in the read side: the generator feeds the follow-up (a lake in its format,
then ``followup.demo.write_demo_results`` over it), and `naravard.followup` never imports `naravard.synth`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from naravard.followup.demo import DEMO_YEARS, has_results, write_demo_results
from naravard.synth.lake import generate_lake

if TYPE_CHECKING:
    from naravard.config import Settings


def ensure_demo_results(settings: Settings, *, persons: int, seed: int, today: dt.date | None = None) -> None:
    """Unless ``settings.effective_results_dir`` already holds results: generate a lake of ``persons`` into
    ``effective_lake_dir`` and compute every indicator with DuckDB into ``effective_results_dir``
    (``followup.demo.write_demo_results``). Existing results are never replaced. A few seconds for 3,000
    persons."""
    if has_results(settings.effective_results_dir):
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
    write_demo_results(settings, persons=persons, seed=seed)
