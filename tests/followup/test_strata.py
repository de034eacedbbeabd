"""A3 broken down as the national waiting-time database reports it (profession, mode, ownership): a
hand-checked lake, the strata's names, and the refusal of a breakdown an indicator does not offer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import D, person, visit
from helpers import run, value

from naravard.errors import Invalid
from naravard.followup.indicators.strata import INDICATOR_BREAKDOWNS, offers, stratum_name
from naravard.followup.service import known_strata, list_indicators, query_results

T = dt.datetime


def _a(
    i: int, pid: int, unit: int, start: dt.date, end: dt.date | None, prof: str | None, mode: str | None
) -> dict[str, object]:
    return {
        "assessment_id": i,
        "person_id": pid,
        "unit_id": unit,
        "contact_date": start,
        "assessment_date": end,
        "profession": prof,
        "mode": mode,
        "patient_chosen": False,
    }


@pytest.fixture
def breakdown_results(make_lake, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    # person 1 lives in 2180 and is assessed at unit 1 (public); person 2 lives in 2181, unit 2 (private)
    lake = make_lake(
        persons=[person(1), person(2, sex="M", mun="2181")],
        encounters=[visit(1, 1, 11, T(2025, 3, 1, 9)), visit(2, 1, 11, T(2025, 3, 31, 9))],
        medical_assessments=[
            _a(1, 1, 1, D(2025, 3, 5), D(2025, 3, 8), "LK", "physical"),  # 3 days: within
            _a(2, 1, 1, D(2025, 3, 5), D(2025, 3, 9), "LK", "phone"),  # 4 days: not within
            _a(3, 1, 1, D(2025, 3, 6), D(2025, 3, 6), "DSK", "phone"),  # 0 days: within
            _a(4, 1, 1, D(2025, 3, 10), D(2025, 3, 11), None, "physical"),  # 1 day, no profession recorded
            _a(5, 2, 2, D(2025, 3, 12), D(2025, 3, 20), "DSK", "video"),  # 8 days: not within
            _a(6, 2, 2, D(2025, 3, 12), D(2025, 3, 13), "LK", None),  # 1 day, no mode recorded
            _a(7, 2, 2, D(2025, 3, 14), D(2025, 3, 14), "LK", "home"),  # 0 days: within
            # never assessed, its 3 days passed by the lake's last day (31 March): not within
            _a(8, 2, 2, D(2025, 3, 20), None, "SSK", "phone"),
        ],
    )
    return run(lake, tmp_path / "res", periods=("month", "year"))


def _nd(results: Path, scope_type: str, scope_id: str | None, stratum_type: str, stratum: str) -> tuple:
    one = {"stratum": stratum} if stratum_type != "all" else {}
    r = value(results, "A3", "year", scope_type, scope_id, stratum_type=stratum_type, **one)
    return r["numerator"], r["denominator"]


def test_a3_by_profession_mode_and_ownership_by_hand(breakdown_results: Path) -> None:
    res = breakdown_results
    # all: 8 waits, within 3 days: 1, 3, 4, 6, 7 -> 5/8 (the unrecorded profession and mode count here)
    assert _nd(res, "total", None, "all", "all") == (5, 8)
    # profession: LK = 1, 2, 6, 7 -> 3/4; DSK = 3, 5 -> 1/2; SSK = 8 -> 0/1; wait 4 has none: in no
    # profession row, so the professions sum to 7, not 8
    by_prof = {r["stratum"]: (r["numerator"], r["denominator"]) for r in _rows(res, "profession")}
    assert by_prof == {"LK": (3, 4), "DSK": (1, 2), "SSK": (0, 1)}
    # mode: physical = 1, 4 -> 2/2; phone = 2, 3, 8 -> 1/3; video = 5 -> 0/1; home = 7 -> 1/1; wait 6 none
    by_mode = {r["stratum"]: (r["numerator"], r["denominator"]) for r in _rows(res, "mode")}
    assert by_mode == {"physical": (2, 2), "phone": (1, 3), "video": (0, 1), "home": (1, 1)}
    # ownership of the assessing unit: public (unit 1) = 1-4 -> 3/4; private (unit 2) = 5-8 -> 2/4
    by_own = {r["stratum"]: (r["numerator"], r["denominator"]) for r in _rows(res, "ownership")}
    assert by_own == {"public": (3, 4), "private": (2, 4)}
    # every scope: unit 2 by profession (5 DSK 0/1; 6, 7 LK 2/2; 8 SSK 0/1), municipality 2181 (person 2)
    assert _nd(res, "unit", "2", "profession", "LK") == (2, 2)
    assert _nd(res, "unit", "2", "ownership", "private") == (2, 4)
    assert _nd(res, "municipality", "2181", "mode", "phone") == (0, 1)
    assert _nd(res, "region", "21", "profession", "DSK") == (1, 2)
    # a unit is one ownership only: unit 1 has no private row
    assert [r["stratum"] for r in _rows(res, "ownership", "unit", "1")] == ["public"]
    # the month holds the same waits as the year (a quarter or year is the sum of its months)
    m = value(res, "A3", "month", stratum_type="profession", stratum="LK", period_from="2025-03")
    assert (m["period"], m["numerator"], m["denominator"]) == ("2025-03", 3, 4)
    # sex is unchanged beside the breakdowns: women (person 1) 3/4, men (person 2) 2/4
    assert _nd(res, "total", None, "sex", "M") == (2, 4)


def _rows(res: Path, stratum_type: str, scope_type: str = "total", scope_id: str | None = None) -> list:
    return query_results(res, "A3", "year", scope_type, scope_id, stratum_type=stratum_type, targets=[])


def test_only_the_share_is_broken_down(breakdown_results: Path) -> None:
    """The quantiles and the other indicators offer no breakdown: asking is a clear refusal, not no rows;
    an unknown profession names the known ones."""
    res = breakdown_results
    assert INDICATOR_BREAKDOWNS == {"A3": ("profession", "mode", "ownership")}
    assert offers("A3", "profession") and offers("C_FLK", "sex") and not offers("A3_P50", "mode")
    with pytest.raises(Invalid, match="A3_P50 is not broken down by profession; only A3"):
        query_results(res, ["A3", "A3_P50"], "year", stratum_type="profession")
    with pytest.raises(Invalid, match="C_FLK is not broken down by ownership"):
        query_results(res, "C_FLK", "year", stratum_type="ownership", stratum="public")
    with pytest.raises(Invalid, match=r"unknown profession 'XX'; choose from DSK, LK, SSK"):
        query_results(res, "A3", "year", stratum_type="profession", stratum="XX")
    with pytest.raises(Invalid, match="unknown stratum type 'yrke'"):
        query_results(res, "A3", "year", stratum_type="yrke")
    assert known_strata(res, "ownership") == ["private", "public"]
    types = {i["code"]: i["stratum_types"] for i in list_indicators()}
    assert types["A3"] == ["all", "age_band", "sex", "profession", "mode", "ownership"]
    assert types["A3_P90"] == types["C_FLK"] == ["all", "age_band", "sex"]


def test_strata_read_as_words() -> None:
    assert stratum_name("profession", "LK", "sv") == "Läkare"
    assert stratum_name("profession", "DSK", "en") == "District nurse"
    assert stratum_name("mode", "physical", "sv") == "Mottagningsbesök"
    assert stratum_name("ownership", "private", "en") == "Private"
    assert stratum_name("age_band", "65-79", "sv") == "65-79 år"
    assert stratum_name("profession", "NEW", "sv") == "NEW"  # a code we have no name for, as it is
