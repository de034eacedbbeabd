"""A client that stalls its body holds no request slot (issue 20). Found from outside: four unauthenticated
connections that sent the headers of `POST /api/auth/login` with a large Content-Length and then stalled held
all four request slots of a SQLite worker, and every other client waited. Now the edge reads the whole body
before a request takes a slot, and a body that has not arrived after `request_body_seconds` gets 408 and a
closed connection. Tested with real sockets against a real uvicorn in a subprocess, as the attack was."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from naravard import migrate
from tests.conftest import AUDIT_KEY
from tests.live import free_port

BODY_SECONDS = 6.0
STALLED = 8  # twice the SQLite worker's gate of 4


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("slow-client")
    url = f"sqlite:///{folder / 'naravard.db'}"
    migrate.upgrade(url)
    port = free_port()
    env = {
        **os.environ,
        "NARAVARD_DATABASE_URL": url,
        "NARAVARD_AUDIT_HMAC_KEY": AUDIT_KEY.decode(),
        "NARAVARD_ENVIRONMENT": "test",
        "NARAVARD_SESSION_COOKIE_SECURE": "false",
        "NARAVARD_AUDIT_SEAL_SECONDS": "0",
        "NARAVARD_REQUEST_BODY_SECONDS": str(BODY_SECONDS),
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    log = (folder / "uvicorn.log").open("wb")
    command = [sys.executable, "-m", "uvicorn", "--factory", "naravard.app:create_app"]
    proc = subprocess.Popen(
        # as `naravard serve` runs it: proxy headers believed from the proxy's address only
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--proxy-headers"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # a loaded machine
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not start: {(folder / 'uvicorn.log').read_text()[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _stall(port: int, content_type: str, path: str = "/api/auth/login") -> socket.socket:
    """Send a request's headers and the first byte of a large body, then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=BODY_SECONDS + 10)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        "Content-Length: 1000000\r\n\r\n{"
    )
    sock.sendall(head.encode())
    return sock


def _answer(sock: socket.socket) -> bytes:
    """All the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_stalled_bodies_hold_no_slot_and_get_408(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    # most of a kind the edge used to read only after taking a slot; JSON, which it read before, besides
    kinds = ("application/octet-stream", "text/plain", "application/json")
    stalled = [_stall(port, kinds[i % len(kinds)]) for i in range(STALLED)]
    started = time.monotonic()
    # a trickle: one byte now and then, never the whole body
    trickle = _stall(port, "application/json")
    stop = threading.Event()

    def drip() -> None:
        while not stop.wait(0.3):
            try:
                trickle.sendall(b" ")
            except OSError:
                return

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        time.sleep(0.3)  # the stalled requests are in
        with httpx.Client(base_url=server, timeout=BODY_SECONDS) as other:
            for _ in range(3):  # one after another, while every stalled body is still pending
                t0 = time.monotonic()
                page = other.get("/login")
                assert page.status_code == 200
                login = other.post("/api/auth/login", json={"username": "nobody", "password": "wrong"})
                assert login.status_code in (401, 422), login.text
                assert time.monotonic() - t0 < 2.5, "another client waited behind the stalled bodies"
        assert time.monotonic() - started < BODY_SECONDS  # all answered while the bodies were still stalled
        answers = [_answer(sock) for sock in [*stalled, trickle]]
        waited = time.monotonic() - started
    finally:
        stop.set()
        for sock in [*stalled, trickle]:
            sock.close()
    for answer in answers:
        status_line = answer.split(b"\r\n", 1)[0]
        assert status_line.startswith(b"HTTP/1.1 408"), answer[:300]
        head = answer.split(b"\r\n\r\n", 1)[0].lower()
        assert b"connection: close" in head and b"content-security-policy" in head
        assert b"application/problem+json" in head
    # the slow clients were cut off at the deadline, not later
    assert BODY_SECONDS - 0.5 < waited < BODY_SECONDS + 3


def test_a_body_over_the_limit_is_413_without_being_read(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 999999999999\r\n\r\n{"
        )
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]


def test_the_server_is_still_healthy_afterwards(server: str) -> None:
    assert httpx.get(f"{server}/login", timeout=5).status_code == 200


def test_hsts_behind_a_trusted_proxy_that_says_https(server: str) -> None:
    """uvicorn believes X-Forwarded-Proto from the trusted proxy's address (here 127.0.0.1): HSTS then, and
    not over plain http."""
    plain = httpx.get(f"{server}/login", timeout=5)
    assert plain.status_code == 200 and "strict-transport-security" not in plain.headers
    proxied = httpx.get(f"{server}/login", headers={"X-Forwarded-Proto": "https"}, timeout=5)
    assert proxied.status_code == 200
    assert proxied.headers["strict-transport-security"].startswith("max-age=31536000")
