"""Fixtures for the follow-up tests: hand-made lakes, a generated lake, the demo region's results (built once
per worker for the page and API tests), one Spark session per worker, a Spark Connect server and a Spark
standalone cluster."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from naravard.followup.lake.validation import TABLES, arrow_schema

D = dt.date

UNITS = [
    {
        "unit_id": 1,
        "name": "HC Ett",
        "kind": "primary",
        "region_code": "21",
        "municipality_code": "2180",
        "private": False,
    },
    {
        "unit_id": 2,
        "name": "HC Två",
        "kind": "primary",
        "region_code": "21",
        "municipality_code": "2181",
        "private": True,
    },
    {
        "unit_id": 901,
        "name": "Sjukhuset",
        "kind": "hospital",
        "region_code": "21",
        "municipality_code": "2180",
        "private": False,
    },
]


def write_lake(root: Path, **tables: list[dict[str, Any]]) -> Path:
    """Write a lake; tables not given are written empty (units default to ``UNITS``)."""
    tables.setdefault("units", UNITS)
    for name in TABLES:
        (root / name).mkdir(parents=True, exist_ok=True)
        rows = tables.get(name, [])
        pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema(name)), root / name / "part-0.parquet")
    return root


def person(
    pid: int, sex: str = "F", born: dt.date = D(1950, 6, 1), mun: str = "2180", out: dt.date | None = None
) -> dict[str, Any]:
    return {
        "person_id": pid,
        "sex": sex,
        "birth_date": born,
        "region_code": "21",
        "municipality_code": mun,
        "in_date": D(2020, 1, 1),
        "out_date": out,
    }


def visit(
    eid: int, pid: int, doctor: int, when: dt.datetime, unit: int = 1, prof: str = "LK"
) -> dict[str, Any]:
    return {
        "encounter_id": eid,
        "person_id": pid,
        "unit_id": unit,
        "practitioner_id": doctor,
        "profession": prof,
        "start": when,
        "mode": "physical",
        "planned": True,
    }


@pytest.fixture
def make_lake(tmp_path: Path) -> Callable[..., Path]:
    def make(**tables: list[dict[str, Any]]) -> Path:
        return write_lake(tmp_path / "lake", **tables)

    return make


@pytest.fixture
def pdf_html(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML each PDF report is printed from, in order: WeasyPrint's ``HTML`` replaced by a recorder that
    writes a stub PDF, so a test reads the report's text instead of rendering it."""
    import weasyprint

    seen: list[str] = []

    class RecordingHTML:
        def __init__(self, string: str) -> None:
            seen.append(string)

        def write_pdf(self, target: Any) -> None:  # report_pdf prints into a buffer
            target.write(b"%PDF-fake")

    monkeypatch.setattr(weasyprint, "HTML", RecordingHTML)
    return seen


@pytest.fixture(scope="session")
def generated_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from naravard.synth.lake import generate_lake

    out = tmp_path_factory.mktemp("genlake")
    generate_lake(persons=3_000, years=2, out=out, seed=11, start_year=2024, workers=1, today=D(2026, 11, 23))
    return out


def _need_java() -> None:
    """Spark needs a JVM: .ci/run installs one; under CI its absence fails, elsewhere it skips."""
    if shutil.which("java") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "Java is required under CI for the Spark tests (apt-get install openjdk-17-jre-headless)"
            )
        pytest.skip("no Java on this machine (apt-get install openjdk-17-jre-headless)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, what: str) -> None:
    """Until ``proc`` listens on ``port``; a process that ends or a two-minute wait fails the test."""
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the {what} did not start; see {log}")
            time.sleep(0.5)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in reversed(procs):
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def spark_connect() -> Iterator[str]:
    """A Spark Connect server in a process of its own (``spark-submit`` of the server class, from the
    pyspark package's jars), bound to 127.0.0.1 on a free port: the shape of a production Connect endpoint.
    Yields its ``sc://`` URL."""
    _need_java()
    import pyspark

    port = _free_port()
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    conf = {
        "spark.connect.grpc.binding.address": "127.0.0.1",
        "spark.connect.grpc.binding.port": str(port),
        "spark.ui.enabled": "false",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.memory": "1g",
        "spark.sql.shuffle.partitions": "1",
        "spark.default.parallelism": "2",
        "spark.sql.adaptive.enabled": "true",
    }
    cmd = [str(submit), "--master", "local[2]", "--class"]
    cmd += ["org.apache.spark.sql.connect.service.SparkConnectServer"]
    cmd += [a for k, v in conf.items() for a in ("--conf", f"{k}={v}")] + ["spark-internal"]
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"naravard-spark-connect-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_port(port, proc, log, "Spark Connect server")
        yield f"sc://127.0.0.1:{port}"
    finally:
        _stop([proc])
        log.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Spark standalone master and one worker (2 cores, 2 GB) from the pyspark package's own jars
    (``bin/spark-class``), bound to 127.0.0.1; yields the ``spark://`` URL. The worker keeps its executors'
    folders in a temporary folder, not in the installed package."""
    _need_java()
    import pyspark

    spark_class = str(Path(pyspark.__file__).parent / "bin" / "spark-class")
    work = tmp_path_factory.mktemp("spark-worker")
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_WORKER_DIR": str(work)}
    master_port, worker_port = _free_port(), _free_port()
    url = f"spark://127.0.0.1:{master_port}"
    roles = {
        "master": ["org.apache.spark.deploy.master.Master", "--port", str(master_port)],
        "worker": ["org.apache.spark.deploy.worker.Worker", "--port", str(worker_port), "--cores", "2"],
    }
    roles["worker"] += ["--memory", "2g", url]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for (what, args), port in zip(roles.items(), (master_port, worker_port), strict=True):
            log = work / f"{what}.log"
            with log.open("wb") as out:
                cmd = [spark_class, *args, "--host", "127.0.0.1", "--webui-port", "0"]
                procs.append(
                    subprocess.Popen(
                        cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
                    )
                )
            _wait_for_port(port, procs[-1], log, f"Spark {what}")
        yield url
    finally:
        _stop(procs)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session per xdist worker (each worker is its own process and JVM), started only by the
    worker that runs the parity test. The test lake is tiny, so one shuffle partition and adaptive query
    execution (which coalesces partitions and switches small joins to broadcasts) keep each of the many
    small stages to one task."""
    _need_java()
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master("local[2]")
        .appName("naravard-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


DEMO_KEY = "k" * 40
DEMO_TODAY = D(2026, 11, 23)


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Settings of a demo region (1,500 persons) with its lake and results: what the pages and the API read."""
    from naravard.config import Settings
    from naravard.synth.demo import ensure_demo_results

    root = tmp_path_factory.mktemp("fu-demo")
    s = Settings(
        environment="test",
        audit_hmac_key=DEMO_KEY,
        database_url=f"sqlite:///{root}/x.db",
        data_dir=root,
        results_dir=root / "results",
        lake_dir=root / "lake",
    )  # type: ignore[call-arg]
    ensure_demo_results(s, persons=1_500, seed=5, today=DEMO_TODAY)
    return s
