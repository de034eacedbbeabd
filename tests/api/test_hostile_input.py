"""What a hostile client found (issue 20): numbers and dates past what the database or date arithmetic can
take answered 500; each is now a 422 naming the field (bounds in `naravard.bounds`)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from naravard.actor import Role
from naravard.app import create_app
from naravard.bounds import MAX_INT
from naravard.config import Settings
from naravard.deps import DbSession
from naravard.errors import Invalid
from naravard.followup import service as followup_service
from naravard.followup.indicators import periods
from tests import factories as f
from tests.conftest import AUDIT_KEY


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": "9223372036854775808"}, "offset"),
        ({"offset": str(10**40)}, "offset"),
        ({"offset": str(MAX_INT + 1)}, "offset"),
        ({"since": "0001-01-01T00:00:00"}, "since"),
        ({"until": "9999-12-31T23:59:59"}, "until"),
        ({"since": "0001-01-01T00:00:00+00:00"}, "since"),
    ],
)
def test_the_audit_api_refuses_numbers_and_dates_out_of_range(
    client: TestClient, db: Session, params: dict[str, str], field: str
) -> None:
    reviewer = f.user(db, role=Role.LOG_REVIEWER, at=None)
    db.commit()
    r = client.get("/api/audit/events", params=params, headers=reviewer.headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["loc"] == ["query", field]
    # the edge of the range is still fine
    ok = client.get(
        "/api/audit/events",
        params={"offset": MAX_INT, "since": "1900-01-01T00:00:00", "until": "2999-12-31T00:00:00"},
        headers=reviewer.headers,
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["events"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"until": "9999-12-31"},
        {"since": "0001-01-01"},
        {"since": "0001-01-01", "until": "9999-12-31"},
        {"offset": "9223372036854775808"},
    ],
)
def test_the_audit_page_refuses_dates_out_of_range(
    client: TestClient, db: Session, params: dict[str, str]
) -> None:
    reviewer = f.user(db, role=Role.LOG_REVIEWER, at=None)
    db.commit()
    client.cookies.set("naravard_session", reviewer.token)
    r = client.get("/audit", params=params)
    assert r.status_code in (200, 422), r.text
    assert r.headers["content-type"].startswith("text/html")
    if "offset" not in params:
        assert r.status_code == 422
        assert "1900-01-01" in r.text and "2999-12-31" in r.text


@pytest.mark.parametrize("valid_until", ["1900-01-01T00:00:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_a_consent_valid_until_out_of_range_is_422_and_writes_nothing(
    client: TestClient, db: Session, valid_until: str
) -> None:
    region = f.organization(db)
    unit = f.unit(db, region)
    patient = f.person(db, listed_at=unit)
    doctor = f.user(db, role=Role.CLINICIAN, at=unit)
    db.commit()
    url = f"/api/patients/{patient.id}/consents"
    body = {"method": "verbal", "given_by": "patient", "valid_until": valid_until}
    r = client.post(url, json=body, headers=doctor.headers)
    assert r.status_code == 422, r.text
    if valid_until.startswith("1900"):  # within the bounds, but past: the service's own rule
        assert r.json()["field"] == "valid_until"
    else:
        assert r.json()["errors"][0]["loc"] == ["body", "valid_until"]
    listed = client.get(url, headers=doctor.headers)
    assert listed.status_code == 200 and listed.json() == []


@pytest.mark.parametrize("label", ["0000", "0000-Q1", "0000-01", "9999", "9999-12", "1899"])
def test_followup_period_labels_outside_the_years_are_refused(label: str) -> None:
    assert periods.parse_label(label) is None
    for period_type in ("year", "quarter", "month"):
        with pytest.raises(Invalid) as caught:
            followup_service._bound(period_type, label, "period_from")
        assert caught.value.field == "period_from"
    assert periods.parse_label("2026") is not None and periods.parse_label("2026-Q4") is not None


# -- login CSRF: the token is the server's, not any equal cookie and field ---------------------------------


def _login_form(client: TestClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    token = page.cookies.get("naravard_login_csrf") or client.cookies.get("naravard_login_csrf")
    assert token and f'value="{token}"' in page.text
    return token


def _post_login(client: TestClient, token: str, **headers: str) -> int:
    client.cookies.set("naravard_login_csrf", token)
    data = {"username": "doc", "password": f.password(), "csrf_token": token}
    r = client.post("/login", data=data, headers=headers, follow_redirects=False)
    return r.status_code


def test_a_planted_equal_cookie_and_field_are_refused(client: TestClient, db: Session) -> None:
    from naravard.web import login_token

    region = f.organization(db)
    f.user(db, role=Role.CLINICIAN, at=f.unit(db, region), username="doc")
    db.commit()
    settings = client.app.state.settings  # type: ignore[attr-defined]
    signing_key = login_token.key(settings)
    issued = login_token.issue(signing_key)
    nonce, expires, _signature = issued.split(".")
    planted = [
        "attacker-chosen-value",
        f"{nonce}.{expires}.{'A' * 43}",  # the shape, a made-up signature
        f"{nonce}x.{expires}.{_signature}",  # a signature of another token
        login_token.issue(login_token.key(Settings(audit_hmac_key="another server's key " * 2))),
        login_token.issue(signing_key, now=0),  # the server's, but expired
    ]
    for token in planted:
        client.cookies.clear()
        assert _post_login(client, token) == 400, token
    # the server's own token passes, once the form came from our own pages
    client.cookies.clear()
    token = _login_form(client)
    assert _post_login(client, token, **{"Sec-Fetch-Site": "same-site"}) == 400  # a sibling subdomain's form
    assert _post_login(client, token, Origin="https://evil.testserver") == 400
    assert (
        _post_login(client, token, **{"Sec-Fetch-Site": "same-origin", "Origin": "https://testserver"}) == 303
    )


def test_the_login_token_signature_and_expiry() -> None:
    from naravard.web import login_token

    k = login_token.key(Settings(audit_hmac_key="k" * 40))
    token = login_token.issue(k, now=1000.0)
    assert login_token.valid(k, token, now=1000.0)
    assert login_token.valid(k, token, now=1000.0 + login_token.LIFETIME_SECONDS)
    assert not login_token.valid(k, token, now=1001.0 + login_token.LIFETIME_SECONDS)
    assert not login_token.valid(login_token.key(Settings(audit_hmac_key="j" * 40)), token, now=1000.0)
    for bad in ("", "a.b", "a.b.c.d", "fö.1.x", token + "x"):
        assert not login_token.valid(k, bad, now=1000.0)


# -- the same kind elsewhere: a number no column can hold ------------------------------------------------


def test_a_number_past_the_databases_integer_is_422_not_500(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    unit = f.unit(db, region)
    patient = f.person(db, listed_at=unit)
    doctor = f.user(db, role=Role.CLINICIAN, at=unit)
    own = f.user(db, role=Role.PATIENT, at=None, person_id=patient.id)
    db.commit()
    huge = 2**64
    question = client.post(
        f"/api/patients/{patient.id}/access-log/questions", json={"audit_seq": huge}, headers=own.headers
    )
    assert question.status_code in (404, 422), question.text
    patch = client.patch(
        f"/api/patients/{patient.id}",
        json={"version": huge},
        headers={**doctor.headers, "If-Match": f'"{huge}"'},
    )
    assert patch.status_code < 500, patch.text
    target = client.delete(
        f"/api/followup/targets/{patient.id}", params={"version": huge}, headers=doctor.headers
    )
    assert target.status_code == 422 and target.json()["errors"][0]["loc"] == ["query", "version"]


def test_an_overflow_the_bounds_miss_is_a_422_and_rolls_back(session_factory: sessionmaker[Session]) -> None:
    settings = Settings(environment="test", audit_hmac_key=AUDIT_KEY.decode(), database_url="sqlite://")
    app = create_app(settings, session_factory=session_factory)

    def overflow(db: DbSession) -> None:
        # SQLite: OverflowError; PostgreSQL: DataError
        db.execute(text("SELECT CAST(:n AS BIGINT)"), {"n": 2**64})

    app.add_api_route("/api/test-overflow", overflow, methods=["GET"])
    app.add_api_route("/test-overflow", overflow, methods=["GET"])
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        api = c.get("/api/test-overflow")
        assert api.status_code == 422, api.text
        assert api.json()["detail"] == "a number or date in the request is out of range"
        page = c.get("/test-overflow")
        assert page.status_code == 422 and "utanför det tillåtna" in page.text
