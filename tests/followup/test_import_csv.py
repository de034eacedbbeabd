"""``naravard import`` on files bigger than one block: line numbers, skipped rows and the report stay right
across blocks; the lake's rules (birth dates, ids and periods in the lake) and CSV quirks of a records-system
export (BOM, CRLF, quotes, blank lines, extra columns, time zones)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import typer
from conftest import D, person, visit, write_lake
from typer.testing import CliRunner

from naravard.errors import Invalid
from naravard.followup.cli import import_csv as import_command
from naravard.followup.lake import importer
from naravard.followup.lake.importer import import_csv
from naravard.followup.lake.validation import check_schema

T = dt.datetime
TODAY = D(2026, 11, 23)
ENC = "encounter_id,person_id,unit_id,practitioner_id,profession,start,mode,planned"
BLOCK = 16_384  # bytes: about 400 encounter rows per block, so a few thousand rows span many blocks


def _enc(i: int, mode: str = "physical", start: str = "2025-01-02T09:00:00") -> str:
    return f"{i},7,1,11,LK,{start},{mode},true"


def _write(path: Path, lines: list[str], newline: str = "\n") -> Path:
    path.write_text(newline.join(lines) + newline, encoding="utf-8")
    return path


def _imp(path: Path, lake: Path, table: str = "encounters", **kw: Any) -> importer.ImportReport:
    return import_csv(table=table, file=path, lake_dir=lake, today=TODAY, block_bytes=BLOCK, **kw)


def _written_ids(lake: Path, table: str = "encounters", key: str = "encounter_id") -> list[int]:
    files = sorted((lake / table).glob("import-*.parquet"))
    return [r[key] for f in files for r in pq.read_table(f).to_pylist()]


def test_bad_rows_far_into_a_multi_block_file_have_their_line(tmp_path: Path) -> None:
    rows = [_enc(i) for i in range(1, 10_001)]
    rows[2_999] = "3000,7,1,11,LK,2025-01-02T09:00:00,physical"  # fewer values: left out by the CSV reader
    rows[8_999] = _enc(9000, mode="telepathy")
    rows[9_499] = _enc(42)  # the id of line 43, 9,457 lines earlier
    lake = tmp_path / "lake"
    rep = _imp(_write(tmp_path / "e.csv", [ENC, *rows]), lake)
    assert rep.good == 9_997 and rep.bad_total == 3 and rep.written is None
    assert [(b.line, b.column, b.reason) for b in rep.bad] == [
        (3_001, "", "has fewer values than the header has columns"),
        (9_001, "mode", "is not one of physical, home, video, phone"),
        (9_501, "encounter_id", "repeats the id of an earlier row (line 43)"),
    ]
    assert not (lake / "encounters").exists()  # nothing written while a row is bad


def test_skip_bad_across_blocks_writes_every_good_row(tmp_path: Path) -> None:
    rows = [_enc(i) for i in range(1, 5_001)]
    bad_lines = {2, 1_500, 1_501, 3_333, 5_001}
    for line in bad_lines:
        rows[line - 2] = _enc(line - 1, start="2030-01-01T09:00:00")  # in the future
    rows.insert(2_000, "")  # a blank line: skipped and not counted, as the row-by-row importer did
    lake = tmp_path / "lake"
    rep = _imp(_write(tmp_path / "e.csv", [ENC, *rows], newline="\r\n"), lake, skip_bad=True)
    assert rep.bad_total == len(bad_lines) and {b.line for b in rep.bad} == bad_lines
    assert all(b.reason == "is in the future (2030-01-01T09:00:00)" for b in rep.bad)
    assert rep.good == 5_000 - len(bad_lines) and rep.written is not None
    assert sorted(_written_ids(lake)) == [i for i in range(1, 5_001) if i + 1 not in bad_lines]
    assert not list((lake / "encounters").glob("*.tmp"))


def test_many_bad_rows_give_a_bounded_report_with_the_total(tmp_path: Path) -> None:
    rows = [_enc(i, mode="telepathy" if i % 2 else "phone") for i in range(1, 6_001)]
    path = _write(tmp_path / "e.csv", [ENC, *rows])
    rep = _imp(path, tmp_path / "lake", report_limit=50)
    assert rep.bad_total == 3_000 and rep.good == 3_000 and len(rep.bad) == 50
    assert [b.line for b in rep.bad] == list(range(2, 102, 2))
    app = typer.Typer()
    app.command()(import_command)
    r = CliRunner().invoke(app, ["encounters", str(path), "--lake", str(tmp_path / "lake")])
    assert r.exit_code == 1
    assert r.output.count("is not one of") == 200  # the CLI lists 200
    assert "... and 2800 more bad rows" in r.output
    assert "3000 good rows, 3000 bad rows; nothing written" in r.output


def test_ids_and_periods_in_the_lake_are_found_in_later_blocks(tmp_path: Path) -> None:
    lake = write_lake(
        tmp_path / "lake",
        persons=[person(7)],
        encounters=[visit(4_321, 7, 11, T(2025, 1, 1, 9))],
        listings=[{"person_id": 900, "unit_id": 1, "valid_from": D(2024, 3, 1), "valid_to": None}],
    )
    rows = [_enc(i) for i in range(1, 5_001)]
    rep = _imp(_write(tmp_path / "e.csv", [ENC, *rows]), lake)
    assert [(b.line, b.reason) for b in rep.bad] == [
        (4_322, "repeats the id of an earlier row (already in the lake)")
    ]
    periods = [f"{p},1,2024-01-01,2024-12-31" for p in range(1_001, 4_001)] + ["900,2,2024-01-01,2024-02-29"]
    periods += ["1005,2,2024-06-01,"]  # overlaps line 6 (person 1005's first period), 3,000 lines earlier
    rep = _imp(
        _write(tmp_path / "l.csv", ["person_id,unit_id,valid_from,valid_to", *periods]), lake, "listings"
    )
    assert [(b.line, b.column, b.reason) for b in rep.bad] == [
        (3_003, "valid_from", "overlaps an earlier period of the same person (line 6)"),
    ]
    rep = _imp(
        _write(tmp_path / "l2.csv", ["person_id,unit_id,valid_from,valid_to", "900,2,2024-01-01,"]),
        lake,
        "listings",
    )
    assert [(b.line, b.column, b.reason) for b in rep.bad] == [
        (2, "valid_to", "overlaps a later period of the same person (the lake)")
    ]


def test_dates_before_the_birth_date_are_refused(tmp_path: Path) -> None:
    lake = write_lake(tmp_path / "lake", persons=[person(7, born=D(1990, 5, 1))])
    rep = _imp(_write(tmp_path / "e.csv", [ENC, _enc(1, start="1990-04-30T23:00:00"), _enc(2)]), lake)
    assert [(b.line, b.column, b.reason) for b in rep.bad] == [
        (2, "start", "is before the person's birth_date (start 1990-04-30 23:00:00, birth_date 1990-05-01)")
    ]  # both values named (issue 21)
    head = "person_id,sex,birth_date,region_code,municipality_code,in_date,out_date"
    rep = _imp(_write(tmp_path / "p.csv", [head, "8,F,2000-01-01,21,2180,1999-12-31,"]), lake, "persons")
    assert [(b.column, b.reason) for b in rep.bad] == [
        ("in_date", "is before the person's birth_date (in_date 1999-12-31, birth_date 2000-01-01)")
    ]


def test_export_quirks_bom_quotes_extra_columns_and_time_zones(tmp_path: Path) -> None:
    text = (
        "\ufeffnote," + ENC + "\r\n"
        '"a, quoted ""note""",1,7,1,11," LK ",2025-01-01T07:00:00Z,physical,ja\r\n'
        "x,2,7,1,11,LK,2025-07-01T07:00:00+00:00,video,NEJ\r\n"
        "x,3,7,1,11,LK,2025-01-01 08:00,phone,1\r\n"
        "x,4,7,1,11,LK,2025-01-01T08:00:00 Europe/Stockholm,home,0\r\n"
        "x,5,7,1,11,LK,2025-01-01,home,0\r\n"
        "x,6,7,1,11,LK,7.5,home,0\r\n"
        "x,7.5,7,1,11,LK,2025-01-01,home,kanske\r\n"
    )
    path = tmp_path / "e.csv"
    path.write_text(text, encoding="utf-8")
    lake = tmp_path / "lake"
    rep = _imp(path, lake, skip_bad=True)
    assert [(b.line, b.column, b.reason) for b in rep.bad] == [
        (7, "start", "cannot be read as timestamp: '7.5'"),
        (8, "encounter_id", "cannot be read as int: '7.5'"),
    ]
    got = pq.read_table(rep.written).to_pylist()  # type: ignore[arg-type]
    assert [(r["encounter_id"], r["start"], r["planned"], r["profession"]) for r in got] == [
        (1, T(2025, 1, 1, 8), True, "LK"),  # UTC to Swedish winter time; text trimmed
        (2, T(2025, 7, 1, 9), False, "LK"),  # summer time
        (3, T(2025, 1, 1, 8), True, "LK"),  # no offset: already local
        (4, T(2025, 1, 1, 8), False, "LK"),
        (5, T(2025, 1, 1, 0), False, "LK"),
    ]
    check_schema("encounters", pq.read_schema(rep.written), "written")  # type: ignore[arg-type]


def test_non_utf8_and_header_only_files(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(
        (ENC + "\n" + _enc(1) + "\n" + "2,7,1,11,L\xc4K,2025-01-02,phone,true\n").encode("latin-1")
    )
    with pytest.raises(Invalid, match=r"e.csv: not a UTF-8 CSV file"):
        _imp(path, tmp_path / "lake")
    rep = _imp(_write(tmp_path / "h.csv", [ENC]), tmp_path / "lake")
    assert (rep.good, rep.bad_total, rep.written) == (0, 0, None)


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is written under a .tmp name and renamed; if that fails, the half-made file is removed."""
    renamed: list[Path] = []

    def broken(self: Path, target: Path) -> None:
        renamed.append(self)
        raise OSError("disk full")

    csv = _write(tmp_path / "e.csv", [ENC, *(_enc(i) for i in range(1, 2_000))])
    monkeypatch.setattr(Path, "rename", broken)
    lake = tmp_path / "lake"
    with pytest.raises(OSError, match="disk full"):
        _imp(csv, lake)
    assert renamed and renamed[0].suffix == ".tmp" and renamed[0].parent == lake / "encounters"
    assert list((lake / "encounters").iterdir()) == []
