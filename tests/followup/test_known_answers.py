"""Hand-checked lakes: every expected value is worked out in the comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import D, person, visit
from helpers import run, value

T = dt.datetime


@pytest.fixture
def continuity_lake(make_lake):  # type: ignore[no-untyped-def]
    persons = [
        person(1),
        person(2),
        person(3, sex="M", born=D(2000, 1, 1)),
        person(4),
        person(5, out=D(2025, 3, 15)),
    ]
    listings = [
        {
            "person_id": p,
            "unit_id": 1,
            "valid_from": D(2020, 1, 1),
            "valid_to": D(2025, 3, 15) if p == 5 else None,
        }
        for p in range(1, 6)
    ]
    fixed = [
        {
            "person_id": 1,
            "practitioner_id": 11,
            "profession": "LK",
            "kind": "doctor",
            "valid_from": D(2020, 1, 1),
            "valid_to": None,
            "informed_date": D(2020, 2, 1),
        },
        {
            "person_id": 4,
            "practitioner_id": 12,
            "profession": "LK",
            "kind": "doctor",
            "valid_from": D(2025, 6, 1),
            "valid_to": None,
            "informed_date": None,
        },
    ]
    enc = [
        # A (1): d11, d11, d12
        visit(1, 1, 11, T(2025, 1, 10, 9)),
        visit(2, 1, 11, T(2025, 2, 10, 9)),
        visit(3, 1, 12, T(2025, 3, 10, 9)),
        visit(4, 1, 501, T(2025, 3, 11, 9), prof="DSK"),  # a nurse visit: not a doctor visit
        # B (2): one visit only -> below the minimum of two visits
        visit(5, 2, 11, T(2025, 4, 1, 9)),
        # C (3): the same doctor twice on one day counts once, then again on another day -> N = 2
        visit(6, 3, 11, T(2025, 5, 5, 9)),
        visit(7, 3, 11, T(2025, 5, 5, 11)),
        visit(8, 3, 11, T(2025, 6, 1, 9)),
        # D (4): two doctors on one day (ordered by start time), then d12 again: d11, d12, d12
        visit(9, 4, 12, T(2025, 7, 1, 10)),
        visit(10, 4, 11, T(2025, 7, 1, 9)),
        visit(11, 4, 12, T(2025, 7, 2, 9)),
        # E (5): leaves the region on 15 March after two visits with different doctors
        visit(12, 5, 11, T(2025, 1, 20, 9)),
        visit(13, 5, 12, T(2025, 2, 20, 9)),
    ]
    return make_lake(persons=persons, listings=listings, fixed_contacts=fixed, encounters=enc)


def test_continuity_indices_by_hand(continuity_lake: Path, tmp_path: Path) -> None:
    res = run(continuity_lake, tmp_path / "res")
    # UPC = max n_i / N: A 2/3, C 2/2, D 2/3, E 1/2; B excluded (N = 1). Mean = (2/3 + 1 + 2/3 + 1/2) / 4
    upc = value(res, "C_UPC")
    assert upc["denominator"] == 4
    assert upc["value"] == pytest.approx((2 / 3 + 1 + 2 / 3 + 0.5) / 4)
    # COC = (sum n_i^2 - N) / (N (N - 1)): A (4+1-3)/6 = 1/3, C (4-2)/2 = 1, D 1/3, E (1+1-2)/2 = 0
    assert value(res, "C_COC")["value"] == pytest.approx((1 / 3 + 1 + 1 / 3 + 0) / 4)
    # Herfindahl = sum (n_i/N)^2: A 5/9, C 1, D 5/9, E 1/2
    assert value(res, "C_HHI")["value"] == pytest.approx((5 / 9 + 1 + 5 / 9 + 0.5) / 4)
    # MMCI = (1 - M/(N+0.1)) / (1 - 1/(N+0.1)): A and D (M=2, N=3), C (M=1) = 1, E (M=2, N=2)
    mm = lambda m, n: (1 - m / (n + 0.1)) / (1 - 1 / (n + 0.1))  # noqa: E731
    assert value(res, "C_MMCI")["value"] == pytest.approx((mm(2, 3) + 1 + mm(2, 3) + mm(2, 2)) / 4)
    # SECON: A (d11,d11,d12) 1/2; C 1/1; D (d11 09:00, d12 10:00, d12) 1/2; E 0/1
    assert value(res, "C_SECON")["value"] == pytest.approx((0.5 + 1 + 0.5 + 0) / 4)


def test_continuity_scopes_and_strata(continuity_lake: Path, tmp_path: Path) -> None:
    res = run(continuity_lake, tmp_path / "res")
    # doctor scope = the patient's fixed doctor on the last visit day: only A (d11) and D (d12, from June)
    assert value(res, "C_UPC", scope_type="doctor", scope_id="11")["value"] == pytest.approx(2 / 3)
    assert value(res, "C_UPC", scope_type="doctor", scope_id="12")["value"] == pytest.approx(2 / 3)
    # E, who left in March, is still attributed to unit 1 (listing valid on the last visit)
    assert value(res, "C_UPC", scope_type="unit", scope_id="1")["denominator"] == 4
    # only C is a man (age 25 -> band 18-64)
    assert value(res, "C_UPC", stratum_type="sex", stratum="M")["value"] == pytest.approx(1.0)
    assert value(res, "C_UPC", stratum_type="age_band", stratum="18-64")["denominator"] == 1
    # per month no patient has two visit days with doctors except C? no: C has 5 May and 1 June -> none
    months = [
        r
        for r in __import__("naravard.followup.service", fromlist=["x"]).query_results(
            run(continuity_lake, tmp_path / "m", periods=("month",)), "C_UPC", "month"
        )
    ]
    assert [(r["period"], r["denominator"]) for r in months] == [("2025-07", 1.0)]  # D: 1 and 2 July


def test_fixed_doctor_and_own_doctor(continuity_lake: Path, tmp_path: Path) -> None:
    res = run(continuity_lake, tmp_path / "res")
    # snapshot on the lake's last day (2 July 2025): A-D listed (E left), A and D have a fixed doctor
    flk = value(res, "C_FLK")
    assert (flk["numerator"], flk["denominator"]) == (2, 4)
    assert flk["target"] == 0.55 and flk["meets_target"] is False
    assert value(res, "C_FLK_INF")["value"] == pytest.approx(0.25)  # only A was informed
    # doctor visits while having a fixed doctor: A 3 (2 with d11), D 3 from June (2 with d12) -> 4/6
    own = value(res, "C_OWNDR")
    assert (own["numerator"], own["denominator"]) == (4, 6)


def test_vardgaranti_three_days(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def a(i: int, start: dt.date, end: dt.date | None, chosen: bool = False) -> dict[str, object]:
        return {
            "assessment_id": i,
            "person_id": 1,
            "unit_id": 1,
            "contact_date": start,
            "assessment_date": end,
            "profession": "LK",
            "mode": "physical",
            "patient_chosen": chosen,
        }

    lake = make_lake(
        persons=[person(1)],
        encounters=[visit(1, 1, 11, T(2025, 3, 1, 9)), visit(2, 1, 11, T(2025, 3, 31, 9))],
        medical_assessments=[
            a(1, D(2025, 3, 5), D(2025, 3, 8)),  # 5 -> 8 March = 3 days: within (contact day = day 0)
            a(2, D(2025, 3, 5), D(2025, 3, 9)),  # 4 days: not within
            a(3, D(2025, 3, 6), D(2025, 3, 6)),  # same day: 0 days
            a(4, D(2025, 3, 1), D(2025, 3, 30), chosen=True),  # patient-chosen wait: excluded
            # never assessed, limit passed on the lake's last day (31 March): not within, and a wait of at
            # least 31 - 7 + 1 = 25 days for the quantiles
            a(5, D(2025, 3, 7), None),
            # not assessed yet, 29 March + 3 days > 31 March: still open, left out
            a(6, D(2025, 3, 29), None),
            a(7, D(2025, 3, 28), D(2025, 3, 31)),  # met on its third day, the lake's last: within
        ],
    )
    res = run(lake, tmp_path / "res", periods=("month",))
    share = value(res, "A3", "month")
    assert (share["numerator"], share["denominator"]) == (3, 5)
    # waits 0, 3, 3, 4, >=25: nearest rank median = rank ceil(2.5) = 3 -> 3 days; P90 = rank ceil(4.5) = 5
    # -> 25 days (the unmet request's lower bound)
    p50, p90 = value(res, "A3_P50", "month"), value(res, "A3_P90", "month")
    assert (p50["value"], p50["denominator"]) == (3, 5)
    assert (p90["value"], p90["denominator"]) == (25, 5)
    assert p90["meets_target"] is False  # target 3 days


def test_unmet_waits_decide_the_quantiles(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Eight of ten contacts never assessed: the 90th percentile must not look met (it did when unmet waits
    were left out of the histogram)."""
    rows = [
        {
            "assessment_id": i,
            "person_id": 1,
            "unit_id": 1,
            "contact_date": D(2025, 3, 1),
            "assessment_date": D(2025, 3, 1) if i < 2 else None,
            "profession": "LK",
            "mode": "physical",
            "patient_chosen": False,
        }
        for i in range(10)
    ]
    lake = make_lake(
        persons=[person(1)],
        encounters=[visit(1, 1, 11, T(2025, 3, 1, 9)), visit(2, 1, 11, T(2025, 3, 31, 9))],
        medical_assessments=rows,
    )
    res = run(lake, tmp_path / "res", periods=("month",))
    assert value(res, "A3", "month")["value"] == 0.2
    # 2 waits of 0 days, 8 of at least 31 days (1 -> 31 March plus one): median rank 5 -> 31 days
    assert value(res, "A3_P50", "month")["value"] == 31
    assert value(res, "A3_P90", "month")["meets_target"] is False


def test_vardgaranti_ninety_days_still_waiting(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The snapshot of those still waiting on each month's last day (lake: 1 January - 31 March 2025)."""

    def r(i: int, pid: int, start: dt.date, end: dt.date | None, chosen: bool = False) -> dict[str, object]:
        return {
            "referral_id": i,
            "person_id": pid,
            "unit_id": 901,
            "referral_date": start,
            "first_visit_date": end,
            "patient_chosen": chosen,
        }

    lake = make_lake(
        persons=[person(1), person(2, sex="M"), person(3)],
        encounters=[visit(1, 1, 11, T(2025, 1, 1, 9)), visit(2, 1, 11, T(2025, 3, 31, 9))],
        referrals=[
            r(1, 1, D(2024, 12, 1), D(2025, 2, 10)),  # waiting on 31 Jan (61 days), seen before 28 Feb
            r(2, 2, D(2024, 10, 15), None),  # waiting at every month end: 108, 136, 167 days
            r(3, 3, D(2025, 1, 31), D(2025, 1, 31)),  # seen on the day it was referred: never waiting
            r(4, 3, D(2024, 9, 1), None, chosen=True),  # patient-chosen wait: excluded
            r(5, 3, D(2025, 3, 15), None),  # waiting on 31 March: 16 days
            r(6, 1, D(2025, 4, 2), None),  # referred after the lake's last day: not counted
        ],
        treatments=[
            {
                "decision_id": 1,
                "person_id": 1,
                "unit_id": 901,
                "decision_date": D(2024, 11, 1),
                "treatment_date": D(2025, 3, 31),  # treated on the snapshot day: no longer waiting
                "patient_chosen": False,
            }
        ],
    )
    res = run(lake, tmp_path / "res", periods=("month", "quarter"))
    got = {
        m: (value(res, "A90VW", "month", **{"period_from": m, "period_to": m}))
        for m in ("2025-01", "2025-02", "2025-03")
    }
    # January: referrals 1 (61 days, within) and 2 (108 days) -> 1/2; February: only 2 -> 0/1;
    # March: 2 (167 days) and 5 (16 days) -> 1/2
    assert [(g["numerator"], g["denominator"]) for g in got.values()] == [(1, 2), (0, 1), (1, 2)]
    # the quarter is its last month's snapshot
    q = value(res, "A90VW", "quarter")
    assert (q["numerator"], q["denominator"]) == (1, 2)
    # January waits 61 and 108: nearest-rank median = rank ceil(1.0) = 1 -> 61; P90 = rank ceil(1.8) = 2
    assert value(res, "A90VW_P50", "month", period_from="2025-01", period_to="2025-01")["value"] == 61
    assert value(res, "A90VW_P90", "month", period_from="2025-01", period_to="2025-01")["value"] == 108
    assert value(res, "A90VW", "quarter", scope_type="unit", scope_id="901")["denominator"] == 2
    assert value(res, "A90VW", "quarter", stratum_type="sex", stratum="M")["numerator"] == 0
    # the treatment decided 1 November: waiting on 31 January (91 days: over) and 28 February (119 days);
    # treated on 31 March, so not waiting then
    jan = value(res, "A90TW", "month", period_from="2025-01", period_to="2025-01")
    assert (jan["numerator"], jan["denominator"]) == (0, 1)
    assert service_rows(res, "A90TW", "2025-03") == []


def service_rows(res: Path, code: str, month: str) -> list[dict[str, object]]:
    from naravard.followup.service import query_results

    return query_results(res, code, "month", period_from=month, period_to=month)


def test_discharge_and_readmission(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def adm(i: int, pid: int, a: dt.date, u: dt.date | None, d: dt.date) -> dict[str, object]:
        return {
            "admission_id": i,
            "person_id": pid,
            "unit_id": 901 if i != 5 else 902,
            "admit_date": a,
            "utskrivningsklar_date": u,
            "discharge_date": d,
            "planned": False,
        }

    lake = make_lake(
        persons=[person(1), person(2), person(3, out=D(2025, 5, 20))],
        encounters=[visit(1, 1, 11, T(2025, 1, 1, 9)), visit(2, 1, 11, T(2025, 7, 2, 9))],
        admissions=[
            adm(1, 1, D(2025, 1, 1), D(2025, 1, 5), D(2025, 1, 8)),  # ready 5 Jan, discharged 8 Jan: 3 days
            adm(2, 1, D(2025, 1, 20), None, D(2025, 1, 25)),  # readmitted 12 days after adm 1's episode
            # admitted on adm 2's discharge day: a transfer, so adm 2 and 3 are one episode ending 1 Feb
            adm(3, 1, D(2025, 1, 25), None, D(2025, 2, 1)),
            # person 2: 1-10 March, transferred 10-15 March (one episode ending 15 March), readmitted on
            # 14 April: 30 days after the episode (35 after the first stay, which is no index of its own)
            adm(4, 2, D(2025, 3, 1), None, D(2025, 3, 10)),
            adm(5, 2, D(2025, 3, 10), None, D(2025, 3, 15)),
            adm(6, 2, D(2025, 4, 14), None, D(2025, 4, 20)),
            # person 3 dies on 20 May, 10 days after a discharge: incomplete follow-up, left out
            adm(7, 3, D(2025, 5, 1), None, D(2025, 5, 10)),
        ],
    )
    res = run(lake, tmp_path / "res")
    # index episodes: 1 Jan-8 Jan (readmitted), 20 Jan-1 Feb (no), 1-15 Mar (readmitted after 30 days),
    # 14-20 Apr (no) -> 2/4; the 1-10 May stay is left out
    re = value(res, "K_READM30")
    assert (re["numerator"], re["denominator"]) == (2, 4)
    # the transferred episode is the unit of its last stay's (902), not of the stay transferred from
    from naravard.followup.service import query_results

    units = {
        r["scope_id"]: (r["numerator"], r["denominator"])
        for r in query_results(res, "K_READM30", "year", "unit")
    }
    assert units == {"901": (1, 3), "902": (1, 1)}
    assert value(res, "K_UKL")["value"] == 3  # only adm 1 has an utskrivningsklar date


def test_small_cells_are_suppressed(continuity_lake: Path, tmp_path: Path) -> None:
    res = run(continuity_lake, tmp_path / "res", threshold=5)
    upc = value(res, "C_UPC")  # 4 patients < 5
    assert upc["suppressed"] is True and upc["value"] is None and upc["numerator"] is None


def test_mobile_team_counts_events_from_the_first_team_visit(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def ed(i: int, pid: int, d: dt.date) -> dict[str, object]:
        return {"visit_id": i, "person_id": pid, "unit_id": 901, "visit_date": d, "admitted": False}

    def mt(i: int, pid: int, d: dt.date) -> dict[str, object]:
        return {"visit_id": i, "person_id": pid, "team_id": 5, "visit_date": d, "planned": True}

    lake = make_lake(
        persons=[person(1), person(2), person(3)],
        encounters=[visit(1, 1, 11, T(2025, 1, 1, 9)), visit(2, 1, 11, T(2025, 12, 31, 9))],
        # person 1: emergency visits in January-March (why the team was called in) and on 15 December,
        # the team's first visit on 1 December; person 2: team visits in June, no emergency visit;
        # person 3 has an emergency visit but never the team
        emergency_visits=[
            ed(1, 1, D(2025, 1, 10)),
            ed(2, 1, D(2025, 2, 10)),
            ed(3, 1, D(2025, 3, 10)),
            ed(4, 1, D(2025, 12, 15)),
            ed(5, 3, D(2025, 6, 1)),
        ],
        mobile_team_visits=[mt(1, 1, D(2025, 12, 1)), mt(2, 2, D(2025, 6, 3)), mt(3, 2, D(2025, 6, 20))],
        admissions=[
            {
                "admission_id": 1,
                "person_id": 2,
                "unit_id": 901,
                "admit_date": D(2025, 6, 10),  # after person 2's first team visit: counts
                "utskrivningsklar_date": None,
                "discharge_date": D(2025, 6, 12),
                "planned": False,
            }
        ],
    )
    res = run(lake, tmp_path / "res", periods=("quarter", "year"))
    # year: persons 1 and 2; only person 1's December visit is after the first team visit -> 1/2
    y = value(res, "K_MT_ED")
    assert (y["numerator"], y["denominator"]) == (1, 2)
    # the fourth quarter has the same visit for person 1 alone: the figure no longer flips with the period
    q4 = value(res, "K_MT_ED", "quarter", period_from="2025-Q4", period_to="2025-Q4")
    assert (q4["numerator"], q4["denominator"]) == (1, 1)
    assert (value(res, "K_MT_ADM")["numerator"], value(res, "K_MT_ADM")["denominator"]) == (1, 2)


def test_persons_who_left_are_no_longer_listed_or_waiting(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A person who left the region on 15 March with a listing and a referral left open (as an extract of
    real registers can have) is neither listed nor waiting at later month ends."""
    lake = make_lake(
        persons=[person(1, out=D(2025, 3, 15)), person(2)],
        encounters=[visit(1, 2, 11, T(2025, 1, 1, 9)), visit(2, 2, 11, T(2025, 6, 30, 9))],
        listings=[
            {"person_id": 1, "unit_id": 1, "valid_from": D(2024, 1, 1), "valid_to": None},
            {"person_id": 2, "unit_id": 1, "valid_from": D(2024, 1, 1), "valid_to": None},
        ],
        referrals=[
            {
                "referral_id": 1,
                "person_id": 1,
                "unit_id": 901,
                "referral_date": D(2025, 2, 1),
                "first_visit_date": None,
                "patient_chosen": False,
            },
        ],
    )
    res = run(lake, tmp_path / "res", periods=("month",))

    def month(code: str, m: str) -> list[dict[str, object]]:
        from naravard.followup.service import query_results

        return query_results(res, code, "month", period_from=m, period_to=m)

    # February: both listed, person 1 waiting (27 days); March on: person 2 only, nobody waiting
    assert month("C_FLK", "2025-02")[0]["denominator"] == 2
    assert [r["denominator"] for r in month("C_FLK", "2025-03")] == [1]
    assert [r["denominator"] for r in month("C_FLK", "2025-06")] == [1]
    assert month("A90VW", "2025-02")[0]["value"] == 1.0
    assert month("A90VW", "2025-03") == [] and month("A90VW", "2025-06") == []


def test_age_bands_of_snapshots_hold_over_a_long_lake(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A lake spanning 26 years (2000-2025): a child born in 2015 is 0-17 in 2025, not put in an adult band
    by the snapshot's shared age cohorts (which assume a lake shorter than an age band is wide)."""
    lake = make_lake(
        persons=[person(1), person(2, born=D(2015, 3, 1))],
        encounters=[visit(1, 1, 11, T(2000, 1, 3, 9)), visit(2, 1, 11, T(2025, 12, 31, 9))],
        listings=[
            {"person_id": 1, "unit_id": 1, "valid_from": D(1999, 1, 1), "valid_to": None},
            {"person_id": 2, "unit_id": 1, "valid_from": D(2015, 6, 1), "valid_to": None},
        ],
    )
    res = run(lake, tmp_path / "res", periods=("year",))
    from naravard.followup.service import query_results

    rows = query_results(res, "C_FLK", "year", stratum_type="age_band", period_from="2025", period_to="2025")
    assert {r["stratum"]: r["denominator"] for r in rows} == {"0-17": 1, "65-79": 1}
    rows = query_results(res, "C_FLK", "year", stratum_type="age_band", period_from="2000", period_to="2000")
    assert {r["stratum"]: r["denominator"] for r in rows} == {"18-64": 1}


def test_contracts_agreed_within_thirty_days(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def c(i: int, created: dt.date, agreed: dt.date | None, goals: int) -> dict[str, object]:
        return {
            "contract_id": i,
            "person_id": 1,
            "unit_id": 1,
            "created_date": created,
            "agreed_date": agreed,
            "closed_date": None,
            "patient_goals": goals,
            "total_goals": 2,
        }

    lake = make_lake(
        persons=[person(1)],
        encounters=[visit(1, 1, 11, T(2025, 1, 1, 9)), visit(2, 1, 11, T(2025, 6, 30, 9))],
        contracts=[
            c(1, D(2025, 1, 1), D(2025, 1, 31), 1),  # agreed on day 30: within
            c(2, D(2025, 2, 1), D(2025, 3, 15), 0),  # agreed after 42 days: not within
            c(3, D(2025, 3, 1), None, 1),  # never agreed
            c(4, D(2025, 6, 20), None, 2),  # created 10 days before the lake's end: not yet followed up
        ],
    )
    res = run(lake, tmp_path / "res")
    agreed, goals = value(res, "P_AGREED"), value(res, "P_GOALS")
    assert (agreed["numerator"], agreed["denominator"]) == (1, 3)
    assert (goals["numerator"], goals["denominator"]) == (3, 4)  # every contract created counts for goals


def test_continuity_over_all_professions(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(
        persons=[person(1), person(2)],
        encounters=[
            # person 1: doctor 11 on 3 and 20 March, nurse 21 on 5 and 20 March (twice that day: one visit)
            visit(1, 1, 11, T(2025, 3, 3, 9)),
            visit(2, 1, 21, T(2025, 3, 5, 9), prof="DSK"),
            visit(3, 1, 11, T(2025, 3, 20, 9)),
            visit(4, 1, 21, T(2025, 3, 20, 10), prof="DSK"),
            visit(5, 1, 21, T(2025, 3, 20, 14), prof="DSK"),
            # person 2: one visit, below the two-visit minimum
            visit(6, 2, 21, T(2025, 3, 7, 9), prof="DSK"),
        ],
    )
    res = run(lake, tmp_path / "res")
    # person 1: N = 4 (2 with 11, 2 with 21), sum n_i^2 = 8 -> (8 - 4) / (4 * 3) = 1/3; the doctor-only COC
    # has N = 2, both with 11 -> 1
    coc_all = value(res, "C_COC_ALL")
    assert (coc_all["denominator"], round(coc_all["value"], 9)) == (1, round(1 / 3, 9))
    assert value(res, "C_COC")["value"] == 1.0
    # attributed as the doctor indices are: here to the patient's municipality of residence
    assert value(res, "C_COC_ALL", scope_type="municipality", scope_id="2180")["denominator"] == 1
