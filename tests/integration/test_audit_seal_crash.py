"""No audit row lost (issue 20): the server is killed (SIGKILL) in the middle of a burst of patient reads;
every read it answered 200 has its audit row, the restarted server's sealer chains them all, and the chain
verifies against its checkpoints. On SQLite and PostgreSQL, with uvicorn in a subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from naravard import migrate
from naravard.actor import Role
from naravard.audit import service as audit_service
from naravard.audit.cli import app as audit_cli
from naravard.audit.models import AuditEvent
from naravard.db import make_engine, make_session_factory
from tests import factories as f
from tests.conftest import AUDIT_KEY, require_postgres, temporary_pg_database

HOST = "127.0.0.1"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.db'}"
        migrate.upgrade(url)
        yield url
        return
    require_postgres()
    with temporary_pg_database("naravard_crash") as url:
        migrate.upgrade(url)
        yield url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _server(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "uvicorn", "naravard.app:create_app", "--factory"]
    command += ["--host", HOST, "--port", str(port), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, env={**os.environ, **env}, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server exited at start-up"
            try:
                httpx.get(f"http://{HOST}:{port}/", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_every_read_answered_has_its_row_sealed_after_a_kill(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = make_session_factory(make_engine(database_url), audit_key=AUDIT_KEY)
    with factory() as db:
        region = f.organization(db)
        hc = f.unit(db, region)
        patients = [f.person(db, listed_at=hc).id for _ in range(10)]
        login = f.user(db, role=Role.CLINICIAN, at=hc)
        db.commit()
    checkpoints = tmp_path / "checkpoints"
    env = {
        "NARAVARD_ENVIRONMENT": "test",
        "NARAVARD_DATABASE_URL": database_url,
        "NARAVARD_SECRET_KEY": "s" * 40,
        "NARAVARD_AUDIT_HMAC_KEY": AUDIT_KEY.decode(),
        "NARAVARD_AUDIT_SEAL_SECONDS": "0.2",
        "NARAVARD_AUDIT_CHECKPOINT_DIR": str(checkpoints),
        "NARAVARD_DATA_DIR": str(tmp_path / "data"),
    }
    port = _free_port()
    answered: list[str] = []  # X-Request-Id of every 200
    lock = threading.Lock()
    stop = threading.Event()

    def reader(n: int) -> None:
        with httpx.Client(base_url=f"http://{HOST}:{port}", headers=login.headers, timeout=10) as client:
            i = n
            while not stop.is_set():
                try:
                    response = client.get(f"/api/patients/{patients[i % len(patients)]}")
                except httpx.TransportError:
                    return  # the server is gone
                i += 1
                if response.status_code == 200:
                    with lock:
                        answered.append(response.headers["X-Request-Id"])

    with _server(env, port) as process:
        threads = [threading.Thread(target=reader, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(answered) < 150 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGKILL)  # mid-burst: requests in flight, rows not sealed yet
        process.wait()
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    assert len(answered) >= 150

    with factory() as db:
        rows = set(db.scalars(select(AuditEvent.request_id).where(AuditEvent.request_id.in_(answered))))
        assert rows == set(answered), "a read answered 200 has no audit row"
    with _server(env, port):  # the restarted server's sealer chains what the killed one left
        deadline = time.monotonic() + 30
        while True:
            with factory() as db:
                left = db.scalar(select(func.count()).where(AuditEvent.sealed_seq.is_(None)))
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert left == 0, f"{left} rows still unsealed 30 s after the restart"
    with factory() as db:
        sealed = set(
            db.scalars(
                select(AuditEvent.request_id).where(
                    AuditEvent.request_id.in_(answered), AuditEvent.sealed_seq.is_not(None)
                )
            )
        )
        assert sealed == set(answered)
        result = audit_service.verify(db, checkpoint_dir=checkpoints)
        assert result.ok, result.problem
        assert result.checkpoints >= 1 and result.checked >= len(answered)
    assert uuid.UUID(hex=answered[0])  # the server's request ids, not ours
    monkeypatch.setenv("NARAVARD_AUDIT_HMAC_KEY", AUDIT_KEY.decode())
    verified = CliRunner().invoke(
        audit_cli, ["verify", "--database", database_url, "--checkpoint-dir", str(checkpoints)]
    )
    assert verified.exit_code == 0 and "intact" in verified.output, verified.output
