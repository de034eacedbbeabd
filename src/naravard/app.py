"""The application factory: `create_app(settings)` builds the database engine, the session factory,
templates and every context's routes. Nothing is read at import time."""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import Awaitable, Callable
from importlib import resources

from fastapi import FastAPI, Request, Response
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from naravard import __version__
from naravard.accounts import api as accounts_api
from naravard.accounts import web as accounts_web
from naravard.audit import api as audit_api
from naravard.audit import web as audit_web
from naravard.config import Settings
from naravard.consent import api as consent_api
from naravard.consent import web as consent_web
from naravard.db import make_engine
from naravard.followup import api as followup_api
from naravard.followup import web as followup_web
from naravard.patients import api as patients_api
from naravard.patients import web as patients_web
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


def create_app(
    settings: Settings | None = None, *, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    settings = settings or Settings()
    if session_factory is None:
        engine = make_engine(settings.database_url)
        session_factory = sessionmaker(bind=engine, expire_on_commit=False)
    session_factory.kw.setdefault("info", {})
    session_factory.kw["info"] = {**session_factory.kw["info"], "audit_key": settings.audit_hmac_key.encode()}
    if not settings.audit_hmac_key:
        raise ValueError("audit_hmac_key is empty; `naravard demo` and `naravard serve` set one")

    app = FastAPI(
        title="naravard",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.templates = build_environment()

    in_flight = MAX_REQUESTS_IN_FLIGHT.get(_dialect(session_factory), 32)
    # One gate per event loop (an app may be served by several loops in tests).
    gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
        weakref.WeakKeyDictionary()
    )

    @app.middleware("http")
    async def _request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        loop = asyncio.get_running_loop()
        gate = gates.get(loop) or gates.setdefault(loop, asyncio.Semaphore(in_flight))
        async with gate:
            response = await call_next(request)
        response.headers["X-Request-Id"] = request.state.request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        )
        if request.url.path.startswith(("/api/", "/patients", "/audit")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # compress responses over 1 KB (plotly.min.js: 4.8 MB uncompressed, about 1.4 MB gzipped)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    web_errors.install(app)
    static_dir = resources.files("naravard.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    api_routers = (
        accounts_api.router,
        patients_api.router,
        consent_api.router,
        audit_api.router,
        followup_api.router,
    )
    for router in api_routers:
        app.include_router(router, prefix="/api")

    web_routers = (
        accounts_web.router,
        patients_web.router,
        consent_web.router,
        audit_web.router,
        followup_web.router,
    )
    for router in web_routers:
        app.include_router(router)
    return app


def _dialect(factory: sessionmaker[Session]) -> str:
    bind = factory.kw.get("bind")
    return bind.dialect.name if bind is not None else "sqlite"
