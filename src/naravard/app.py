"""The application factory: `create_app(settings)` builds the database engine, the session factory,
templates and the routes of every context in `naravard.contexts.CONTEXTS`. Nothing is read at import
time."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import uuid
import weakref
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, unquote

from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from naravard import __version__
from naravard.config import Settings
from naravard.contexts import CONTEXTS, load
from naravard.db import make_engine, make_session_factory
from naravard.errors import Invalid
from naravard.web import errors as web_errors
from naravard.web.templating import build_environment

API_DESCRIPTION = """JSON API of naravard. Authenticate with `POST /api/auth/login`; send the returned token
as `Authorization: Bearer <token>`. Errors are problem JSON (RFC 9457) with a `detail` reason."""

# Requests in flight per worker process. Sync routes and dependencies run on AnyIO's thread pool (40
# threads), one step at a time, and a request keeps its transaction (SQLite's write lock from BEGIN
# IMMEDIATE, or a pooled PostgreSQL connection) while it waits for a thread for its next step. Without a
# gate, 40 requests waiting for that lock can occupy every thread, so the holder never gets one: a stall
# until busy_timeout (30 s) fails them all. Below 40 the holder always finds a thread.
# SQLite has one writer at a time and every request holds it from its first query: a small gate keeps the
# queue in order (p99) without costing throughput; PostgreSQL takes its lock only at the audit append.
MAX_REQUESTS_IN_FLIGHT = {"sqlite": 4, "postgresql": 32}

SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    ),
)
# The API's documentation page: Swagger UI from the ``fastapi-offline`` wheel (the machines are offline, and
# the CSP above refuses a CDN anyway), under the shell's /static/ but mounted before it.
API_DOCS_URL = "/api/docs"
API_DOCS_ASSETS = "/static/api-docs"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# Pages with patient data: the patient's own pages (/min/) too.
NO_STORE_PREFIXES = ("/api/", "/patients", "/audit", "/min/")
CLIENT_REQUEST_ID_MAX = 64  # the column audit_event.client_request_id
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")
# Bodies the edge reads before a route does (FastAPI parses JSON also without a content type).
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NUL = "\x00"
NUL_MESSAGE = "text must not contain a NUL character (U+0000)"


def client_request_id(value: str | None) -> str | None:
    """The client's ``X-Request-Id``, bounded for the audit row: blanks around it removed, printable ASCII
    only (a value with any other character is dropped, not cleaned), at most 64 characters; None without
    one. It is the client's label for its own logs, never the request's id: two requests may share it."""
    value = (value or "").strip(" \t")
    if not _PRINTABLE_ASCII.fullmatch(value):
        return None
    return value[:CLIENT_REQUEST_ID_MAX]


def _name(parts: list[str]) -> str:
    return ".".join(parts)[:64]


def _nul_in_pairs(text: str, where: str) -> str | None:
    """The name of the first ``name=value`` pair (query or url-encoded form) with a NUL after decoding."""
    if NUL not in unquote(text):
        return None
    for key, value in parse_qsl(text, keep_blank_values=True):
        if NUL in key:
            break
        if NUL in value:
            return _name([key])
    return where


def _nul_in_json(body: bytes) -> str | None:
    """Where a JSON body holds a NUL in a string or a member name (``\\u0000`` once parsed): the dotted path
    of the member, ``"body"`` for the document itself. None when there is none, or the body is not JSON
    (the route refuses that itself)."""
    if b"\x00" not in body and b"\\u0000" not in body:
        return None  # the only ways to write a NUL in JSON (a raw one is refused by the parser anyway)
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    stack: list[tuple[Any, list[str]]] = [(document, [])]
    while stack:  # no recursion: the nesting is the client's to choose
        value, path = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                return _name(path) or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                if NUL in key:
                    return _name(path) or "body"
                stack.append((item, [*path, key]))
        elif isinstance(value, list):
            stack.extend((item, [*path, str(i)]) for i, item in enumerate(value))
    return None


def _nul_field(scope: Scope, content_type: str, body: bytes) -> str | None:
    """Where the request's text holds a NUL character: ``"path"``, a query or form parameter's name, a JSON
    member's path; None when it holds none."""
    if NUL in scope["path"]:
        return "path"
    found = _nul_in_pairs(scope.get("query_string", b"").decode("latin-1"), "query")
    if found or not body:
        return found
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _nul_in_pairs(body.decode("latin-1"), "body")
    if content_type.startswith("multipart/form-data"):
        # No route takes a file, so every part is text: a NUL byte anywhere is a NUL in a field.
        return "body" if b"\x00" in body else None
    return _nul_in_json(body)


def _inspects_body(content_type: str) -> bool:
    main = content_type.split(";", 1)[0].strip().lower()
    return main in ("", "application/json") or main.endswith("+json") or main.startswith(_FORM_TYPES)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None when the client went away while sending it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the route the body already read, then the client's later messages."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class _Edge:
    """The outermost layer of the app, outside Starlette's ServerErrorMiddleware, so that what it does holds
    for every response, an unhandled error's 500 included:

    - gives the request its id, always made here (uuid4 hex; ``request.state.request_id``, the response's
      ``X-Request-Id``, every audit row's ``request_id``), and keeps a client's ``X-Request-Id`` apart,
      bounded (``request.state.client_request_id``, see `client_request_id`);
    - refuses a NUL character in the path, the query or a JSON or form body with 422 before any route runs
      (PostgreSQL cannot store one in text, and no name, search or reason needs one);
    - caps the requests in flight per event loop (`MAX_REQUESTS_IN_FLIGHT`) until the response starts;
    - adds the security headers to the response."""

    def __init__(self, app: ASGIApp, *, in_flight: int) -> None:
        self.app = app
        self.in_flight = in_flight
        # One gate per event loop (an app may be served by several loops in tests).
        self.gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        headers = Headers(scope=scope)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["client_request_id"] = client_request_id(headers.get("x-request-id"))
        no_store = scope["path"].startswith(NO_STORE_PREFIXES)
        gate: asyncio.Semaphore | None = None

        def release() -> None:
            nonlocal gate
            if gate is not None:
                gate.release()
                gate = None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                release()  # as before: the gate is held until the route has answered, not while sending
                out = MutableHeaders(scope=message)
                out["X-Request-Id"] = request_id
                for name, value in SECURITY_HEADERS:
                    out.setdefault(name, value)
                if no_store:
                    out.setdefault("Cache-Control", "no-store")
            await send(message)

        content_type = headers.get("content-type", "")
        body = b""
        if _inspects_body(content_type):
            read = await _read_body(receive)
            if read is None:
                return  # the client is gone
            body, receive = read, _replay(read, receive)
        field = _nul_field(scope, content_type.lower(), body)
        if field is not None:
            response = web_errors.error_response(Request(scope, receive), Invalid(NUL_MESSAGE, field=field))
            await response(scope, receive, send_with_headers)
            return

        loop = asyncio.get_running_loop()
        shared = self.gates.get(loop) or self.gates.setdefault(loop, asyncio.Semaphore(self.in_flight))
        await shared.acquire()
        gate = shared
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            release()


class NaravardApp(FastAPI):
    """FastAPI with `_Edge` around its whole middleware stack (Starlette's error middleware included)."""

    edge_in_flight = 32

    def build_middleware_stack(self) -> ASGIApp:
        return _Edge(super().build_middleware_stack(), in_flight=self.edge_in_flight)


def create_app(
    settings: Settings | None = None, *, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    settings = settings or Settings()
    audit_key = settings.audit_hmac_key.encode()
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url), audit_key=audit_key)
    # a factory given (tests) keeps its other info, but the audit key is always the settings'
    session_factory.kw["info"] = {**session_factory.kw.get("info", {}), "audit_key": audit_key}
    if not settings.audit_hmac_key:
        raise ValueError("audit_hmac_key is empty; `naravard demo` and `naravard serve` set one")

    app = NaravardApp(
        title="naravard",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,  # our own page, see add_api_docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.templates = build_environment()

    # The edge (request id, NUL check, in-flight gate, security headers) wraps the whole stack, see _Edge.
    app.edge_in_flight = MAX_REQUESTS_IN_FLIGHT.get(_dialect(session_factory), 32)

    # compress responses over 1 KB (plotly.min.js: 4.8 MB uncompressed, about 1.4 MB gzipped)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    web_errors.install(app)
    add_api_docs(app)
    static_dir = resources.files("naravard.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    # Every context's JSON routes under /api, then its pages, in CONTEXTS order (which decides which
    # route wins a path two of them match).
    for context in CONTEXTS:
        if context.api:
            app.include_router(load(context.api), prefix="/api")
    for context in CONTEXTS:
        if context.web:
            app.include_router(load(context.web))
    return app


def docs_csp(html: bytes) -> str:
    """The docs page's Content-Security-Policy: the app's, made stricter: its inline scripts are allowed only
    by their hashes (Swagger UI starts from one inline script), and no inline style (Swagger UI sets its
    styles through the DOM, which style-src does not govern)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html.decode())
    )
    stricter = {"script-src": f"script-src 'self' {hashes}", "style-src": "style-src 'self'"}
    directives = [d.strip() for d in dict(SECURITY_HEADERS)["Content-Security-Policy"].split(";")]
    return "; ".join(stricter.get(d.split(" ", 1)[0], d) for d in directives)


def add_api_docs(app: FastAPI) -> None:
    """`/api/docs`: Swagger UI over the OpenAPI document, with its script, style and icon served by the app
    itself from the ``fastapi-offline`` wheel (Swagger UI's dist files, Apache-2.0), so it works offline."""
    assets = resources.files("fastapi_offline") / "static"
    app.mount(API_DOCS_ASSETS, StaticFiles(directory=str(assets)), name="api-docs-assets")

    @app.get(API_DOCS_URL, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/api/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{API_DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{API_DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{API_DOCS_ASSETS}/favicon.png",
            # no badge from validator.swagger.io: nothing on the page may call outside
            swagger_ui_parameters={"validatorUrl": None},
        )
        page.headers["Content-Security-Policy"] = docs_csp(bytes(page.body))
        return page


def _dialect(factory: sessionmaker[Session]) -> str:
    bind = factory.kw.get("bind")
    return bind.dialect.name if bind is not None else "sqlite"
