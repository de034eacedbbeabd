"""An action's indicator figures are marked against the targets in effect, including the region's own
targets stored by the follow-up (``followup.service.targets_for``), on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from naravard.followup import service as followup_service
from naravard.followup.models import FollowupTarget
from naravard.governance import service
from tests.integration.followup.targets_env import write_results


def test_the_regions_own_target_stands_beside_the_action(db: Session, tmp_path: Path) -> None:
    results = write_results(
        tmp_path / "results",
        {"2024": [("C_OWNDR", "total", "all", 0.40)], "2025": [("C_OWNDR", "total", "all", 0.50)]},
    )
    before = service.indicator_figures(db, ["C_OWNDR"], results_dir=results, targets_file=None)["C_OWNDR"]
    assert before.latest == 0.5 and before.trend == "up" and before.target is None
    db.add(FollowupTarget(indicator="C_OWNDR", value=0.6, source="HSN 2026-03-12 § 4", changed_by="analyst"))
    db.add(FollowupTarget(indicator="C_UPC", value=0.9, source="HSN 2026-03-12 § 5", changed_by="analyst"))
    db.flush()
    assert [t.indicator for t in followup_service.targets_for(db, ["C_OWNDR"])] == ["C_OWNDR"]
    assert {t.origin for t in followup_service.targets_for(db, ["C_OWNDR", "C_FLK"])} == {
        "region",
        "national",
    }
    fig = service.indicator_figures(db, ["C_OWNDR"], results_dir=results, targets_file=None)["C_OWNDR"]
    assert fig.target == 0.6 and fig.meets_target is False and fig.series == [0.4, 0.5]
