"""``naravard followup run --engine spark --spark-master spark://...``: the indicators computed on a Spark
standalone cluster (a master and a worker in processes of their own, executors in the worker's JVM, the
driver in the CLI's process) give the same results as DuckDB."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import _need_java
from helpers import assert_same_results, run
from typer.testing import CliRunner

from naravard.followup.cli import app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, proc: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Spark {what} did not start; see {log}")
            time.sleep(0.5)


@pytest.fixture(scope="module")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone master and one worker (2 cores, 2 GB) from the pyspark package's own jars
    (``bin/spark-class``), bound to 127.0.0.1; yields the ``spark://`` URL. The worker keeps its
    executors' folders in a temporary folder, not in the installed package."""
    _need_java()
    import pyspark

    spark_class = str(Path(pyspark.__file__).parent / "bin" / "spark-class")
    work = tmp_path_factory.mktemp("spark-worker")
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_WORKER_DIR": str(work)}
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []

    def start(what: str, args: list[str], wait_port: int | None) -> None:
        log = work / f"{what}.log"
        logs.append(log)
        with log.open("wb") as out:
            p = subprocess.Popen(
                [spark_class, *args], stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        procs.append(p)
        if wait_port is not None:
            _wait_for(wait_port, p, log, what)

    try:
        master = "org.apache.spark.deploy.master.Master"
        start("master", [master, "--host", "127.0.0.1", "--port", str(port), "--webui-port", "0"], port)
        worker_port = _free_port()
        worker = ["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", str(worker_port)]
        start("worker", [*worker, "--webui-port", "0", "--cores", "2", "--memory", "2g", url], worker_port)
        yield url
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.mark.spark
def test_spark_cluster_run_agrees_with_duckdb(
    generated_lake: Path, spark_cluster: str, tmp_path: Path
) -> None:
    duck = run(generated_lake, tmp_path / "duck", periods=("quarter", "year"), threshold=5)
    out = tmp_path / "cluster"
    # a process of its own, as a user runs it: this test worker may hold the parity test's local session
    cmd = [sys.executable, "-c", "from naravard.cli import main; main()", "followup", "run"]
    cmd += ["--lake", str(generated_lake), "--out", str(out), "--engine", "spark"]
    cmd += ["--spark-master", spark_cluster, "--periods", "quarter,year", "--threshold", "5"]
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"}  # the driver, where the executors reach it
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
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
