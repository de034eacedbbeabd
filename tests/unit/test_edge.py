"""The app's edge without a database: the bound on the client's request id, where a NUL is found, and the gate
on requests in flight (held until the response starts, released on an error)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from naravard.app import _Edge, _nul_field, client_request_id


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("abc-123", "abc-123"),
        (" a b ", "a b"),
        ("x" * 65, "x" * 64),
        ("a\x00b", None),
        ("a\x7fb", None),
        ("café", None),
    ],
)
def test_client_request_id_is_bounded(sent: str | None, kept: str | None) -> None:
    assert client_request_id(sent) == kept


def _scope(path: str = "/api/x", query: bytes = b"") -> Scope:
    return {"type": "http", "path": path, "query_string": query, "headers": [], "method": "POST"}


@pytest.mark.parametrize(
    ("path", "query", "content_type", "body", "field"),
    [
        ("/api/x", b"q=ok", "application/json", b'{"a": "b"}', None),
        ("/api/\x00", b"", "", b"", "path"),
        ("/api/x", b"q=a%00b&r=1", "", b"", "q"),
        ("/api/x", b"a%00=1", "", b"", "query"),
        ("/api/x", b"", "application/json", b'{"a": {"b": ["c", "d\\u0000"]}}', "a.b.1"),
        ("/api/x", b"", "application/json", b'"\\u0000"', "body"),
        ("/api/x", b"", "application/json", b'{"a": "\\\\u0000"}', None),  # a backslash, then "u0000"
        ("/api/x", b"", "application/json", b'{"a": "\x00"}', None),  # not JSON: the route refuses it
        ("/api/x", b"", "application/x-www-form-urlencoded", b"u=x&p=a%00", "p"),
        ("/api/x", b"", "multipart/form-data; boundary=b", b"--b\r\n\r\na\x00\r\n--b--", "body"),
    ],
)
def test_nul_field(path: str, query: bytes, content_type: str, body: bytes, field: str | None) -> None:
    assert _nul_field(_scope(path, query), content_type, body) == field


def test_the_gate_holds_until_the_response_starts_and_is_released_on_an_error() -> None:
    running = 0
    peak = 0

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        if scope["path"] == "/fail":
            raise RuntimeError("boom")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(0.05)  # sending the body does not hold the gate
        await send({"type": "http.response.body", "body": b"ok"})

    edge = _Edge(app, in_flight=2)
    started: list[Message] = []

    async def one(path: str) -> None:
        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.append(message)

        scope = {"type": "http", "path": path, "query_string": b"", "headers": [], "method": "GET"}
        with contextlib.suppress(RuntimeError):
            await edge(scope, receive, send)

    async def main() -> None:
        await asyncio.gather(*(one("/fail" if i % 3 == 0 else "/ok") for i in range(12)))
        # every slot came back: as many again run at once
        await asyncio.gather(*(one("/ok") for _ in range(2)))

    _run(main())
    assert peak == 2
    assert len(started) == 8 + 2
    headers = dict(started[0]["headers"])
    assert headers[b"x-frame-options"] == b"DENY" and len(headers[b"x-request-id"]) == 32


def test_the_gate_is_free_while_the_body_is_sent() -> None:
    seen: list[bool] = []
    edge: _Edge

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        (gate,) = edge.gates.values()
        seen.append(gate.locked())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        seen.append(gate.locked())
        await send({"type": "http.response.body", "body": b"ok"})

    edge = _Edge(app, in_flight=1)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        return None

    scope = {"type": "http", "path": "/", "query_string": b"", "headers": [], "method": "GET"}
    _run(edge(scope, receive, send))
    assert seen == [True, False]


def _run(coroutine: Any) -> Any:
    """`asyncio.run` in a thread of its own: a worker that also runs browser tests has Playwright's event
    loop running in the main thread, where `asyncio.run` refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
