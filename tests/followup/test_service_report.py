"""Results are read with filters and targets; reports come out as PDF and Excel."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run

from naravard.errors import Invalid, NotFound
from naravard.followup import service
from naravard.followup.report import write_report


@pytest.fixture(scope="module")
def results(generated_lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(generated_lake, tmp_path_factory.mktemp("res") / "r", periods=("month", "year"), threshold=5)


def test_list_indicators_is_documented() -> None:
    inds = service.list_indicators()
    assert len(inds) >= 25
    assert all(i["name_sv"] and i["name_en"] and i["definition"] and i["source"] for i in inds)
    doc = (Path(__file__).parents[2] / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert all(f"`{i['code']}`" in doc for i in inds)


def test_indicator_page_is_generated_from_the_registry() -> None:
    """docs/indicators.md lists exactly what the code defines; rewrite it with
    ``python -m naravard.followup.docs docs/indicators.md``."""
    from naravard.followup.docs import indicators_markdown

    doc = (Path(__file__).parents[2] / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert indicators_markdown() in doc


def test_query_and_dashboard(results: Path) -> None:
    rows = service.query_results(results, "C_FLK", "year", "municipality")
    assert {r["scope_id"] for r in rows} >= {"2180", "2181"}
    assert all(r["target"] == 0.55 for r in rows)
    s = service.dashboard_series(results, indicators=["C_FLK", "A3"], period_type="month")
    assert len(s["C_FLK"]) == 24 and len(s["A3"]) == 24
    with pytest.raises(Invalid):
        service.query_results(results, "NOPE")
    with pytest.raises(NotFound):
        service.query_results(results.parent / "missing", "C_FLK")


def test_reports(results: Path, tmp_path: Path) -> None:
    for fmt in ("pdf", "xlsx"):
        out = write_report(
            results_dir=results,
            indicators=["C_FLK", "C_COC", "A3_P90"],
            period="month",
            scope_type="municipality",
            scope_id="2180",
            fmt=fmt,
            out=tmp_path / f"r.{fmt}",
        )
        head = out.read_bytes()[:4]
        assert head == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
