"""``naravard followup run --engine spark --spark-remote sc://...``: the indicators computed through a Spark
Connect server (the production shape: a remote endpoint, no local JVM in the client) give the same results
as DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_same_results, run, run_cli
from typer.testing import CliRunner

from naravard.followup.cli import app


@pytest.mark.spark
def test_spark_connect_run_agrees_with_duckdb(
    generated_lake: Path, spark_connect: str, tmp_path: Path
) -> None:
    duck = run(generated_lake, tmp_path / "duck", periods=("quarter", "year"), threshold=5)
    out = run_cli(generated_lake, tmp_path / "connect", "--engine", "spark", "--spark-remote", spark_connect)
    assert_same_results(duck, out)


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("sc://127.0.0.1:9", "cannot reach Spark Connect at sc://127.0.0.1:9"),
        ("http://127.0.0.1:15002", "is not a Spark Connect URL"),
        ("sc://127.0.0.1:port", "is not a Spark Connect URL"),
    ],
)
def test_unreachable_spark_connect_is_one_line_at_once(
    generated_lake: Path, tmp_path: Path, url: str, needle: str
) -> None:
    """No server at the URL (the client alone would retry for about ten minutes) or no Connect URL: one
    line naming it, exit 1, no results folder."""
    out = tmp_path / "res"
    args = ["run", "--lake", str(generated_lake), "--out", str(out), "--engine", "spark"]
    r = CliRunner().invoke(app, [*args, "--spark-remote", url, "--periods", "year"])
    assert r.exit_code == 1, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], r.stderr
    assert not out.exists()
