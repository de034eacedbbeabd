"""The edge of the app (issue 22): a NUL character in any text is refused with 422 before a route runs, every
response (a 500 too) carries the security headers, and the request id is the server's own while the
client's `X-Request-Id` is kept apart, bounded, in the audit row."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from naravard.accounts.models import LoginSession
from naravard.actor import Role
from naravard.app import create_app
from naravard.audit import service as audit_service
from naravard.audit.models import AuditEvent
from naravard.config import Settings
from tests import factories as f
from tests.conftest import AUDIT_KEY

SECURITY_HEADERS = (
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Content-Security-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
)


def _counts(db: Session) -> tuple[int, int]:
    db.expire_all()
    audit = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    sessions = db.scalar(select(func.count()).select_from(LoginSession)) or 0
    return audit, sessions


def _assert_headers(response: Response, *, no_store: bool) -> None:
    for name in SECURITY_HEADERS:
        assert response.headers.get(name), f"{name} missing on {response.status_code} {response.url}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert (
        "unsafe-inline"
        not in response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers.get("X-Request-Id", ""))
    if no_store:
        assert response.headers.get("Cache-Control") == "no-store"


def _assert_nul_refused(response: Response, *, api: bool) -> None:
    assert response.status_code == 422, response.text
    _assert_headers(response, no_store=api)
    if api:
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["status"] == 422 and "NUL" in body["detail"]
        assert body["request_id"] == response.headers["X-Request-Id"]
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert "NUL" in response.text and response.headers["X-Request-Id"] in response.text


# -- 1. a NUL character is refused at the edge, on both databases ------------------------------------------


def test_nul_in_the_api_login_is_422_and_writes_nothing(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    doc = f.user(db, role=Role.CLINICIAN, at=f.unit(db, region), username="doc")
    db.commit()
    before = _counts(db)
    as_json = client.post("/api/auth/login", json={"username": "doc\x00", "password": f.password()})
    _assert_nul_refused(as_json, api=True)
    assert as_json.json()["field"] == "username"
    # the escape as the client wrote it, and a NUL in a key
    escaped = client.post(
        "/api/auth/login",
        content=b'{"username": "do\\u0000c", "password": "x"}',
        headers={"Content-Type": "application/json"},
    )
    _assert_nul_refused(escaped, api=True)
    in_key = client.post(
        "/api/auth/login",
        content=b'{"username": "doc", "password": "x", "a\\u0000": 1}',
        headers={"Content-Type": "application/json"},
    )
    _assert_nul_refused(in_key, api=True)
    assert _counts(db) == before
    db.refresh(doc.user)
    assert not doc.user.failed_logins  # not even a failed attempt was counted
    # an escaped backslash followed by "u0000" is plain text, not a NUL: the login goes on (and fails)
    literal = client.post(
        "/api/auth/login",
        content=b'{"username": "doc\\\\u0000", "password": "x"}',
        headers={"Content-Type": "application/json"},
    )
    assert literal.status_code == 401, literal.text


def test_nul_in_the_login_form_is_422_and_writes_nothing(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    f.user(db, role=Role.CLINICIAN, at=f.unit(db, region), username="doc")
    db.commit()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    before = _counts(db)
    for field in ("username", "password", "next"):
        data = {"username": "doc", "password": f.password(), "csrf_token": token.group(1), "next": "/"}
        data[field] += "\x00"
        response = client.post("/login", data=data, follow_redirects=False)
        _assert_nul_refused(response, api=False)
    multipart = client.post(
        "/login",
        data={"username": "doc\x00", "password": f.password(), "csrf_token": token.group(1)},
        files={"unused": ("empty.txt", b"")},
        follow_redirects=False,
    )
    assert multipart.headers["content-type"].startswith("text/html")
    _assert_nul_refused(multipart, api=False)
    assert _counts(db) == before
    # the same form without the NUL logs in
    ok = client.post(
        "/login",
        data={"username": "doc", "password": f.password(), "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_nul_in_the_patient_search_is_422_and_writes_nothing(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    hc = f.unit(db, region)
    f.person(db, listed_at=hc, given="Selma", family="Lagerlöf")
    login = f.user(db, role=Role.CLINICIAN, at=hc, username="doc")
    db.commit()
    before = _counts(db)
    api = client.get("/api/patients", params={"q": "Selma\x00"}, headers=login.headers)
    _assert_nul_refused(api, api=True)
    assert api.json()["field"] == "q"
    raw = client.get("/api/patients?q=Sel%00ma", headers=login.headers)
    _assert_nul_refused(raw, api=True)
    in_path = client.get("/api/patients/%00", headers=login.headers)
    _assert_nul_refused(in_path, api=True)
    client.cookies.set("naravard_session", login.token)
    html = client.get("/patients", params={"q": "Lager\x00löf"})
    _assert_nul_refused(html, api=False)
    assert _counts(db) == before
    # without the NUL the search works (and is logged as usual)
    found = client.get("/api/patients", params={"q": "Selma"}, headers=login.headers)
    assert found.status_code == 200 and len(found.json()) == 1


def test_nul_in_a_json_write_is_422(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    hc = f.unit(db, region)
    p = f.person(db, listed_at=hc)
    login = f.user(db, role=Role.CLINICIAN, at=hc)
    db.commit()
    before = _counts(db)
    response = client.patch(f"/api/patients/{p.id}", json={"phone": "070\x00"}, headers=login.headers)
    _assert_nul_refused(response, api=True)
    nested = client.patch(
        f"/api/patients/{p.id}", json={"phone": "070", "x": [{"y": ["\x00"]}]}, headers=login.headers
    )
    _assert_nul_refused(nested, api=True)
    assert _counts(db) == before


def test_a_non_ascii_csrf_token_is_a_403_not_a_500(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    hc = f.unit(db, region)
    p = f.person(db, listed_at=hc)
    login = f.user(db, role=Role.CLINICIAN, at=hc)
    db.commit()
    client.cookies.set("naravard_session", login.token)
    response = client.post(f"/patients/{p.id}/contact", data={"version": "1", "csrf_token": "fö"})
    assert response.status_code == 403


def test_a_non_ascii_csrf_token_on_the_login_form_is_a_400_not_a_500(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "doc", "password": "x", "csrf_token": "fö"})
    assert response.status_code == 400 and "Formuläret har gått ut" in response.text


# -- 2. every response carries the security headers --------------------------------------------------------


@pytest.fixture()
def raising_app(session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    settings = Settings(environment="test", audit_hmac_key=AUDIT_KEY.decode(), database_url="sqlite://")
    app: FastAPI = create_app(settings, session_factory=session_factory)

    def boom() -> None:
        raise RuntimeError("boom (test)")

    for path in ("/api/test-boom", "/patients/test/boom", "/test-boom"):
        app.add_api_route(path, boom, methods=["GET"])
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c


def test_a_500_carries_the_security_headers(raising_app: TestClient) -> None:
    api = raising_app.get("/api/test-boom")
    assert api.status_code == 500
    _assert_headers(api, no_store=True)
    assert api.headers["content-type"].startswith("application/problem+json")
    assert api.json()["request_id"] == api.headers["X-Request-Id"]
    assert api.json()["title"] == "internal-error"

    page = raising_app.get("/patients/test/boom")
    assert page.status_code == 500
    _assert_headers(page, no_store=True)
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["X-Request-Id"] in page.text

    other = raising_app.get("/test-boom")
    assert other.status_code == 500
    _assert_headers(other, no_store=True)  # every answer but a static file (issue 20)


def test_a_404_and_a_422_carry_the_security_headers(client: TestClient, db: Session) -> None:
    for path, api in (("/api/no-such-thing", True), ("/no-such-page", False)):
        missing = client.get(path)
        assert missing.status_code == 404
        _assert_headers(missing, no_store=api)
    invalid = client.post("/api/auth/login", json={"username": "x"})
    assert invalid.status_code == 422
    _assert_headers(invalid, no_store=True)
    login = f.user(db, role=Role.CLINICIAN, at=f.unit(db, f.organization(db)))
    db.commit()
    bad_id = client.get("/api/patients/not-a-uuid", headers=login.headers)
    assert bad_id.status_code == 422
    _assert_headers(bad_id, no_store=True)


# -- 3. the request id is the server's; the client's is kept apart ---------------------------------------


def _read_overview(client: TestClient, db: Session, request_id: str | bytes) -> tuple[Response, AuditEvent]:
    region = f.organization(db)
    hc = f.unit(db, region)
    p = f.person(db, listed_at=hc)
    login = f.user(db, role=Role.CLINICIAN, at=hc)
    db.commit()
    response = client.get(
        f"/api/patients/{p.id}",
        headers={**login.headers, "X-Request-Id": request_id},
    )
    assert response.status_code == 200, response.text
    db.expire_all()
    row = db.scalars(select(AuditEvent).where(AuditEvent.patient_id == p.id)).one()
    return response, row


def test_the_same_client_request_id_twice_gives_two_server_ids(client: TestClient, db: Session) -> None:
    first, row1 = _read_overview(client, db, "client-id-42")
    second, row2 = _read_overview(client, db, "client-id-42")
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    assert "client-id-42" not in (first.headers["X-Request-Id"], second.headers["X-Request-Id"])
    assert row1.request_id == first.headers["X-Request-Id"]
    assert row2.request_id == second.headers["X-Request-Id"]
    assert row1.client_request_id == row2.client_request_id == "client-id-42"
    assert uuid.UUID(hex=row1.request_id).version == 4
    assert audit_service.verify(db).ok


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("a" * 100, "a" * 64),  # over-long: cut to 64 characters
        ("  trace 7  ", "trace 7"),  # surrounding blanks go
        ("tab\there", None),  # a control character: dropped
        ("bär".encode(), None),  # not ASCII: dropped
        ("", None),
    ],
    ids=["long", "blanks", "control", "non-ascii", "empty"],
)
def test_the_client_request_id_is_bounded(
    client: TestClient, db: Session, sent: str | bytes, stored: str | None
) -> None:
    response, row = _read_overview(client, db, sent)
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])
    assert row.request_id == response.headers["X-Request-Id"]
    assert row.client_request_id == stored
    assert audit_service.verify(db).ok


def test_without_a_client_request_id_none_is_stored(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    hc = f.unit(db, region)
    p = f.person(db, listed_at=hc)
    login = f.user(db, role=Role.CLINICIAN, at=hc)
    db.commit()
    response = client.get(f"/api/patients/{p.id}", headers=login.headers)
    db.expire_all()
    row = db.scalars(select(AuditEvent).where(AuditEvent.patient_id == p.id)).one()
    assert row.request_id == response.headers["X-Request-Id"] and row.client_request_id is None
