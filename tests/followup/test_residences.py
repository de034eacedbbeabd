"""Residence history: a person who moved within the county is counted in the municipality where they lived
on each row's date; the lake refuses residences that overlap or come before birth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import D, person, visit
from typer.testing import CliRunner

from naravard.errors import Invalid
from naravard.followup.lake.validation import validate_lake

T = dt.datetime
TODAY = D(2026, 11, 23)


def res(pid: int, mun: str, frm: dt.date, to: dt.date | None) -> dict[str, object]:
    return {
        "person_id": pid,
        "region_code": mun[:2],
        "municipality_code": mun,
        "valid_from": frm,
        "valid_to": to,
    }


def test_overlapping_residences_are_refused(make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(
        persons=[person(1)],
        encounters=[visit(1, 1, 11, T(2025, 1, 1, 9))],
        residences=[res(1, "2181", D(2020, 1, 1), D(2025, 3, 1)), res(1, "2180", D(2025, 3, 1), None)],
    )
    with pytest.raises(
        Invalid,
        match=r"residences/part-0.parquet: column 'valid_from' overlaps an earlier period of the same person "
        r"in rows 2$",
    ):
        validate_lake(lake, today=TODAY)


def test_residence_before_birth_is_refused(make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(
        persons=[person(1, born=D(1990, 5, 1))],
        encounters=[visit(1, 1, 11, T(2025, 1, 1, 9))],
        residences=[res(1, "2181", D(1989, 1, 1), None)],
    )
    with pytest.raises(Invalid, match=r"column 'valid_from' is before the person's birth_date in rows 1$"):
        validate_lake(lake, today=TODAY)


def test_import_refuses_a_residence_overlapping_the_lake(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import typer

    from naravard.followup.cli import import_csv

    lake = make_lake(persons=[person(1)], residences=[res(1, "2181", D(2020, 1, 1), None)])
    csv = tmp_path / "res.csv"
    csv.write_text(
        "person_id,region_code,municipality_code,valid_from,valid_to\n"
        "1,21,2180,2025-03-01,\n"
        "2,21,2180,2025-03-01,2025-02-01\n"
    )
    app = typer.Typer()
    app.command()(import_csv)
    r = CliRunner().invoke(app, ["residences", str(csv), "--lake", str(lake)])
    assert r.exit_code == 1
    assert ":2: column 'valid_to' overlaps a later period of the same person (the lake)" not in r.output
    assert ":2: column 'valid_from' overlaps an earlier period of the same person (the lake)" in r.output
    assert ":3: column 'valid_to' is before 'valid_from'" in r.output


def test_area_is_where_the_person_lived_on_the_date(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from helpers import run

    from naravard.followup.service import query_results

    def assessment(i: int, pid: int, day: dt.date) -> dict[str, object]:
        return {
            "assessment_id": i,
            "person_id": pid,
            "unit_id": 1,
            "contact_date": day,
            "assessment_date": day,
            "profession": "LK",
            "mode": "physical",
            "patient_chosen": False,
        }

    # person 1 lived in Sandviken (2181) and moved to Gävle (2180) on 1 July 2025; persons.municipality_code
    # is the present one. Person 2 lived in Hofors (2104) until 31 March, abroad (no residence) until 31
    # May, then in Ockelbo (2101): the gap counts in Hofors. Person 3 never moved (no residences): Gävle.
    lake = make_lake(
        persons=[person(1, mun="2180"), person(2, mun="2101"), person(3, mun="2180")],
        residences=[
            res(1, "2181", D(2020, 1, 1), D(2025, 6, 30)),
            res(1, "2180", D(2025, 7, 1), None),
            res(2, "2104", D(2020, 1, 1), D(2025, 3, 31)),
            res(2, "2101", D(2025, 6, 1), None),
        ],
        listings=[
            {"person_id": p, "unit_id": 1, "valid_from": D(2020, 1, 1), "valid_to": None} for p in (1, 2, 3)
        ],
        encounters=[visit(1, 3, 11, T(2025, 1, 1, 9)), visit(2, 3, 11, T(2025, 12, 31, 9))],
        medical_assessments=[
            assessment(1, 1, D(2025, 3, 10)),  # in Sandviken
            assessment(2, 1, D(2025, 9, 10)),  # in Gävle
            assessment(3, 2, D(2025, 4, 15)),  # abroad: counts in Hofors, the residence before the gap
            assessment(4, 2, D(2025, 6, 15)),  # in Ockelbo
        ],
    )
    res_dir = run(lake, tmp_path / "res", periods=("month", "year"))

    def muns(code: str, period_type: str, period: str) -> dict[str, float]:
        rows = query_results(res_dir, code, period_type, "municipality", period_from=period, period_to=period)
        return {str(r["scope_id"]): r["denominator"] for r in rows}

    assert muns("A3", "month", "2025-03") == {"2181": 1}
    assert muns("A3", "month", "2025-09") == {"2180": 1}
    assert muns("A3", "month", "2025-04") == {"2104": 1}
    assert muns("A3", "month", "2025-06") == {"2101": 1}
    assert muns("A3", "year", "2025") == {"2181": 1, "2180": 1, "2104": 1, "2101": 1}
    # the listed population (C_FLK's denominator) on each month's last day
    assert muns("C_FLK", "month", "2025-06") == {"2181": 1, "2180": 1, "2101": 1}
    assert muns("C_FLK", "month", "2025-07") == {"2180": 2, "2101": 1}
    assert muns("C_FLK", "month", "2025-04") == {"2181": 1, "2180": 1, "2104": 1}
    # a year takes its last month's snapshot
    assert muns("C_FLK", "year", "2025") == {"2180": 2, "2101": 1}
    # the region and the total count everyone whatever the moves
    total = query_results(res_dir, "C_FLK", "month", "total", period_from="2025-06", period_to="2025-06")
    assert [r["denominator"] for r in total] == [3]
