"""The follow-up command line on bad input (tests/review/cli.md): one line on stderr, exit 1, nothing lost."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import D, person, visit, write_lake
from typer.testing import CliRunner

from naravard.errors import Invalid
from naravard.followup.cli import RESULTS_MARKER, app, check_out_dir
from naravard.synth.lake import generate_lake

T = dt.datetime


def _lake(root: Path) -> Path:
    return write_lake(
        root,
        persons=[person(1), person(2, sex="M")],
        encounters=[visit(1, 1, 11, T(2024, 3, 1, 9)), visit(2, 2, 11, T(2025, 2, 1, 9))],
    )


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["run", *args])


def _one_error_line(r, needle: str) -> None:  # type: ignore[no-untyped-def]
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert needle in lines[0], lines[0]


def test_run_refuses_a_folder_that_is_not_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lake = _lake(tmp_path / "lake")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "budget.xlsx").write_text("x")
    r = _run("--lake", str(lake), "--out", str(precious), "--threshold", "1")
    _one_error_line(r, "is not a results folder made by naravard (it holds budget.xlsx)")
    assert (precious / "budget.xlsx").read_text() == "x"
    monkeypatch.chdir(precious)  # --out . is resolved, and refused here
    _one_error_line(_run("--lake", str(lake), "--out", ".", "--threshold", "1"), f"error: {precious}: folder")
    (tmp_path / "o.txt").write_text("x")
    _one_error_line(
        _run("--lake", str(lake), "--out", str(tmp_path / "o.txt" / "r")), "is a file, not a folder"
    )
    _one_error_line(_run("--lake", str(lake), "--out", str(lake)), "is not a results folder")


def test_check_out_dir_accepts_absent_empty_and_previous_results(tmp_path: Path) -> None:
    assert check_out_dir(tmp_path / "new", RESULTS_MARKER, "results") == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    check_out_dir(tmp_path / "empty", RESULTS_MARKER, "results")
    old = tmp_path / "old"
    old.mkdir()
    (old / "meta.json").write_text("{}")
    (old / "results.parquet").write_text("")
    check_out_dir(old, RESULTS_MARKER, "results")
    with pytest.raises(Invalid, match="root folder"):
        check_out_dir(Path("/"), RESULTS_MARKER, "results")


def test_run_writes_the_lake_window_and_removes_stale_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = _lake(tmp_path / "lake")
    out = tmp_path / "res"
    stale = [tmp_path / ".res.cells-dead1", tmp_path / ".res.tmp-dead2"]
    for s in stale:
        s.mkdir()
        (s / "part.parquet").write_text("unsuppressed")
    keep = tmp_path / ".other.cells-x"
    keep.mkdir()
    monkeypatch.chdir(tmp_path)
    r = _run(
        "--lake", "lake", "--out", "res", "--periods", "year", "--threshold", "1", "--memory-limit", "1GB"
    )
    assert r.exit_code == 0, r.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["lake_first"] == "2024-03-01" and meta["lake_last"] == "2025-02-01"
    assert meta["lake"] == str(lake.resolve())
    assert not any(s.exists() for s in stale) and keep.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted(RESULTS_MARKER)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--periods", ""], "--periods names no period"),
        (["--periods", "week"], "unknown period 'week'"),
        (["--memory-limit", "lots"], "--memory-limit 'lots' is not a size"),
        (["--threshold", "-3"], "--threshold must be 0 or more"),
        (["--engine", "nosuch"], "unknown engine 'nosuch'"),
        (["--engine", "spark", "--spark-master", "nosuch://x"], "is not a Spark master URL"),
    ],
)
def test_run_arguments_are_checked_in_one_line(tmp_path: Path, args: list[str], needle: str) -> None:
    lake = _lake(tmp_path / "lake")
    r = _run("--lake", str(lake), "--out", str(tmp_path / "r"), "--threshold", "1", *args)
    _one_error_line(r, needle)
    assert not (tmp_path / "r").exists()


def test_errors_keep_brackets_and_go_to_stderr(tmp_path: Path) -> None:
    lake = _lake(tmp_path / "br[red]x" / "lake")
    (lake / "encounters" / "part-0.parquet").write_bytes(b"PAR1 broken")
    r = _run("--lake", str(lake), "--out", str(tmp_path / "r"))
    _one_error_line(r, "br[red]x/lake/encounters/part-0.parquet: not a readable Parquet file")


def test_report_bad_output_path_is_one_line(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        app,
        [
            "report",
            "--results",
            str(tmp_path),
            "--indicators",
            "C_FLK",
            "--out",
            str(tmp_path / "no" / "x.pdf"),
        ],
    )
    _one_error_line(r, "folder not found")
    r = CliRunner().invoke(app, ["report", "--results", str(tmp_path), "--indicators", "", "--out", "e.xlsx"])
    _one_error_line(r, "no indicators given")


def test_synth_refuses_impossible_requests(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="years must be 1 or more"):
        generate_lake(persons=10, years=0, out=tmp_path / "y0")
    with pytest.raises(Invalid, match="start year 2030 is not before today"):
        generate_lake(persons=10, years=1, start_year=2030, out=tmp_path / "fut", today=D(2026, 11, 23))
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("x")
    with pytest.raises(Invalid, match="not an event lake"):
        generate_lake(persons=10, years=1, out=precious)
    assert not (tmp_path / "y0").exists() and not (tmp_path / "fut").exists()


def test_interrupted_synth_leaves_the_previous_lake(tmp_path: Path) -> None:
    out = tmp_path / "lake"
    generate_lake(persons=50, years=1, out=out, seed=1, workers=1, today=D(2026, 11, 23))
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.parquet")}

    def boom(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate_lake(persons=80, years=1, out=out, seed=2, workers=1, today=D(2026, 11, 23), progress=boom)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.parquet")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake"]  # no staging folder left


def test_extract_refuses_a_folder_that_is_not_a_lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from naravard.followup.lake.extract import check_out_dir as extract_out

    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("x")
    with pytest.raises(Invalid, match="is not an event lake"):
        extract_out(precious)
    monkeypatch.chdir(precious)
    with pytest.raises(Invalid, match=f"^{precious}: folder is not empty"):  # '.' resolves, then is refused
        extract_out(Path("."))
    lake = _lake(tmp_path / "lake")
    assert extract_out(lake) == lake


def test_interrupted_run_keeps_the_old_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import naravard.followup.engine.compute as compute

    lake = _lake(tmp_path / "lake")
    out = tmp_path / "res"
    out.mkdir()
    (out / "meta.json").write_text("old")

    def interrupted(*a: object, **kw: object) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr(compute, "compute_cells", interrupted)
    r = _run("--lake", str(lake), "--out", str(out), "--threshold", "1")
    assert r.exit_code == 130 and "interrupted; nothing was replaced" in r.stderr
    assert (out / "meta.json").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake", "res"]  # no cells folder left


def test_run_and_read_with_a_quote_and_brackets_in_the_paths(tmp_path: Path) -> None:
    """Paths are never pasted into SQL as globs or unquoted strings: a lake and results under names with a
    quote and glob characters run, and the service reads the results."""
    from naravard.followup.service import query_results

    lake = write_lake(
        tmp_path / "it's [lake]",
        persons=[person(1)],
        encounters=[visit(1, 1, 11, T(2025, 3, 1, 9)), visit(2, 1, 11, T(2025, 4, 1, 9))],
    )
    out = tmp_path / "res [1] o'clock"
    r = _run("--lake", str(lake), "--out", str(out), "--periods", "year", "--threshold", "1")
    assert r.exit_code == 0, r.output
    rows = query_results(out, "C_COC", "year")
    assert [(r["period"], r["value"], r["denominator"]) for r in rows] == [("2025", 1.0, 1)]
    assert json.loads((out / "meta.json").read_text())["lake"] == str(lake.resolve())


def test_report_of_one_population_group(demo_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """``--stratum sex:F``: the report's figures are the women's, as the results API gives them; a stratum
    that does not exist is one line."""
    from openpyxl import load_workbook

    from naravard.followup.service import query_results

    res = demo_settings.effective_results_dir
    out = tmp_path / "women.xlsx"
    args = ["report", "--results", str(res), "--indicators", "C_FLK", "--period", "year", "--format", "xlsx"]
    r = CliRunner().invoke(app, [*args, "--stratum", "sex:F", "--out", str(out)])
    assert r.exit_code == 0, r.output
    ws = load_workbook(out)["C_FLK"]
    got = {row[0]: row[1] for row in ws.iter_rows(min_row=4, values_only=True) if str(row[0])[:2] == "20"}
    want = query_results(res, "C_FLK", "year", "total", stratum_type="sex", stratum="F", targets=[])
    everyone = query_results(res, "C_FLK", "year", "total", targets=[])
    assert got and got == pytest.approx({w["period"]: w["value"] for w in want}, rel=1e-13)
    assert got != pytest.approx({w["period"]: w["value"] for w in everyone}, rel=1e-13)
    r = CliRunner().invoke(app, [*args, "--stratum", "sex:X", "--out", str(tmp_path / "x.xlsx")])
    _one_error_line(r, "unknown sex 'X'; choose from F, M")


def test_report_of_a3_for_one_profession(demo_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """``--stratum profession:LK``: A3's figures of the physicians' assessments, the heading in words; an
    unknown profession, or an indicator without the breakdown, is one line."""
    from openpyxl import load_workbook

    from naravard.followup.service import query_results

    res = demo_settings.effective_results_dir
    out = tmp_path / "lk.xlsx"
    args = ["report", "--results", str(res), "--indicators", "A3", "--period", "year", "--format", "xlsx"]
    r = CliRunner().invoke(app, [*args, "--stratum", "profession:LK", "--out", str(out)])
    assert r.exit_code == 0, r.output
    ws = load_workbook(out)["A3"]
    assert any(
        "yrkesgrupp: läkare" in str(c) for row in ws.iter_rows(max_row=3, values_only=True) for c in row
    )
    got = {row[0]: row[1] for row in ws.iter_rows(min_row=4, values_only=True) if str(row[0])[:2] == "20"}
    want = query_results(res, "A3", "year", "total", stratum_type="profession", stratum="LK", targets=[])
    assert got and got == pytest.approx({w["period"]: w["value"] for w in want}, rel=1e-13)
    r = CliRunner().invoke(app, [*args, "--stratum", "profession:XX", "--out", str(tmp_path / "x.xlsx")])
    _one_error_line(r, "unknown profession 'XX'; choose from DSK, LK")
    flk = ["report", "--results", str(res), "--indicators", "A3,C_FLK", "--out", str(tmp_path / "y.xlsx")]
    r = CliRunner().invoke(app, [*flk, "--format", "xlsx", "--stratum", "mode:phone"])
    _one_error_line(r, "C_FLK is not broken down by mode; only A3")
