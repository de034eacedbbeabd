"""Import friction (issue 21): a date before the birth date is refused whichever of persons and encounters is
imported first, naming both values; ``naravard lake init`` writes the tables a region lacks empty, and
``naravard lake revert`` takes an import back out of the lake."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from naravard.cli import app
from naravard.errors import Invalid
from naravard.followup.lake.importer import import_csv
from naravard.followup.lake.validation import TABLES, revert_import, table_files, validate_lake

PERSONS = "person_id,sex,birth_date,region_code,municipality_code,in_date,out_date"
ENCOUNTERS = "encounter_id,person_id,unit_id,practitioner_id,profession,start,mode,planned"
UNITS = "unit_id,name,kind,region_code,municipality_code,private"


def csv(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def imp(table: str, file: Path, lake: Path) -> list[tuple[str, str]]:
    rep = import_csv(table=table, file=file, lake_dir=lake)
    return [(b.column, b.reason) for b in rep.bad]


def test_encounters_first_then_a_person_born_after_them_is_refused(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    enc = csv(tmp_path / "e.csv", ENCOUNTERS, "1,7,1,100,LK,2019-03-04T10:00:00,physical,true")
    assert imp("encounters", enc, lake) == []  # no persons yet: nothing to hold it against
    late = csv(
        tmp_path / "p.csv",
        PERSONS,
        "7,F,2020-01-01,21,2180,2020-01-01,",
        "8,M,1950-01-01,21,2180,2020-01-01,",
    )
    assert imp("persons", late, lake) == [
        (
            "birth_date",
            "is after a date of the person in the lake (encounters.start 2019-03-04, birth_date 2020-01-01)",
        )
    ]
    assert not table_files(lake, "persons")  # nothing written while a row is bad
    ok = csv(tmp_path / "p2.csv", PERSONS, "7,F,2010-01-01,21,2180,2020-01-01,")
    assert imp("persons", ok, lake) == []


def test_persons_first_then_an_encounter_before_the_birth_is_refused_naming_both(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    assert imp("persons", csv(tmp_path / "p.csv", PERSONS, "7,F,2020-01-01,21,2180,2020-01-01,"), lake) == []
    enc = csv(tmp_path / "e.csv", ENCOUNTERS, "1,7,1,100,LK,2019-03-04T10:00:00,physical,true")
    assert imp("encounters", enc, lake) == [
        ("start", "is before the person's birth_date (start 2019-03-04 10:00:00, birth_date 2020-01-01)")
    ]


def test_lake_init_makes_missing_tables_empty_and_the_lake_valid(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    imp("units", csv(tmp_path / "u.csv", UNITS, "1,HC Ett,primary,21,2180,false"), lake)
    r = CliRunner().invoke(app, ["lake", "init", str(lake)])
    assert r.exit_code == 0, r.output
    assert "residences" in r.output and "units" not in r.output.split(":", 2)[-1]
    assert all(table_files(lake, t) for t in TABLES)
    assert len(table_files(lake, "units")) == 1  # left as it was
    validate_lake(lake)
    # a second init has nothing to do
    r = CliRunner().invoke(app, ["lake", "init", str(lake)])
    assert r.exit_code == 0 and "none" in r.output


def test_lake_revert_takes_the_latest_import_out(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    CliRunner().invoke(app, ["lake", "init", str(lake)])
    imp("persons", csv(tmp_path / "p.csv", PERSONS, "7,F,2010-01-01,21,2180,2020-01-01,"), lake)
    enc = csv(tmp_path / "e.csv", ENCOUNTERS, "1,7,1,100,LK,2019-03-04T10:00:00,physical,true")
    imp("encounters", enc, lake)
    assert len(table_files(lake, "encounters")) == 2
    r = CliRunner().invoke(app, ["lake", "revert", "encounters", "--lake", str(lake)])
    assert r.exit_code == 0, r.output
    assert [f.name for f in table_files(lake, "encounters")] == ["empty.parquet"]
    validate_lake(lake)
    # only imports are reverted: the empty file stays, and an unknown table is refused
    with pytest.raises(Invalid, match="no imports to revert"):
        revert_import(lake, "encounters")
    r = CliRunner().invoke(app, ["lake", "revert", "nosuch", "--lake", str(lake)])
    assert r.exit_code != 0 and "unknown lake table" in r.output
