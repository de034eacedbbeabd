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
from naravard.followup.lake.validation import arrow_schema, validate_lake

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
            "planned": False,
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
            "planned": False,
        }
    ]
    lake = make_lake(**_base(), admissions=adm)
    out = tmp_path / "results"
    out.mkdir()
    (out / "meta.json").write_text("old")  # a previous results folder (naravard's own names only)
    r = CliRunner().invoke(app, ["run", "--lake", str(lake), "--out", str(out), "--threshold", "5"])
    assert r.exit_code == 1
    assert "discharge_date" in r.output and "rows 1" in r.output
    assert sorted(p.name for p in out.iterdir()) == ["meta.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".results")]


def test_import_csv_reports_bad_rows(tmp_path: Path) -> None:
    import typer

    csv = tmp_path / "adm.csv"
    csv.write_text(
        "admission_id,person_id,unit_id,admit_date,utskrivningsklar_date,discharge_date,planned\n"
        "1,7,901,2025-01-01,,2025-01-04,false\n"
        "2,7,901,2025-02-10,,2025-02-01,false\n"
        "3,x,901,2025-03-01,,,false\n"
        "4,7,901,2030-01-01,,,true\n"
    )
    lake = tmp_path / "lake"
    app2 = typer.Typer()
    app2.command()(import_csv)
    r = CliRunner().invoke(app2, ["admissions", str(csv), "--lake", str(lake)])
    assert r.exit_code == 1
    assert ":3: column 'discharge_date' is before 'admit_date'" in r.output
    assert ":4: column 'person_id' cannot be read as int" in r.output
    assert ":5: column 'admit_date' is in the future" in r.output
    assert not list((lake / "admissions").glob("*.parquet")) if (lake / "admissions").exists() else True
    r = CliRunner().invoke(app2, ["admissions", str(csv), "--lake", str(lake), "--skip-bad"])
    assert r.exit_code == 0, r.output
    assert pq.read_table(lake / "admissions").num_rows == 1


# --- review of the CLI and lake (tests/review/cli.md 2, 3, 6, 8, 12) ----------------------------------------


def _adm(i: int) -> dict[str, object]:
    return {
        "admission_id": i,
        "person_id": 1,
        "unit_id": 901,
        "admit_date": D(2025, 1, 10),
        "utskrivningsklar_date": None,
        "discharge_date": D(2025, 1, 12),
        "planned": False,
    }


def test_repeated_ids_across_files_are_refused_naming_both(make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(**_base(), admissions=[_adm(1), _adm(2)])
    f = lake / "admissions" / "part-0.parquet"
    (lake / "admissions" / "part-1.parquet").write_bytes(f.read_bytes())
    with pytest.raises(
        Invalid,
        match=r"admissions/part-1.parquet: column 'admission_id' repeats the id of an earlier row in rows 1, 2 "
        r"\(the first: .*admissions/part-0.parquet row 1\)$",
    ):
        validate_lake(lake, today=TODAY)


def test_repeated_person_and_encounter_ids_are_refused(make_lake) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid, match=r"persons/part-0.parquet: column 'person_id' repeats .* in rows 2 "):
        validate_lake(
            make_lake(persons=[person(1), person(1)], encounters=_base()["encounters"]), today=TODAY
        )
    enc = [visit(7, 1, 11, T(2025, 1, 1, 9)), visit(7, 1, 11, T(2025, 2, 1, 9))]
    with pytest.raises(Invalid, match=r"column 'encounter_id' repeats .* in rows 2 "):
        validate_lake(make_lake(persons=[person(1)], encounters=enc), today=TODAY)


@pytest.mark.parametrize(
    ("tables", "match"),
    [
        # an encounter before the person was born (it moved the lake's first day and the age strata)
        (
            {"encounters": [visit(1, 1, 11, T(1949, 1, 1, 9))]},
            r"column 'start' is before the person's birth_date",
        ),
        (
            {"encounters": [visit(1, 1, 11, T(1899, 12, 31, 9))]},
            r"column 'start' has dates before 1900-01-01",
        ),
        ({"persons": [{**person(1), "in_date": D(1949, 1, 1)}]}, r"column 'in_date' is before the person's"),
        (
            {"listings": [{"person_id": 1, "unit_id": 1, "valid_from": D(1940, 1, 1), "valid_to": None}]},
            r"listings/part-0.parquet: column 'valid_from' is before the person's birth_date in rows 1$",
        ),
        ({"persons": [person(1, sex="X")]}, r"column 'sex' is not one of F, M in rows 1$"),
        (
            {"encounters": [{**visit(1, 1, 11, T(2025, 1, 1, 9)), "mode": "telepathy"}]},
            r"column 'mode' is not one of physical, home, video, phone in rows 1$",
        ),
        (
            {"encounters": [{**visit(1, 1, 11, T(2025, 1, 1, 9)), "profession": " "}]},
            r"column 'profession' is empty in rows 1$",
        ),
        (
            {
                "units": [
                    {
                        "unit_id": 1,
                        "name": "X",
                        "kind": "health_centre",
                        "region_code": "21",
                        "municipality_code": "2180",
                        "private": False,
                    }
                ]
            },
            r"column 'kind' is not one of primary, hospital",
        ),
        (
            {
                "questionnaire_responses": [
                    {
                        "response_id": 1,
                        "person_id": 1,
                        "unit_id": 1,
                        "response_date": D(2025, 1, 1),
                        "item": "continuity",
                        "value": 9,
                    }
                ]
            },
            r"column 'value' is outside 1-5 in rows 1$",
        ),
        (
            {
                "contracts": [
                    {
                        "contract_id": 1,
                        "person_id": 1,
                        "unit_id": 1,
                        "created_date": D(2025, 1, 1),
                        "agreed_date": None,
                        "closed_date": None,
                        "patient_goals": 4,
                        "total_goals": 3,
                    }
                ]
            },
            r"column 'patient_goals' is greater than 'total_goals' in rows 1$",
        ),
    ],
)
def test_impossible_values_are_refused(make_lake, tables, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid, match=match):
        validate_lake(make_lake(**{**_base(), **tables}), today=TODAY)


def test_care_contacts_are_checked_beside_the_doctor_overlap_rule(make_lake) -> None:  # type: ignore[no-untyped-def]
    fc = [
        {
            "person_id": 1,
            "practitioner_id": 5,
            "profession": "DSK",
            "kind": "care_contact",
            "valid_from": D(1800, 1, 1),
            "valid_to": None,
            "informed_date": None,
        }
    ]
    with pytest.raises(Invalid, match=r"fixed_contacts/part-0.parquet: column 'valid_from' has dates before"):
        validate_lake(make_lake(**_base(), fixed_contacts=fc), today=TODAY)


def test_unreadable_parquet_is_named(make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(**_base())
    f = lake / "encounters" / "part-1.parquet"
    f.write_bytes((lake / "encounters" / "part-0.parquet").read_bytes()[:40])
    with pytest.raises(Invalid, match=r"encounters/part-1.parquet: not a readable Parquet file"):
        validate_lake(lake, today=TODAY)


def test_lake_path_with_quote_and_brackets_validates(tmp_path: Path) -> None:
    from conftest import write_lake

    lake = write_lake(tmp_path / "it's [red]lake", **_base())
    validate_lake(lake, today=TODAY)
    with pytest.raises(Invalid, match=r"\[red\]lake/persons"):
        pq.write_table(
            pq.read_table(lake / "persons").set_column(1, "sex", pa.array(["Q"])),
            lake / "persons" / "part-0.parquet",
        )
        validate_lake(lake, today=TODAY)


def test_good_generated_lake_passes(generated_lake: Path) -> None:
    validate_lake(generated_lake, today=D(2026, 11, 23))


def _import(tmp_path: Path, table: str, text: str, lake: Path, *extra: str):  # type: ignore[no-untyped-def]
    import typer

    csv = tmp_path / f"{table}.csv"
    csv.write_text(text)
    app2 = typer.Typer()
    app2.command()(import_csv)
    return CliRunner().invoke(app2, [table, str(csv), "--lake", str(lake), *extra])


ADM = "admission_id,person_id,unit_id,admit_date,utskrivningsklar_date,discharge_date,planned\n"


def test_import_refuses_ids_repeated_in_the_file_or_the_lake(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    r = _import(tmp_path, "admissions", ADM + "1,7,901,2025-01-01,,,false\n", lake)
    assert r.exit_code == 0, r.output
    r = _import(
        tmp_path,
        "admissions",
        ADM + "1,7,901,2025-01-01,,,false\n2,7,901,2025-02-01,,,false\n2,7,901,2025-03-01,,,true\n",
        lake,
    )
    assert r.exit_code == 1
    assert ":2: column 'admission_id' repeats the id of an earlier row (already in the lake)" in r.output
    assert ":4: column 'admission_id' repeats the id of an earlier row (line 3)" in r.output
    assert len(list((lake / "admissions").glob("*.parquet"))) == 1  # nothing written


def test_import_checks_domains_fields_and_time_zones(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    head = "encounter_id,person_id,unit_id,practitioner_id,profession,start,mode,planned\n"
    r = _import(
        tmp_path,
        "encounters",
        head + "1,7,1,11,LK,2025-01-01T07:00:00Z,physical,true\n"
        "2,7,1,11,LK,2025-01-02T09:00:00,telepathy,true\n"
        "3,7,1,11,LK,2025-01-03T09:00:00,phone,true,extra\n"
        "4,7,1,11,LK,2025-07-01T07:00:00+00:00,video,false\n",
        lake,
        "--skip-bad",
    )
    assert r.exit_code == 0, r.output
    assert ":3: column 'mode' is not one of physical, home, video, phone" in r.output
    assert ":4: has more values than the header has columns" in r.output
    got = {x["encounter_id"]: x["start"] for x in pq.read_table(lake / "encounters").to_pylist()}
    assert got == {1: T(2025, 1, 1, 8), 4: T(2025, 7, 1, 9)}  # UTC to Swedish local time (CET, CEST)


def test_import_refuses_overlapping_listings(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    head = "person_id,unit_id,valid_from,valid_to\n"
    r = _import(tmp_path, "listings", head + "1,1,2024-01-01,\n2,1,2024-01-01,2024-06-30\n", lake)
    assert r.exit_code == 0, r.output
    r = _import(tmp_path, "listings", head + "1,2,2025-01-01,\n2,2,2024-07-01,\n2,1,2024-08-01,\n", lake)
    assert r.exit_code == 1
    assert ":2: column 'valid_from' overlaps an earlier period of the same person (the lake)" in r.output
    assert ":4: column 'valid_from' overlaps an earlier period of the same person (line 3)" in r.output
    assert "good rows" in r.output and ":3:" not in r.output


def test_import_missing_file_and_semicolons_are_one_line(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    r = _import(tmp_path, "admissions", ADM.replace(",", ";"), lake)
    assert r.exit_code == 1 and "separated by ';'" in r.output and "Traceback" not in r.output
    import typer

    app2 = typer.Typer()
    app2.command()(import_csv)
    r = CliRunner().invoke(app2, ["admissions", str(tmp_path / "nope.csv"), "--lake", str(lake)])
    assert r.exit_code == 1
    assert r.output.startswith("error: ") and "nope.csv" in r.output and r.exception.__class__ is SystemExit


def test_ids_unproven_by_order_are_still_counted_exactly(make_lake) -> None:  # type: ignore[no-untyped-def]
    """Unique ids are proven by order when each file's ids rise and the files' ranges are apart; ids out of
    order, or ranges that interleave, fall back to an exact count: unique passes, a repeat is refused."""
    enc = [visit(i, 1, 11, T(2025, 1, 1, 9)) for i in (5, 3, 9)]  # unique, not rising
    lake = make_lake(persons=[person(1)], encounters=enc)
    validate_lake(lake, today=TODAY)
    pq.write_table(  # a second file whose ids interleave with the first's: still unique
        pa.Table.from_pylist(
            [visit(i, 1, 11, T(2025, 1, 1, 9)) for i in (4, 6)], schema=arrow_schema("encounters")
        ),
        lake / "encounters" / "part-1.parquet",
    )
    validate_lake(lake, today=TODAY)
    pq.write_table(  # rising within its file, but 9 is in part-0 already
        pa.Table.from_pylist(
            [visit(i, 1, 11, T(2025, 1, 1, 9)) for i in (8, 9)], schema=arrow_schema("encounters")
        ),
        lake / "encounters" / "part-2.parquet",
    )
    repeat = (
        r"part-2.parquet: column 'encounter_id' repeats .* in rows 2 \(the first: .*part-0.parquet row 3\)"
    )
    with pytest.raises(Invalid, match=repeat):
        validate_lake(lake, today=TODAY)


def test_birth_dates_of_unchecked_persons_use_the_earliest(make_lake) -> None:  # type: ignore[no-untyped-def]
    """Checking only some tables, persons are not proven unique: a repeated person's earliest birth date is
    the one an encounter is held against (and the repeat itself is not this call's business)."""
    lake = make_lake(
        persons=[person(1, born=D(1990, 1, 1)), person(1, born=D(1950, 6, 1))],
        encounters=[visit(1, 1, 11, T(1960, 1, 1, 9))],
    )
    validate_lake(lake, today=TODAY, tables=("encounters",))
    with pytest.raises(Invalid, match=r"column 'person_id' repeats"):
        validate_lake(lake, today=TODAY)
