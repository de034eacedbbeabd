"""Issue 19, follow-up that does not mislead a steering group, as rules without a database: the headline is the
last complete period (an incomplete one is shown apart and not judged), a stale headline says how old it is,
and a period without data keeps its place on the chart's time axis and in its table."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from naravard.followup.indicators.periods import axis, is_complete, label_of, last_complete, steps
from naravard.followup.pages import charts
from naravard.followup.pages.charts import figure_of
from naravard.followup.pages.dashboard import age_words
from naravard.followup.results.headline import headline, time_axis
from naravard.web.i18n import translate

D = dt.date


def sv(text: str) -> str:
    return translate(text, "sv")


def en(text: str) -> str:
    return text


def pt(period: str, value: float | None, *, suppressed: bool = False, **kw: Any) -> dict[str, Any]:
    """A series point as ``service.dashboard_series`` gives it (a share of 100, target 55 %)."""
    return {
        "period": period,
        "stratum": "all",
        "value": None if suppressed else value,
        "numerator": None if suppressed or value is None else value * 100,
        "denominator": None if suppressed else 100.0,
        "suppressed": suppressed,
        "target": 0.55,
        "target_baseline": None,
        "target_factor": None,
        "change_since_baseline": None,
        "meets_target": None if suppressed or value is None else value >= 0.55,
        "beyond_chance": None,
        "ci_low": None,
        "ci_high": None,
        **kw,
    }


# --- periods --------------------------------------------------------------------------------------------


def test_a_period_is_complete_once_the_lake_reaches_its_last_day() -> None:
    assert not is_complete("2026-12", D(2026, 12, 3)) and is_complete("2026-11", D(2026, 12, 3))
    assert is_complete("2026-11", D(2026, 11, 30)) and not is_complete("2026-Q4", D(2026, 11, 30))
    assert is_complete("2026", None)  # results without the lake's last day: as before, every period
    assert last_complete("month", D(2026, 12, 3)) == "2026-11"
    assert last_complete("month", D(2026, 11, 30)) == "2026-11"
    assert last_complete("quarter", D(2026, 12, 3)) == "2026-Q3"
    assert last_complete("quarter", D(2026, 12, 31)) == "2026-Q4"
    assert last_complete("year", D(2026, 12, 3)) == "2025"
    assert label_of("quarter", D(2026, 11, 23)) == "2026-Q4"


def test_the_time_axis_keeps_every_period() -> None:
    assert axis("month", "2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert axis("quarter", "2025-Q4", "2026-Q2") == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert steps("month", "2026-08", "2026-11") == 3 and steps("year", "2024", "2026") == 2
    # a series with a hole, reaching up to the lake's last period
    assert time_axis(["2026-06", "2026-08"], "month", "2026-10") == [
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
    ]
    assert time_axis(["a", "b"], "month") == ["a", "b"]  # not period labels: kept as they are


# --- the headline ---------------------------------------------------------------------------------------


def test_the_headline_is_the_last_complete_period_not_an_incomplete_one() -> None:
    """Region A3 read 100,0 % for three days of December while its history was ~80 %: December is not the
    headline, November is; December is handed over apart, to be shown marked."""
    series = [pt("2026-09", 0.81), pt("2026-10", 0.79), pt("2026-11", 0.80), pt("2026-12", 1.0)]
    h = headline(series, "month", D(2026, 12, 3))
    assert h.point is series[2] and h.partial is series[3]
    assert (h.latest, h.behind, h.stale) == ("2026-11", 0, False)
    # the lake ends on the last day of December: December is complete and the headline
    h = headline(series, "month", D(2026, 12, 31))
    assert h.point is series[3] and h.partial is None
    # without the lake's last day (older results) every period counts as complete
    assert headline(series, "month", None).point is series[3]


def test_a_stale_headline_says_how_many_periods_old_it_is() -> None:
    series = [pt("2026-07", 0.6), pt("2026-08", 0.62), pt("2026-09", None, suppressed=True)]
    h = headline(series, "month", D(2026, 12, 3))  # October and November have no row at all
    assert h.point is series[1] and (h.latest, h.behind, h.stale) == ("2026-11", 3, True)
    assert age_words(3, "month", sv) == "3 månader" and age_words(1, "month", sv) == "1 månad"
    assert age_words(2, "quarter", sv) == "2 kvartal" and age_words(1, "year", en) == "1 year"
    assert age_words(2, "year", en) == "2 years"
    # the incomplete period's value never makes a headline current
    h = headline(
        [pt("2026-10", 0.6), pt("2026-11", None, suppressed=True), pt("2026-12", 0.9)],
        "month",
        D(2026, 12, 3),
    )
    assert h.point is not None and h.point["period"] == "2026-10" and h.behind == 1


def test_no_complete_period_with_a_value() -> None:
    h = headline([pt("2026-12", 1.0)], "month", D(2026, 12, 3))
    assert h.point is None and h.partial is not None and not h.stale


# --- the chart and its table ----------------------------------------------------------------------------


def _traces(html: str) -> list[dict[str, Any]]:
    traces: list[dict[str, Any]] = figure_of(html, "chart-C_FLK")["data"]
    return traces


def test_a_month_without_data_is_a_gap_on_the_line_and_a_row_in_the_table() -> None:
    series = [
        pt("2026-07", 0.5),
        pt("2026-08", 0.52),
        pt("2026-10", 0.54),
        pt("2026-11", 0.56),
        pt("2026-12", 1.0),
    ]
    periods = time_axis([p["period"] for p in series], "month", "2026-12")
    html = charts.trend_chart("C_FLK", series, sv, "sv", "all", periods=periods, partial="2026-12")
    line, partial, target = _traces(html)
    # September keeps its place: the line breaks there instead of joining August and October
    assert line["x"] == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
    assert line["y"] == [0.5, 0.52, None, 0.54, 0.56, None] and line.get("connectgaps") in (None, False)
    # the incomplete month apart: a grey ring named for it, not coloured by the target
    assert partial["name"] == "Ofullständig period" and partial["x"] == ["2026-12"] and partial["y"] == [1.0]
    assert partial["mode"] == "markers" and partial["marker"]["color"] == charts.NEUTRAL
    # the target is a level: its line runs on over the gap
    assert target["connectgaps"] is True and target["y"][2] is None

    note = "Ofullständig period (t.o.m. 3 dec 2026)"
    table = charts.trend_table(
        "C_FLK", series, sv, "sv", "all", periods=periods, partial="2026-12", partial_note=note
    )
    rows = {r["period"]: r for r in table["rows"]}
    assert list(rows) == periods
    assert rows["2026-09"]["value"] == "saknas" and rows["2026-09"]["missing"] and not rows["2026-09"]["miss"]
    assert rows["2026-12"]["value"] == "100,0 %" and rows["2026-12"]["meets"] == note
    assert rows["2026-12"]["partial"] and not rows["2026-12"]["miss"]
    assert rows["2026-11"]["meets"] == "Målet nås" and rows["2026-07"]["miss"]


def test_every_stratum_keeps_the_axis() -> None:
    series = [
        {**pt("2026-07", 0.5), "stratum": "F"},
        {**pt("2026-07", 0.4), "stratum": "M"},
        {**pt("2026-09", 0.6), "stratum": "F"},
    ]
    periods = time_axis([p["period"] for p in series], "month")
    traces = _traces(charts.trend_chart("C_FLK", series, sv, "sv", "sex", periods=periods))
    women, men = traces[0], traces[1]
    assert women["x"] == men["x"] == ["2026-07", "2026-08", "2026-09"]
    assert women["y"] == [0.5, None, 0.6] and men["y"] == [0.4, None, None]
    table = charts.trend_table("C_FLK", series, sv, "sv", "sex", periods=periods)
    assert [(r["period"], r["stratum"], r["value"]) for r in table["rows"]] == [
        ("2026-07", "Kvinnor", "50,0 %"),
        ("2026-07", "Män", "40,0 %"),
        ("2026-08", "Kvinnor", "saknas"),
        ("2026-08", "Män", "saknas"),
        ("2026-09", "Kvinnor", "60,0 %"),
        ("2026-09", "Män", "saknas"),
    ]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_new_words_have_swedish_and_english(lang: str) -> None:
    t = sv if lang == "sv" else en
    text = t(
        "latest reported value; later periods not reported: %(age)s older than the latest complete period (%(period)s)"
    ) % {"age": age_words(3, "month", t), "period": "2026-11"}
    want = {
        "sv": "senaste redovisade värde; senare perioder ej redovisade: 3 månader äldre än den senaste hela perioden (2026-11)",
        "en": "latest reported value; later periods not reported: 3 months older than the latest complete period (2026-11)",
    }
    assert text == want[lang]
    assert re.fullmatch(r"[^%]+", t("not judged against the target until the period has ended"))
