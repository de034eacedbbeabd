"""Every response carries the security headers of issue 20: a Content-Security-Policy without inline script
and with frame-ancestors 'none', nosniff, a strict Referrer-Policy, Permissions-Policy,
Cross-Origin-Opener-Policy, HSTS over TLS only, and `Cache-Control: no-store` on everything but static files.
Checked here on every GET route without path parameters (pages and API, logged in and not), errors and
static files; the browser walk (tests/web/test_walk_every_page.py) checks every page of every demo role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from naravard.actor import Role
from naravard.app import create_app
from naravard.config import Settings
from tests import factories as f
from tests.conftest import AUDIT_KEY
from tests.headers_check import header_offences


def _get_routes(client: TestClient) -> list[str]:
    """Every GET path without path parameters, the included routers' too."""
    found: set[str] = set()
    stack: list[tuple[str, object]] = [("", r) for r in client.app.routes]  # type: ignore[attr-defined]
    while stack:
        prefix, route = stack.pop()
        if isinstance(route, APIRoute):
            if "GET" in route.methods and "{" not in route.path:
                found.add(prefix + route.path)
        elif hasattr(route, "original_router"):  # FastAPI's included router
            inner = prefix + getattr(route.include_context, "prefix", "")  # type: ignore[attr-defined]
            stack += [(inner, r) for r in route.original_router.routes]
    return sorted(found)


@pytest.fixture()
def tolerant(session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """Over https; a route's own 500 is an answer too (its headers are what is checked here)."""
    settings = Settings(environment="test", audit_hmac_key=AUDIT_KEY.decode(), database_url="sqlite://")
    app = create_app(settings, session_factory=session_factory)
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c


@pytest.fixture()
def plain_http(session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    settings = Settings(
        environment="test",
        audit_hmac_key=AUDIT_KEY.decode(),
        database_url="sqlite://",
        session_cookie_secure=False,
    )
    with TestClient(create_app(settings, session_factory=session_factory), base_url="http://testserver") as c:
        yield c


def test_every_get_route_carries_the_headers_logged_in_and_not(tolerant: TestClient, db: Session) -> None:
    client = tolerant
    region = f.organization(db)
    doctor = f.user(db, role=Role.CLINICIAN, at=f.unit(db, region))
    db.commit()
    paths = _get_routes(client)
    assert "/api/patients" in paths and "/home" in paths and "/login" in paths
    found: list[str] = []
    for path in paths:
        for who, headers in (("anonymous", {}), ("clinician", doctor.headers)):
            client.cookies.clear()
            if who == "clinician" and not path.startswith("/api/"):
                client.cookies.set("naravard_session", doctor.token)
            r = client.get(path, headers=headers, follow_redirects=False)
            cacheable = "max-age" in r.headers.get("cache-control", "")  # an asset that set its own
            found += [
                f"{path} as {who} ({r.status_code}): {o}"
                for o in header_offences(r.headers, tls=True, cacheable=cacheable)
            ]
    assert not found, "\n".join(found)


def test_errors_static_files_and_the_docs_page_carry_them(client: TestClient) -> None:
    for path in ("/api/no-such-thing", "/no-such-page", "/api/patients", "/api/docs", "/api/openapi.json"):
        r = client.get(path)
        assert not header_offences(r.headers, tls=True), (path, header_offences(r.headers, tls=True))
    static = client.get("/static/site.css")
    assert static.status_code == 200
    assert not header_offences(static.headers, tls=True, cacheable=True)
    assert "no-store" not in static.headers.get("cache-control", "")
    # a refused method and a refused body too
    assert not header_offences(client.put("/login").headers, tls=True)
    too_big = client.post("/api/auth/login", content=b"x" * 10, headers={"Content-Length": str(10**9)})
    assert too_big.status_code == 413
    assert not header_offences(too_big.headers, tls=True)


def test_hsts_only_over_tls_and_behind_a_trusted_proxy(plain_http: TestClient, client: TestClient) -> None:
    assert "strict-transport-security" in client.get("/login").headers
    r = plain_http.get("/login")
    assert r.status_code == 200
    assert "strict-transport-security" not in r.headers
    assert not header_offences(r.headers, tls=False)
    # X-Forwarded-Proto counts only through uvicorn's proxy_headers (a trusted proxy rewrites the scheme):
    # the app itself does not believe a client's header
    spoofed = plain_http.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in spoofed.headers


def test_no_template_has_inline_script() -> None:
    """The CSP allows no inline script: no template holds a <script> with content or an on...= handler."""
    import re
    from importlib import resources
    from pathlib import Path

    root = Path(str(resources.files("naravard")))
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(root)}: {m.group(0)}"
        for path in root.rglob("*.html")
        for m in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders
