"""``engine.close`` ends the JVM of a Spark session it started, so a national run's roll-up does not share
the machine with it; a session handed in by the caller keeps its JVM."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import _need_java

SCRIPT = """
import os
from pyspark import SparkContext
from naravard.followup.engine import backends as engine

def alive(pid):
    try:
        os.kill(pid, 0)
        return "alive"
    except ProcessLookupError:
        return "gone"

given = engine.spark_session()
pid = SparkContext._gateway.proc.pid
engine.close(engine.connect("spark", spark=given))
print(alive(pid))
SparkContext._gateway.proc.stdin.close()  # end the handed-in session's JVM as its owner would
SparkContext._gateway.proc.wait()
SparkContext._gateway = SparkContext._jvm = None

con = engine.connect("spark")
assert con._session.range(3).count() == 3
pid = SparkContext._gateway.proc.pid
engine.close(con)
print(alive(pid))
"""


@pytest.mark.spark
def test_close_ends_the_jvm_it_started_and_no_other() -> None:
    _need_java()
    # a process of its own: this test worker may hold the parity test's Spark session
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.split() == ["alive", "gone"], r.stdout
