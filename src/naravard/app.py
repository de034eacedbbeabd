"""The application factory: `create_app(settings)` builds the database engine, the session factory,
templates and every context's routes. Nothing is read at import time."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from importlib import resources

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from naravard import __version__
from naravard.config import Settings
from naravard.db import make_engine
from naravard.web import errors as web_errors
from naravard.web.templating import build_environment

API_DESCRIPTION = """JSON API of naravard. Authenticate with `POST /api/auth/login`; send the returned token
as `Authorization: Bearer <token>`. Errors are problem JSON (RFC 9457) with a `detail` reason."""


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

    @app.middleware("http")
    async def _request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
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

    web_errors.install(app)
    static_dir = resources.files("naravard.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    from naravard.accounts import api as accounts_api
    from naravard.accounts import web as accounts_web
    from naravard.audit import api as audit_api
    from naravard.audit import web as audit_web
    from naravard.consent import api as consent_api
    from naravard.patients import api as patients_api
    from naravard.patients import web as patients_web

    for router in (accounts_api.router, patients_api.router, consent_api.router, audit_api.router):
        app.include_router(router, prefix="/api")
    from naravard.consent import web as consent_web

    for router in (accounts_web.router, patients_web.router, consent_web.router, audit_web.router):
        app.include_router(router)
    _include_optional(app)
    return app


def _include_optional(app: FastAPI) -> None:
    """Contexts that add routes of their own (follow-up) register here once they exist."""
    try:
        from naravard.followup import api as followup_api
        from naravard.followup import web as followup_web
    except ImportError:
        return
    app.include_router(followup_api.router, prefix="/api")
    app.include_router(followup_web.router)
