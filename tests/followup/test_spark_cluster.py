"""``naravard followup run --engine spark --spark-master spark://...``: the indicators computed on a Spark
standalone cluster (a master and a worker in processes of their own, executors in the worker's JVM, the
driver in the CLI's process) give the same results as DuckDB."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from helpers import assert_same_results, run, run_cli
from typer.testing import CliRunner

from naravard.followup.cli import app


@pytest.mark.spark
def test_spark_cluster_run_agrees_with_duckdb(
    generated_lake: Path, spark_cluster: str, tmp_path: Path
) -> None:
    duck = run(generated_lake, tmp_path / "duck", periods=("quarter", "year"), threshold=5)
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"}  # the driver's address, where the executors reach it
    out = run_cli(
        generated_lake, tmp_path / "cluster", "--engine", "spark", "--spark-master", spark_cluster, env=env
    )
    assert_same_results(duck, out)


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("spark://127.0.0.1:9", "cannot reach the Spark master at spark://127.0.0.1:9"),
        ("spark://127.0.0.1:port", "is not a Spark master URL (spark://host:port)"),
    ],
)
def test_unreachable_spark_master_is_one_line_at_once(
    generated_lake: Path, tmp_path: Path, url: str, needle: str
) -> None:
    """No master at the URL (the driver alone would retry for over a minute): one line naming it, exit 1, no
    results folder."""
    out = tmp_path / "res"
    args = ["run", "--lake", str(generated_lake), "--out", str(out), "--engine", "spark"]
    started = time.monotonic()
    r = CliRunner().invoke(app, [*args, "--spark-master", url, "--periods", "year"])
    assert r.exit_code == 1, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], r.stderr
    assert not out.exists() and time.monotonic() - started < 30
