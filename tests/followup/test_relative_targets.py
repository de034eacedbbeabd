"""Relative targets where they meet the results (``service.query_results``, ``dashboard_series``, the
reports): the effective target worked out by hand from a results file written by hand, the baseline cell of
the row's own indicator, scope and stratum in the baseline's period type, no target without a baseline value,
and one extra query per call however many rows."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from naravard.followup import service
from naravard.followup.demo import demo_baseline
from naravard.followup.pages import charts
from naravard.followup.reports import report
from naravard.followup.results.scopes import Names
from naravard.followup.results.storage import META_FILE, RESULT_COLUMNS, RESULTS_FILE
from naravard.followup.results.targets import Target

# (indicator, period_type, period, scope_type, scope_id, stratum_type, stratum, numerator, denominator);
# value = numerator / denominator, and a denominator of None is a suppressed cell
CELLS = [
    # the total's continuity index to doctors: 0.50 in 2024, so +20 % asks for 0.60
    ("C_COC", "year", "2024", "total", "all", "all", "all", 50.0, 100.0),
    ("C_COC", "year", "2025", "total", "all", "all", "all", 62.0, 100.0),
    ("C_COC", "quarter", "2025-Q1", "total", "all", "all", "all", 55.0, 100.0),
    ("C_COC", "month", "2025-01", "total", "all", "all", "all", 61.0, 100.0),
    ("C_COC", "month", "2025-02", "total", "all", "all", "all", 59.0, 100.0),
    # a month labelled like nothing a year is: a yearly baseline never reads a month's row
    ("C_COC", "month", "2024-01", "total", "all", "all", "all", 10.0, 100.0),
    # women 0.40 and men 0.60 in 2024: each stratum against its own baseline (0.48 and 0.72)
    ("C_COC", "year", "2024", "total", "all", "sex", "F", 40.0, 100.0),
    ("C_COC", "year", "2024", "total", "all", "sex", "M", 60.0, 100.0),
    ("C_COC", "year", "2025", "total", "all", "sex", "F", 50.0, 100.0),
    ("C_COC", "year", "2025", "total", "all", "sex", "M", 70.0, 100.0),
    # units: 0.90 (x 1.2 = 1.08, capped at 1), a suppressed 2024, and none in 2024
    ("C_COC", "year", "2024", "unit", "1011", "all", "all", 90.0, 100.0),
    ("C_COC", "year", "2024", "unit", "1012", "all", "all", None, None),
    ("C_COC", "year", "2025", "unit", "1011", "all", "all", 95.0, 100.0),
    ("C_COC", "year", "2025", "unit", "1012", "all", "all", 60.0, 100.0),
    ("C_COC", "year", "2025", "unit", "1013", "all", "all", 60.0, 100.0),
    # lower is better: 0.50 emergency visits per patient in 2024, -20 % asks for at most 0.40
    ("K_MT_ED", "year", "2024", "total", "all", "all", "all", 500.0, 1000.0),
    ("K_MT_ED", "year", "2025", "total", "all", "all", "all", 450.0, 1000.0),
    # a share: 0.50 in 2024 x 1.2 = 0.60; 70/100 in 2025 meets it, its interval (0.604, 0.781) wholly above
    ("C_FLK", "year", "2024", "total", "all", "all", "all", 50.0, 100.0),
    ("C_FLK", "year", "2025", "total", "all", "all", "all", 70.0, 100.0),
]
MAL2 = Target("C_COC", 1.2, source="ÖK Mål 2", origin="region", baseline="2024")


def _results(root: Path) -> Path:
    cols: dict[str, list[object]] = {c: [] for c in RESULT_COLUMNS}
    for code, pt, period, st, sid, sty, stratum, num, den in CELLS:
        start = dt.date(int(period[:4]), 1, 1)
        if pt == "month":
            start = dt.date(int(period[:4]), int(period[5:]), 1)
        value = num / den if num is not None and den else None
        row = (code, pt, period, start, st, sid, sty, stratum, num, den, value, den is None)
        for c, v in zip(RESULT_COLUMNS, row, strict=True):
            cols[c].append(v)
    root.mkdir()
    pq.write_table(pa.table(cols), root / RESULTS_FILE)
    return root


@pytest.fixture()
def res(tmp_path: Path) -> Path:
    return _results(tmp_path / "r")


def _by(rows: list[dict[str, Any]], *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(r[k] for k in keys): r for r in rows}


def test_the_target_is_the_factor_times_the_baseline(res: Path) -> None:
    rows = _by(service.query_results(res, "C_COC", "year", targets=[MAL2]), "period")
    assert rows[("2025",)]["target"] == pytest.approx(0.60, abs=1e-12)  # 0.50 x 1.2
    assert (rows[("2025",)]["target_baseline"], rows[("2025",)]["target_factor"]) == ("2024", 1.2)
    assert rows[("2025",)]["meets_target"] is True  # 0.62 >= 0.60
    assert rows[("2024",)]["target"] == pytest.approx(0.60) and rows[("2024",)]["meets_target"] is False
    # an index has no interval: nothing to judge beyond chance
    assert rows[("2025",)]["beyond_chance"] is None
    # how far each year has come since the baseline: 0.62 / 0.50 - 1, and none at all in 2024 itself
    assert rows[("2025",)]["change_since_baseline"] == pytest.approx(0.24)
    assert rows[("2024",)]["change_since_baseline"] == 0.0


def test_a_yearly_baseline_serves_months_and_quarters(res: Path) -> None:
    months = _by(service.query_results(res, "C_COC", "month", targets=[MAL2]), "period")
    # the 2024 year's 0.50, not the month 2024-01's 0.10
    assert {p: r["target"] for (p,), r in months.items()} == {
        "2024-01": pytest.approx(0.60),
        "2025-01": pytest.approx(0.60),
        "2025-02": pytest.approx(0.60),
    }
    assert months[("2025-01",)]["meets_target"] is True and months[("2025-02",)]["meets_target"] is False
    (quarter,) = service.query_results(res, "C_COC", "quarter", targets=[MAL2])
    assert quarter["target"] == pytest.approx(0.60) and quarter["meets_target"] is False
    # a monthly baseline reads the month: 0.10 x 1.2
    (row,) = service.query_results(
        res, "C_COC", "year", period_from="2025", targets=[Target("C_COC", 1.2, baseline="2024-01")]
    )
    assert row["target"] == pytest.approx(0.12)


def test_each_stratum_against_its_own_baseline(res: Path) -> None:
    rows = _by(
        service.query_results(res, "C_COC", "year", stratum_type="sex", period_from="2025", targets=[MAL2]),
        "stratum",
    )
    assert rows[("F",)]["target"] == pytest.approx(0.48) and rows[("F",)]["meets_target"] is True
    assert rows[("M",)]["target"] == pytest.approx(0.72) and rows[("M",)]["meets_target"] is False


def test_capped_at_one_and_no_target_without_a_baseline_value(res: Path) -> None:
    rows = _by(
        service.query_results(res, "C_COC", "year", "unit", period_from="2025", targets=[MAL2]), "scope_id"
    )
    assert rows[("1011",)]["target"] == 1.0 and rows[("1011",)]["meets_target"] is False  # not 1.08
    for unit in ("1012", "1013"):  # 2024 suppressed, and no 2024 row at all
        r = rows[(unit,)]
        assert (r["target"], r["meets_target"], r["beyond_chance"]) == (None, None, None), unit
        assert r["change_since_baseline"] is None, unit
        assert (r["target_baseline"], r["target_factor"]) == ("2024", 1.2)  # the rule, without a value


def test_lower_is_better_and_beyond_chance_on_the_effective_value(res: Path) -> None:
    targets = [Target("K_MT_ED", 0.8, baseline="2024"), Target("C_FLK", 1.2, baseline="2024")]
    rows = _by(
        service.query_results(res, ["K_MT_ED", "C_FLK"], "year", period_from="2025", targets=targets),
        "indicator",
    )
    ed = rows[("K_MT_ED",)]
    assert ed["target"] == pytest.approx(0.40) and ed["meets_target"] is False  # 0.45 > 0.40
    # 450 per 1,000: the Poisson interval (0.409, 0.494) lies above 0.40, a miss beyond chance
    assert ed["beyond_chance"] is True
    flk = rows[("C_FLK",)]
    assert flk["target"] == pytest.approx(0.60) and flk["meets_target"] is True
    assert flk["beyond_chance"] is True  # Wilson (0.604, 0.781) is wholly above 0.60


def test_absolute_targets_say_no_rule(res: Path) -> None:
    (row,) = service.query_results(res, "C_FLK", "year", period_from="2025", targets=[Target("C_FLK", 0.55)])
    assert row["change_since_baseline"] is None
    assert (row["target"], row["target_baseline"], row["target_factor"]) == (0.55, None, None)


def test_one_extra_query_per_call(res: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = duckdb.connect

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append("connect")
        return real(*args, **kwargs)

    monkeypatch.setattr(service.duckdb, "connect", counting)
    service.query_results(res, ["C_COC", "K_MT_ED"], "month", targets=[Target("C_COC", 0.6)])
    assert len(calls) == 1  # absolute targets: the results query alone
    calls.clear()
    rows = service.query_results(
        res,
        ["C_COC", "K_MT_ED", "C_FLK"],
        "year",
        "unit",
        targets=[MAL2, Target("C_FLK", 1.2, baseline="2024")],
    )
    assert len(rows) == 5 and len(calls) == 2  # one more for every row's baseline, not one per row


def test_dashboard_series_carry_the_rule(res: Path) -> None:
    series = service.dashboard_series(res, indicators=["C_COC"], period_type="month", targets=[MAL2])
    point = series["C_COC"][-1]
    assert (point["target"], point["target_baseline"], point["target_factor"]) == (
        pytest.approx(0.60),
        "2024",
        1.2,
    )


def test_report_shows_the_effective_value_and_the_rule(res: Path) -> None:
    sections = report.collect(res, ["C_COC"], "year", "total", None, targets=[MAL2], lang="sv")
    assert sections[0]["target_shown"] == "0,60 (+20 % mot 2024)"
    assert "Mål 0,60 (+20 % mot 2024)" in sections[0]["svg"]
    english = report.collect(res, ["C_COC"], "year", "total", None, targets=[MAL2], lang="en")
    assert english[0]["target_shown"] == "0.60 (+20 % vs 2024)"
    data = report.render_report(
        results_dir=res,
        indicators=["C_COC"],
        period="year",
        scope_type="total",
        scope_id=None,
        fmt="xlsx",
        targets=[MAL2],
    )
    ws = load_workbook(io.BytesIO(data))["C_COC"]
    assert ws["C2"].value == pytest.approx(0.60) and ws["D2"].value == "+20 % mot 2024"


def test_report_comparison_and_a_scope_without_a_baseline(res: Path) -> None:
    names = Names(unit_municipality={"1011": "2180", "1012": "2180", "1013": "2180"})
    sections = report.collect(
        res,
        ["C_COC"],
        "year",
        "total",
        None,
        period_from="2025",
        targets=[MAL2],
        compare="unit",
        names=names,
    )
    rows = {r["scope_id"]: r["target_shown"] for r in sections[0]["compare"]["rows"]}
    assert rows == {
        "1011": "1,00 (+20 % mot 2024)",
        "1012": "– (+20 % mot 2024)",
        "1013": "– (+20 % mot 2024)",
    }
    assert sections[0]["compare"]["rules"] == ["+20 % mot 2024"]
    # a unit's own report whose baseline is suppressed: no value, but the rule, never the factor as a target
    (unit,) = report.collect(res, ["C_COC"], "year", "unit", "1012", targets=[MAL2])
    assert unit["target"] is None and unit["target_shown"] == "– (+20 % mot 2024)"


def test_demo_baseline_is_the_lake_s_first_year(tmp_path: Path) -> None:
    # before the results are made: the year the demo lake will start at (DEMO_YEARS = 3 ending yesterday)
    assert demo_baseline(tmp_path, dt.date(2026, 11, 23)) == "2024"
    (tmp_path / META_FILE).write_text(json.dumps({"lake_first": "2023-01-02"}), encoding="utf-8")
    assert demo_baseline(tmp_path, dt.date(2026, 11, 23)) == "2023"  # results made in an earlier year


def _point(period: str, stratum: str, value: float, target: float | None, rule: bool) -> dict[str, Any]:
    return {
        "period": period,
        "stratum": stratum,
        "value": value,
        "numerator": value * 100,
        "denominator": 100.0,
        "suppressed": False,
        "target": target,
        "target_baseline": "2024" if rule else None,
        "target_factor": 1.2 if rule else None,
        "meets_target": None if target is None else value >= target,
    }


def test_chart_target_lines_follow_the_effective_value() -> None:
    def names(points: list[dict[str, Any]]) -> list[str]:
        html = charts.trend_chart("C_COC", points, lambda s: s, "en", "sex")
        return [n for n in re.findall(r'"name":"([^"]+)"', unescape(html)) if n.startswith("Target")]

    # one target for every stratum (an absolute one): one line
    same = [_point(p, s, 0.5, 0.55, False) for p in ("2024", "2025") for s in ("F", "M")]
    assert names(same) == ["Target"]
    # a relative target: each stratum against its own baseline, a line each, named with the rule
    own = [_point(p, "F", 0.5, 0.48, True) for p in ("2024", "2025")] + [
        _point(p, "M", 0.7, 0.72, True) for p in ("2024", "2025")
    ]
    assert names(own) == ["Target (+20 % vs 2024): Women", "Target (+20 % vs 2024): Men"]
    assert names([_point("2025", "all", 0.62, 0.6, True)]) == ["Target (+20 % vs 2024)"]
    assert names([_point("2025", "all", 0.62, None, True)]) == []  # no baseline value: no line
