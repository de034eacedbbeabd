"""Backends for the indicator expressions: DuckDB (embedded default) or Apache Spark (local mode, a master
URL, or Spark Connect). Only this module knows which engine runs; the definitions are plain Ibis."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from naravard.errors import Invalid
from naravard.followup.indicators.base import Lake
from naravard.followup.lake.validation import TABLES, parquet_list, table_files

ENGINES = ("duckdb", "spark")
DEFAULT_DUCKDB_MEMORY = "8GB"  # bounded so a national run cannot take the whole machine


def spark_session(master: str | None = None, remote: str | None = None) -> Any:
    """A local, quiet Spark session (UI off, bound to 127.0.0.1), or one on ``master`` / Spark Connect."""
    from pyspark.sql import SparkSession  # imported lazily: the JVM starts only when Spark is asked for

    b = SparkSession.builder.appName("naravard-followup")
    if remote:
        # the server owns its resources; the session settings the results depend on are still ours
        b = b.remote(remote).config("spark.sql.session.timeZone", "UTC")
    else:
        master = master or "local[2]"
        b = b.master(master)
        if master.startswith("local"):
            # nothing outside this machine talks to a local driver; a cluster's executors must reach the
            # driver, so there its address is Spark's own choice (or SPARK_LOCAL_IP)
            b = b.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
        b = (
            b.config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", "6g")
            # pandas conversions (Ibis' execute) through Arrow rather than row by row
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            # one family's cells come back to the driver whole: over 1 GB at national size
            .config("spark.driver.maxResultSize", "4g")
        )
    session = b.getOrCreate()
    if not remote:  # a Connect client has no SparkContext; the server's log settings are its own
        session.sparkContext.setLogLevel("ERROR")
    return session


def _check_reachable(address: str, *, remote: bool) -> None:
    """A Spark Connect client retries an unreachable server for about ten minutes, and a driver an
    unreachable standalone master for over a minute, before giving up; a wrong URL or a server that is down
    is better told at once. Other masters (local, yarn, k8s) are not probed."""
    url = urlparse(address)
    scheme, what, default_port = ("sc", "Spark Connect", 15002) if remote else ("spark", "Spark master", 7077)
    if not remote and url.scheme != "spark":
        return
    bad = Invalid(
        f"{address!r} is not a {what} URL ({scheme}://host:port)",
        field="spark_remote" if remote else "spark_master",
    )
    if url.scheme != scheme or not url.hostname:
        raise bad
    try:
        port = url.port or default_port
        socket.create_connection((url.hostname, port), timeout=10).close()
    except ValueError as exc:  # a port that is not a number
        raise bad from exc
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        where = "Spark Connect" if remote else "the Spark master"
        raise Invalid(f"cannot reach {where} at {address}: {reason}", field=bad.field) from exc


def connect(
    engine: str = "duckdb",
    *,
    memory_limit: str | None = DEFAULT_DUCKDB_MEMORY,
    threads: int | None = None,
    spark: Any = None,
    spark_master: str | None = None,
    spark_remote: str | None = None,
) -> Any:
    if engine == "duckdb":
        # insertion order is never relied on (every result is grouped or sorted), and keeping it costs memory
        cfg: dict[str, Any] = {
            "preserve_insertion_order": False,
            "threads": threads or os.cpu_count() or 1,
            "temp_directory": str(Path(tempfile.gettempdir()) / "naravard-duckdb"),
        }
        if memory_limit:
            cfg["memory_limit"] = memory_limit
        con = ibis.duckdb.connect(**cfg)
        con.raw_sql("SET enable_progress_bar = false")  # the demo and CLI would print it otherwise
        return con
    if engine == "spark":
        if spark is None and spark_remote:
            _check_reachable(spark_remote, remote=True)
        elif spark is None and spark_master:
            _check_reachable(spark_master, remote=False)
        try:
            con = ibis.pyspark.connect(spark or spark_session(spark_master, spark_remote))
            # a JVM this call started is this run's to end (``close``); a session handed in is the caller's
            con._naravard_owns_jvm = spark is None and not spark_remote
            return con
        except Exception as exc:  # the JVM's and Py4J's errors, many lines each: one line is enough
            where = spark_remote or spark_master or "local[2]"
            text = str(exc).strip()
            first = text.splitlines()[0] if text else type(exc).__name__
            raise Invalid(f"cannot start Spark on {where}: {first}", field="engine") from exc
    raise Invalid(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}", field="engine")


def close(con: Any) -> None:
    """Let go of the engine once its results are in Arrow: the roll-up runs in a DuckDB of its own, and at
    national size a Spark JVM (or DuckDB's buffer pool) left alive beside it can exhaust the machine."""
    if con.name == "duckdb":
        con.disconnect()
        return
    con._session.stop()
    if getattr(con, "_naravard_owns_jvm", False):
        _end_jvm()


def _end_jvm() -> None:
    """Stopping a session leaves its JVM running (7 GB after a national run, beside the roll-up): close the
    Py4J gateway and the JVM's stdin, on which it exits, and wait for it."""
    import subprocess

    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is None:
        return
    proc = getattr(gateway, "proc", None)
    with contextlib.suppress(Exception):  # the JVM may be gone already; ending it is all that is asked
        gateway.shutdown()
    SparkContext._gateway = None
    SparkContext._jvm = None
    if proc is not None:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def lake_window(lake_dir: Path) -> tuple[dt.date, dt.date]:
    """First and last day with encounters (read from Parquet statistics by DuckDB, engine-independent)."""
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        files = table_files(Path(lake_dir), "encounters")
        row = (
            con.execute(
                f"SELECT min(CAST(start AS DATE)), max(CAST(start AS DATE)) FROM read_parquet({parquet_list(files)})"
            ).fetchall()[0]
            if files
            else (None, None)
        )
    finally:
        con.close()
    if row[0] is None:
        raise Invalid(
            f"{lake_dir}/encounters: no encounters, the lake covers no period; import them first "
            f"(naravard import encounters FILE.csv --lake {lake_dir})",
            field="start",
        )
    return row[0], row[1]


def open_lake(con: Any, lake_dir: Path, *, first: dt.date | None = None, last: dt.date | None = None) -> Lake:
    lake_dir = Path(lake_dir).resolve()
    tables = {}
    for name in TABLES:
        if con.name == "duckdb":
            # the files one by one: a folder name with glob characters or a quote is read as it is
            files = [str(f) for f in table_files(lake_dir, name)]
            tables[name] = con.read_parquet(files, table_name=f"lake_{name}")
        else:
            tables[name] = con.read_parquet(str(lake_dir / name), table_name=f"lake_{name}")
    if first is None or last is None:
        f, la = lake_window(lake_dir)
        first, last = first or f, last or la
    if con.name != "duckdb":  # Ibis names the Spark backend "pyspark"
        return Lake(tables, first, last, fetch=lambda e: spark_arrow(con, e))
    return Lake(tables, first, last)


def spark_arrow(con: Any, expr: ir.Table) -> pa.Table:
    """A Spark result as Arrow, straight from the executors' Arrow batches (``DataFrame.toArrow``, PySpark
    4). Ibis' own ``to_pyarrow`` goes through ``toPandas`` and pandas: on 0.8 M cell rows that was 40 s of a
    46 s query, and most of a national Spark run."""
    con._run_pre_execute_hooks(expr)  # registers the expression's in-memory tables, as Ibis' execute does
    df = con._session.sql(con.compile(expr))
    if hasattr(df, "toArrow"):
        out = df.toArrow()
    else:  # PySpark 3.5: through pandas, with Arrow enabled on the session
        out = pa.Table.from_pandas(df.toPandas(), preserve_index=False)
    return out.cast(expr.schema().to_pyarrow())
