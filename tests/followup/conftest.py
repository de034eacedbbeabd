"""Fixtures for the follow-up tests: hand-made lakes, a generated lake, the demo region's results (built once
per worker for the page and API tests), one Spark session per worker and a Spark Connect server."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from naravard.followup.lake import TABLES, arrow_schema

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


@pytest.fixture(scope="session")
def spark_connect() -> Iterator[str]:
    """A Spark Connect server in a process of its own (``spark-submit`` of the server class, from the
    pyspark package's jars), bound to 127.0.0.1 on a free port: the shape of a production Connect endpoint.
    Yields its ``sc://`` URL."""
    _need_java()
    import socket
    import subprocess
    import time

    import pyspark

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
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
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the Spark Connect server did not start; see {log}")
                time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.unlink(missing_ok=True)


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
    from naravard.followup.demo import ensure_demo_results

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
