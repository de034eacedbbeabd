"""Issue 22: wrong passwords lock an account for a while (not for good), the lock ends the account's open
sessions and is audit-logged, an administrator (or the CLI) unlocks, and a locked account looks like a wrong
password to whoever is not logged in."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from naravard.accounts.models import User
from naravard.accounts.service import LOCK_AFTER_FAILURES, LOGIN_FAILED, lock_period
from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.db import utcnow
from tests import factories as f

WRONG = "not-the-password-42"


def _world(db: Session) -> dict[str, f.LoggedIn]:
    region = f.organization(db, name="Region Gävleborg")
    hc = f.unit(db, region, name="Strand hälsocentral")
    office = f.unit(db, region, name="HS-förvaltningen", kind="administration")
    users = dict(
        doc=f.user(db, role=Role.CLINICIAN, at=hc, username="doc"),
        nurse=f.user(db, role=Role.CLINICIAN, at=hc, username="nurse"),
        admin=f.user(db, role=Role.ADMINISTRATOR, at=office, username="admin"),
        reviewer=f.user(db, role=Role.LOG_REVIEWER, at=office, username="reviewer"),
    )
    db.commit()
    return users


def _login(client: TestClient, username: str, password: str) -> Response:
    return client.post("/api/auth/login", json={"username": username, "password": password})


def _user(db: Session, username: str) -> User:
    db.expire_all()
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def _lock(client: TestClient, username: str = "doc") -> None:
    for _ in range(LOCK_AFTER_FAILURES):
        r = _login(client, username, WRONG)
        assert r.status_code == 401


def _expire_lock(db: Session, username: str = "doc") -> None:
    db.execute(
        update(User).where(User.username == username).values(locked_until=utcnow() - timedelta(seconds=1))
    )
    db.commit()


def _events(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def _me(client: TestClient, token: str) -> int:
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_lock_period_doubles_up_to_half_an_hour() -> None:
    assert [lock_period(n) for n in range(LOCK_AFTER_FAILURES)] == [None] * LOCK_AFTER_FAILURES
    minutes = [lock_period(n) for n in range(5, 12)]
    assert minutes == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 30, 30)]
    assert lock_period(10**6) == timedelta(minutes=30)


def test_wrong_passwords_lock_for_a_while_then_the_right_one_works(client: TestClient, db: Session) -> None:
    _world(db)
    for n in range(1, LOCK_AFTER_FAILURES):
        assert _login(client, "doc", WRONG).status_code == 401
        assert _user(db, "doc").failed_logins == n and _user(db, "doc").locked_until is None
    wrong = _login(client, "doc", WRONG)
    user = _user(db, "doc")
    assert user.failed_logins == LOCK_AFTER_FAILURES and user.locked_until is not None
    assert timedelta(seconds=50) < user.locked_until - utcnow() <= timedelta(minutes=1)
    # While locked the right password fails exactly as a wrong one, and as an unknown user does.
    right = _login(client, "DOC", f.password())
    unknown = _login(client, "nobody-here", f.password())
    for r in (wrong, right, unknown):
        assert r.status_code == 401
        assert r.json()["title"] == "unauthenticated" and r.json()["detail"] == LOGIN_FAILED
    # Attempts while locked are not counted and do not lengthen the lock.
    until = user.locked_until
    assert _login(client, "doc", WRONG).status_code == 401
    assert _user(db, "doc").failed_logins == LOCK_AFTER_FAILURES and _user(db, "doc").locked_until == until
    # After the lock the right password works and clears the count and the lock.
    _expire_lock(db)
    ok = _login(client, "doc", f.password())
    assert ok.status_code == 200, ok.text
    user = _user(db, "doc")
    assert user.failed_logins == 0 and user.locked_until is None
    assert _me(client, ok.json()["token"]) == 200


def test_many_failures_never_lock_for_good(client: TestClient, db: Session) -> None:
    """The old rule refused even the right password for ever after 10 failures, with no way back."""
    _world(db)
    db.execute(update(User).where(User.username == "doc").values(failed_logins=25))
    db.commit()
    _expire_lock(db)
    assert _login(client, "doc", f.password()).status_code == 200
    assert _user(db, "doc").failed_logins == 0


def test_each_failure_after_a_lock_doubles_the_next_lock(client: TestClient, db: Session) -> None:
    _world(db)
    _lock(client)
    _expire_lock(db)
    assert _login(client, "doc", WRONG).status_code == 401
    user = _user(db, "doc")
    assert user.failed_logins == LOCK_AFTER_FAILURES + 1 and user.locked_until is not None
    assert timedelta(seconds=110) < user.locked_until - utcnow() <= timedelta(minutes=2)
    locks = _events(db, "accounts:user:locked")
    assert [json.loads(e.detail or "{}")["lock_seconds"] for e in locks] == [60, 120]


def test_a_lock_ends_the_sessions_opened_before_it(client: TestClient, db: Session) -> None:
    w = _world(db)
    earlier = _login(client, "doc", f.password()).json()["token"]
    assert _me(client, earlier) == 200 and _me(client, w["doc"].token) == 200
    _lock(client)
    assert _me(client, earlier) == 401 and _me(client, w["doc"].token) == 401
    # another user's session is untouched
    assert _me(client, w["nurse"].token) == 200


def test_the_lock_is_audit_logged_without_the_password(client: TestClient, db: Session) -> None:
    w = _world(db)
    _lock(client)
    [event] = _events(db, "accounts:user:locked")
    assert event.user_id == w["doc"].user.id and event.username == "doc"
    assert event.role == "system" and event.outcome == "allowed" and event.reason == "failed_logins"
    detail = json.loads(event.detail or "{}")
    assert detail["failed_logins"] == LOCK_AFTER_FAILURES and detail["sessions_revoked"] == 1
    assert detail["lock_seconds"] == 60 and detail["locked_until"]
    assert WRONG not in (event.detail or "") and f.password() not in (event.detail or "")
    # the log reviewer finds it under the user
    rows = client.get("/api/audit/events", params={"username": "doc"}, headers=w["reviewer"].headers)
    assert rows.status_code == 200, rows.text
    assert "accounts:user:locked" in rows.text


def test_an_administrator_unlocks_and_no_one_else(client: TestClient, db: Session) -> None:
    w = _world(db)
    _lock(client)
    for who in ("nurse", "reviewer"):
        refused = client.post("/api/users/doc/unlock", headers=w[who].headers)
        assert refused.status_code == 403, refused.text
    assert _user(db, "doc").locked_until is not None
    denied = _events(db, "accounts:user:unlock")
    assert denied and all(e.outcome == "denied" for e in denied)
    assert {e.username for e in denied} == {"nurse", "reviewer"}
    unknown = client.post("/api/users/nobody-here/unlock", headers=w["admin"].headers)
    assert unknown.status_code == 404
    r = client.post("/api/users/DOC/unlock", headers=w["admin"].headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"username": "doc", "was_locked": True, "failed_logins": 0, "locked_until": None}
    user = _user(db, "doc")
    assert user.failed_logins == 0 and user.locked_until is None
    allowed = [e for e in _events(db, "accounts:user:unlock") if e.outcome == "allowed"]
    assert len(allowed) == 1 and allowed[0].username == "admin" and allowed[0].role == "administrator"
    detail = json.loads(allowed[0].detail or "{}")
    assert detail["username"] == "doc" and detail["user_id"] == str(w["doc"].user.id)
    assert detail["was_locked"] is True and detail["failed_logins"] == LOCK_AFTER_FAILURES
    assert _login(client, "doc", f.password()).status_code == 200


def test_logout_all_ends_every_session_of_the_user(client: TestClient, db: Session) -> None:
    w = _world(db)
    first = _login(client, "doc", f.password()).json()["token"]
    second = _login(client, "doc", f.password()).json()["token"]
    # Logging in again leaves the earlier session valid (several devices) ...
    assert _me(client, first) == 200 and _me(client, second) == 200 and _me(client, w["doc"].token) == 200
    # ... until the user logs out everywhere, from any of them.
    r = client.post("/api/auth/logout-all", headers={"Authorization": f"Bearer {second}"})
    assert r.status_code == 204, r.text
    assert _me(client, first) == 401 and _me(client, second) == 401 and _me(client, w["doc"].token) == 401
    assert _me(client, w["nurse"].token) == 200
    [event] = _events(db, "accounts:session:logout-all")
    assert event.username == "doc" and event.user_id == w["doc"].user.id
    assert json.loads(event.detail or "{}") == {"sessions_revoked": 3}
    assert client.post("/api/auth/logout-all").status_code == 401
    # a new login works as before
    assert _login(client, "doc", f.password()).status_code == 200


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m
    return m.group(1)


def _form_login(client: TestClient, username: str, password: str) -> Response:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )


def _alert(html: str) -> str:
    m = re.search(r'role="alert">([^<]*)<', html)
    assert m
    return m.group(1)


def test_login_page_shows_a_locked_account_as_a_wrong_password(client: TestClient, db: Session) -> None:
    _world(db)
    wrong = _form_login(client, "doc", WRONG)
    _lock(client)
    right = _form_login(client, "doc", f.password())
    unknown = _form_login(client, "nobody-here", f.password())
    for r in (wrong, right, unknown):
        assert r.status_code == 401 and _alert(r.text) == "Fel användarnamn eller lösenord."
    _expire_lock(db)
    assert _form_login(client, "doc", f.password()).status_code == 303


def test_log_out_everywhere_button(client: TestClient, db: Session) -> None:
    _world(db)
    other_device = _login(client, "doc", f.password()).json()["token"]
    assert _form_login(client, "doc", f.password()).status_code == 303
    home = client.get("/home")
    assert home.status_code == 200 and "Logga ut överallt" in home.text
    assert 'action="/logout-all"' in home.text
    # a cookie-authenticated post needs the session's CSRF token
    forged = client.post("/logout-all", data={"csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403 and _me(client, other_device) == 200
    r = client.post("/logout-all", data={"csrf_token": _csrf(home.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert _me(client, other_device) == 401
    after = client.get("/home", follow_redirects=False)
    assert after.status_code in (303, 307) and "/login" in after.headers["location"]
    assert len(_events(db, "accounts:session:logout-all")) == 1
