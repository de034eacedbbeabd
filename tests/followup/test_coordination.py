"""Hand-checked lakes for the coordination indicators that tell planned stays from acute ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import D, person, visit
from helpers import run, value

T = dt.datetime


def adm(i: int, pid: int, a: dt.date, d: dt.date, *, planned: bool = False) -> dict[str, object]:
    return {
        "admission_id": i,
        "person_id": pid,
        "unit_id": 901,
        "admit_date": a,
        "utskrivningsklar_date": None,
        "discharge_date": d,
        "planned": planned,
    }


def test_only_acute_episodes_are_readmissions(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(
        persons=[person(1), person(2), person(3)],
        # the lake runs through 2025, so every discharge below has its 30 days of follow-up
        encounters=[visit(1, 1, 11, T(2025, 1, 1, 9)), visit(2, 1, 11, T(2025, 12, 31, 9))],
        admissions=[
            # person 1: acute 1-5 Mar; planned 10-12 Mar; acute 20-25 Mar.
            #   index 5 Mar: the next episode (planned, 10 Mar) is no readmission, but the acute one on
            #   20 Mar (15 days) is -> readmitted; index 12 Mar: acute on 20 Mar (8 days) -> readmitted;
            #   index 25 Mar: nothing after -> not
            adm(1, 1, D(2025, 3, 1), D(2025, 3, 5)),
            adm(2, 1, D(2025, 3, 10), D(2025, 3, 12), planned=True),
            adm(3, 1, D(2025, 3, 20), D(2025, 3, 25)),
            # person 2: acute 1-5 June, then only a planned stay 20-22 June -> neither index is readmitted
            adm(4, 2, D(2025, 6, 1), D(2025, 6, 5)),
            adm(5, 2, D(2025, 6, 20), D(2025, 6, 22), planned=True),
            # person 3: acute 1-20 Aug; a planned stay from 1 Sept transferred on 4 Sept to an acute one
            #   (admitted on the discharge day: one episode, 1-8 Sept, opened by the planned stay) -> the
            #   episode began planned and is no readmission of 20 Aug; index 8 Sept: nothing after -> not
            adm(6, 3, D(2025, 8, 1), D(2025, 8, 20)),
            adm(7, 3, D(2025, 9, 1), D(2025, 9, 4), planned=True),
            adm(8, 3, D(2025, 9, 4), D(2025, 9, 8)),
        ],
    )
    res = run(lake, tmp_path / "res")
    # index episodes: 5 Mar (yes), 12 Mar (yes), 25 Mar, 5 June, 22 June, 20 Aug, 8 Sept -> 2/7
    # (counting every next episode, planned or not, would give 5 Mar, 12 Mar, 5 June, 20 Aug: 4/7)
    r = value(res, "K_READM30")
    assert (r["numerator"], r["denominator"]) == (2, 7)


def test_mobile_team_counts_acute_admissions_only(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(
        persons=[person(1)],
        encounters=[visit(1, 1, 11, T(2025, 1, 1, 9)), visit(2, 1, 11, T(2025, 12, 31, 9))],
        mobile_team_visits=[
            {"visit_id": 1, "person_id": 1, "team_id": 5, "visit_date": D(2025, 2, 1), "planned": True}
        ],
        admissions=[
            adm(1, 1, D(2025, 1, 10), D(2025, 1, 12)),  # acute, but before the team's first visit
            adm(2, 1, D(2025, 2, 10), D(2025, 2, 14)),  # acute, after it: counts
            adm(3, 1, D(2025, 3, 20), D(2025, 3, 22), planned=True),  # planned: not what the team avoids
        ],
    )
    res = run(lake, tmp_path / "res")
    r = value(res, "K_MT_ADM")
    assert (r["numerator"], r["denominator"]) == (1, 1)


def test_import_requires_the_planned_column(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from naravard.followup.cli import import_csv

    csv = tmp_path / "adm.csv"
    csv.write_text(
        "admission_id,person_id,unit_id,admit_date,utskrivningsklar_date,discharge_date\n"
        "1,7,901,2025-01-01,,2025-01-04\n"
    )
    app = typer.Typer()
    app.command()(import_csv)
    r = CliRunner().invoke(app, ["admissions", str(csv), "--lake", str(tmp_path / "lake")])
    assert r.exit_code == 1 and "planned" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "lake" / "admissions").exists() or not any(
        (tmp_path / "lake" / "admissions").iterdir()
    )
