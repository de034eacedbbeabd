"""Bad lakes and bad CSV rows are refused with file, column and rows named; nothing partial is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import D, person, visit
from typer.testing import CliRunner

from naravard.errors import Invalid
from naravard.followup.cli import app, import_csv
from naravard.followup.lake import validate_lake

T = dt.datetime
TODAY = D(2026, 11, 23)


def _base() -> dict[str, list[dict[str, object]]]:
    return {"persons": [person(1)], "encounters": [visit(1, 1, 11, T(2025, 1, 1, 9))]}


def test_good_lake_passes(make_lake) -> None:  # type: ignore[no-untyped-def]
    validate_lake(make_lake(**_base()), today=TODAY)


def test_missing_column_is_named(make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(**_base())
    f = lake / "encounters" / "part-0.parquet"
    pq.write_table(pq.read_table(f).drop(["mode"]), f)
    with pytest.raises(Invalid, match=r"encounters/part-0.parquet: column 'mode' is missing"):
        validate_lake(lake, today=TODAY)


def test_wrong_type_is_named(make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(**_base())
    f = lake / "persons" / "part-0.parquet"
    t = pq.read_table(f)
    pq.write_table(t.set_column(0, "person_id", pa.array(["x"])), f)
    with pytest.raises(Invalid, match=r"persons/part-0.parquet: column 'person_id' has type string"):
        validate_lake(lake, today=TODAY)


def test_discharge_before_admission_names_rows(make_lake) -> None:  # type: ignore[no-untyped-def]
    adm = [
        {
            "admission_id": i,
            "person_id": 1,
            "unit_id": 901,
            "admit_date": D(2025, 1, 10),
            "utskrivningsklar_date": None,
            "discharge_date": D(2025, 1, 12 if i != 2 else 5),
        }
        for i in range(1, 4)
    ]
    lake = make_lake(**_base(), admissions=adm)
    with pytest.raises(
        Invalid,
        match=r"admissions/part-0.parquet: column 'discharge_date' is before "
        r"'admit_date' in rows 2$",
    ):
        validate_lake(lake, today=TODAY)


def test_future_dates_are_refused(make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(
        persons=[person(1)], encounters=[visit(1, 1, 11, T(2025, 1, 1, 9)), visit(2, 1, 11, T(2027, 1, 1, 9))]
    )
    with pytest.raises(Invalid, match=r"column 'start' has dates after today .* in rows 2"):
        validate_lake(lake, today=TODAY)


def test_overlapping_fixed_doctors_are_refused(make_lake) -> None:  # type: ignore[no-untyped-def]
    fc = [
        {
            "person_id": 1,
            "practitioner_id": d,
            "profession": "LK",
            "kind": "doctor",
            "valid_from": D(2024, 1, 1 + d),
            "valid_to": None,
            "informed_date": None,
        }
        for d in (1, 2)
    ]
    with pytest.raises(Invalid, match="overlaps"):
        validate_lake(make_lake(**_base(), fixed_contacts=fc), today=TODAY)


def test_run_refuses_bad_lake_and_keeps_old_results(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    adm = [
        {
            "admission_id": 1,
            "person_id": 1,
            "unit_id": 901,
            "admit_date": D(2025, 1, 10),
            "utskrivningsklar_date": None,
            "discharge_date": D(2025, 1, 5),
        }
    ]
    lake = make_lake(**_base(), admissions=adm)
    out = tmp_path / "results"
    out.mkdir()
    (out / "marker").write_text("old")
    r = CliRunner().invoke(app, ["run", "--lake", str(lake), "--out", str(out), "--threshold", "5"])
    assert r.exit_code == 1
    assert "discharge_date" in r.output and "rows 1" in r.output
    assert sorted(p.name for p in out.iterdir()) == ["marker"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".results")]


def test_import_csv_reports_bad_rows(tmp_path: Path) -> None:
    import typer

    csv = tmp_path / "adm.csv"
    csv.write_text(
        "admission_id,person_id,unit_id,admit_date,utskrivningsklar_date,discharge_date\n"
        "1,7,901,2025-01-01,,2025-01-04\n"
        "2,7,901,2025-02-10,,2025-02-01\n"
        "3,x,901,2025-03-01,,\n"
        "4,7,901,2030-01-01,,\n"
    )
    lake = tmp_path / "lake"
    app2 = typer.Typer()
    app2.command()(import_csv)
    r = CliRunner().invoke(app2, ["admissions", str(csv), "--lake", str(lake)])
    assert r.exit_code == 1
    assert ":3: column 'discharge_date' is before admit_date" in r.output
    assert ":4: column 'person_id' cannot be read as int" in r.output
    assert ":5: column 'admit_date' is in the future" in r.output
    assert not list((lake / "admissions").glob("*.parquet")) if (lake / "admissions").exists() else True
    r = CliRunner().invoke(app2, ["admissions", str(csv), "--lake", str(lake), "--skip-bad"])
    assert r.exit_code == 0, r.output
    assert pq.read_table(lake / "admissions").num_rows == 1
