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
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, unquote

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from naravard import __version__, deps
from naravard.config import Settings
from naravard.contexts import CONTEXTS, load
from naravard.db import make_engine, make_session_factory
from naravard.errors import Invalid, NaravardError
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
# queue in order (p99) without costing throughput; PostgreSQL takes no lock for audit rows (docs/adr/0006).
MAX_REQUESTS_IN_FLIGHT = {"sqlite": 4, "postgresql": 32}

# On every response (pages, API, errors, static files). No inline script: every page's JavaScript is a file
# under /static/ (charts carry their figure in data attributes, see static/charts.js). Inline style stays
# allowed (Plotly and htmx set styles). Referrer-Policy same-origin: no URL (a search holds a personnummer)
# leaves the site, while forms still send their Origin (no-referrer would make it "null").
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (
        "Permissions-Policy",
        "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), midi=(), payment=(), usb=()",
    ),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
# Over TLS only (a browser ignores it over http, and it must not pin a plain-http demo). The scheme is the
# request's own, or, behind a proxy uvicorn trusts (`naravard serve` runs with proxy_headers; the proxy's
# address in FORWARDED_ALLOW_IPS), the proxy's X-Forwarded-Proto.
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
# The API's documentation page: Swagger UI from the ``fastapi-offline`` wheel (the machines are offline, and
# the CSP above refuses a CDN anyway), under the shell's /static/ but mounted before it.
API_DOCS_URL = "/api/docs"
API_DOCS_ASSETS = "/static/api-docs"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# Every response but static files is `Cache-Control: no-store` unless the route set its own (a versioned
# asset, the favicon): pages and API answers carry patient data or depend on who is logged in.
CACHEABLE_PREFIXES = ("/static/",)
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


class BodyTimeout(NaravardError):
    """The client did not send its request's body within `Settings.request_body_seconds`."""

    status_code = 408
    code = "request-timeout"


class BodyTooLarge(NaravardError):
    """The request's body is larger than `Settings.request_body_max_bytes`."""

    status_code = 413
    code = "payload-too-large"


def _declared_length(headers: Headers) -> int | None:
    try:
        return int(headers.get("content-length", ""))
    except ValueError:
        return None


async def _read_body(receive: Receive, *, max_bytes: int, seconds: float) -> bytes | None:
    """The whole body, or None when the client went away while sending it. Raises `BodyTimeout` when it
    has not all arrived after ``seconds`` (a slow or stalled client), `BodyTooLarge` past ``max_bytes``."""
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(seconds):
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return None
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > max_bytes:
                    raise BodyTooLarge("the request body is too large")
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return b"".join(chunks)
    except TimeoutError:
        raise BodyTimeout("the request body did not arrive in time") from None


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
    - reads the whole body before anything else, within `body_seconds` (else 408) and `max_body` bytes (else
      413), so a client that stalls its body holds no request slot (issue 20: four stalled logins held all
      four of a SQLite worker's); the connection of a refused body is closed;
    - refuses a NUL character in the path, the query or a JSON or form body with 422 before any route runs
      (PostgreSQL cannot store one in text, and no name, search or reason needs one);
    - caps the requests in flight per event loop (`MAX_REQUESTS_IN_FLIGHT`), from when the body is in until
      the response starts;
    - adds the security headers to the response (`SECURITY_HEADERS`, HSTS over TLS, no-store)."""

    def __init__(
        self, app: ASGIApp, *, in_flight: int, body_seconds: float = 15.0, max_body: int = 16 * 1024 * 1024
    ) -> None:
        self.app = app
        self.in_flight = in_flight
        self.body_seconds = body_seconds
        self.max_body = max_body
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
        no_store = not scope["path"].startswith(CACHEABLE_PREFIXES)
        tls = scope.get("scheme") in ("https", "wss")
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
                if tls:
                    out.setdefault(*HSTS)
                if no_store:
                    out.setdefault("Cache-Control", "no-store")
            await send(message)

        content_type = headers.get("content-type", "")
        try:
            if (_declared_length(headers) or 0) > self.max_body:
                raise BodyTooLarge("the request body is too large")
            read = await _read_body(receive, max_bytes=self.max_body, seconds=self.body_seconds)
        except (BodyTimeout, BodyTooLarge) as refused:
            response = web_errors.error_response(Request(scope), refused)
            response.headers["Connection"] = "close"  # the rest of the body is never read
            await response(scope, receive, send_with_headers)
            return
        if read is None:
            return  # the client is gone
        body, receive = read, _replay(read, receive)
        field = _nul_field(scope, content_type.lower(), body if _inspects_body(content_type) else b"")
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
    edge_body_seconds = 15.0
    edge_max_body = 16 * 1024 * 1024

    def build_middleware_stack(self) -> ASGIApp:
        return _Edge(
            super().build_middleware_stack(),
            in_flight=self.edge_in_flight,
            body_seconds=self.edge_body_seconds,
            max_body=self.edge_max_body,
        )


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
        lifespan=_audit_sealer(settings, session_factory),
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
    app.edge_body_seconds = settings.request_body_seconds
    app.edge_max_body = settings.request_body_max_bytes

    # compress responses over 1 KB (plotly.min.js: 4.8 MB uncompressed, about 1.4 MB gzipped)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    web_errors.install(app)
    add_api_docs(app)
    static_dir = resources.files("naravard.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    # Every context's JSON routes under /api, then its pages, in CONTEXTS order (which decides which
    # route wins a path two of them match).
    api_routers: list[APIRouter] = []
    for context in CONTEXTS:
        if context.api:
            api_routers.append(load(context.api))
            app.include_router(api_routers[-1], prefix="/api")
    for context in CONTEXTS:
        if context.web:
            app.include_router(load(context.web))
    document_errors(app, api_routers)
    return app


# -- the errors in the OpenAPI document ---------------------------------------------------------------------

PROBLEM = "application/problem+json"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An error (RFC 9457). `detail` says what went wrong in English; `field` names the input "
    "at fault, `reason` a refusal's reason code, `errors` each fault of a request that did not validate.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "request_id": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "field": {"type": "string"},
        "reason": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {"type": "array", "items": {"type": "string"}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}
ERROR_TEXT = {
    400: "The request could not be read (a malformed body).",
    401: "Not logged in: no token, or an expired or revoked one.",
    403: "Refused: the role, the relation to the patient, a block or the CSRF token does not allow it.",
    404: "No such resource, or one named in the request does not exist.",
    408: "The request's body did not arrive within the time allowed.",
    409: "In conflict with the current state (a duplicate, a state that does not allow it).",
    412: "The version the change was based on is outdated (If-Match / version).",
    413: "The request's body is too large.",
    422: "The input is not valid: the field and the rule are named.",
    429: "Too many attempts; try again later (Retry-After).",
    503: "The service this needs (documents, results) is not available here.",
}
WRITES = ("post", "put", "patch", "delete")
# What some operations answer besides: the login's wrong password (401) and the rate limits (429).
EXTRA_CODES = {("post", "/api/auth/login"): {401, 429}, ("get", "/api/patients"): {429}}


def _api_routes(routers: list[APIRouter], prefix: str = "/api") -> dict[tuple[str, str], APIRoute]:
    """(method, path) -> route of the API routers, a router included in one too."""
    found: dict[tuple[str, str], APIRoute] = {}
    stack: list[tuple[str, Any]] = [(prefix, r) for router in routers for r in router.routes]
    while stack:
        at, route = stack.pop()
        if isinstance(route, APIRoute):
            for method in route.methods or ():
                found.setdefault((method.lower(), at + route.path), route)
        elif hasattr(route, "original_router"):  # FastAPI's record of a router included in a router
            inner = at + getattr(getattr(route, "include_context", None), "prefix", "")
            stack += [(inner, r) for r in route.original_router.routes]
    return found


def _needs_login(route: APIRoute | None) -> bool:
    """Whether the route depends (at any depth) on the logged-in actor."""
    stack = list(route.dependant.dependencies) if route is not None else []
    while stack:
        dependency = stack.pop()
        if dependency.call is deps.current_actor:
            return True
        stack.extend(dependency.dependencies)
    return False


def error_codes(method: str, path: str, operation: dict[str, Any], route: APIRoute | None) -> set[int]:
    """The error statuses an operation can answer with, from what it is: every operation validates (422,
    also a NUL at the edge); one behind the login gives 401 and 403 and names resources (404); a write reads
    a body (400, 408, 413) and meets state and versions (409, 412); documents need their renderer (503)."""
    codes = {422}
    if method in WRITES:
        codes |= {400, 408, 413}
    if _needs_login(route):
        codes |= {401, 403, 404}
        if method in WRITES:
            codes |= {409, 412}
    elif "{" in path or method == "get":
        codes.add(404)
    codes |= EXTRA_CODES.get((method, path), set())
    produced = {c for r in operation.get("responses", {}).values() for c in r.get("content", {})}
    if produced - {"application/json"}:
        codes.add(503)
    return codes


def document_errors(app: FastAPI, routers: list[APIRouter]) -> None:
    """Declare the problem JSON answers of every API operation in `/api/openapi.json` (issue 20: a fuzz run
    found ~21,000 undocumented status codes and ~2,100 undocumented content types), in one place: the
    statuses `error_codes` gives, each ``application/problem+json`` with the `Problem` schema (FastAPI's own
    422 body, which the app never sends, is replaced), and the bearer token as the security scheme."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        routes = _api_routes(routers)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        components["schemas"].pop("HTTPValidationError", None)
        components["schemas"].pop("ValidationError", None)
        components.setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": "bearer"}
        problem = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                route = routes.get((method, path))
                responses = operation.setdefault("responses", {})
                own = {str(code) for code in (route.responses if route is not None else {})}
                for code in sorted(error_codes(method, path, operation, route)):
                    if str(code) in own:  # the route's own answer (a report) stays, problem JSON besides
                        responses[str(code)].setdefault("content", {}).update(problem)
                    else:
                        responses[str(code)] = {"description": ERROR_TEXT[code], "content": problem}
                if _needs_login(route):
                    operation["security"] = [{"bearer": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


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


def _audit_sealer(
    settings: Settings, factory: sessionmaker[Session]
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: a background thread seals the audit rows requests write (and checkpoints the
    chain's head) every `audit_seal_seconds`, and seals what is left at shutdown (docs/adr/0006). Not for a
    factory bound to one connection (tests): a second thread must not share it."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from naravard.audit import sealing

        if settings.audit_seal_seconds <= 0 or not sealing.can_run_in_background(factory):
            yield
            return
        sealer = sealing.Sealer(
            factory, interval=settings.audit_seal_seconds, checkpoint_dir=settings.audit_checkpoint_dir
        ).start()
        try:
            yield
        finally:
            await asyncio.to_thread(sealer.stop)

    return lifespan


def _dialect(factory: sessionmaker[Session]) -> str:
    bind = factory.kw.get("bind")
    return bind.dialect.name if bind is not None else "sqlite"
