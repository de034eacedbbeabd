"""`naravard users unlock USERNAME` (issue 22): lifts a lock after wrong passwords, as the system, audit-logged;
on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from naravard import migrate
from naravard.accounts.models import User
from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.cli import app
from naravard.db import make_engine, make_session_factory, transaction, utcnow
from tests import factories as f
from tests.conftest import AUDIT_KEY, require_postgres, temporary_pg_database

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own: the command commits, so not the shared rolled-back test database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'unlock.db'}"
        migrate.upgrade(url)
        yield url
        return
    require_postgres()
    with temporary_pg_database("naravard_unlock") as url:
        migrate.upgrade(url)
        yield url


def test_users_unlock(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARAVARD_AUDIT_HMAC_KEY", AUDIT_KEY.decode())
    engine = make_engine(database_url)
    factory = make_session_factory(engine, audit_key=AUDIT_KEY)
    try:
        with transaction(factory) as db:
            doc = f.user(db, role=Role.CLINICIAN, at=f.unit(db, f.organization(db)), username="doc")
            doc.user.failed_logins = 7
            doc.user.locked_until = utcnow() + timedelta(minutes=4)
        result = runner.invoke(app, ["users", "unlock", "DOC", "--database", database_url])
        assert result.exit_code == 0, result.output
        assert "Unlocked doc." in result.output
        with transaction(factory) as db:
            user = db.scalar(select(User).where(User.username == "doc"))
            assert user is not None and user.failed_logins == 0 and user.locked_until is None
            [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "accounts:user:unlock"))
            assert event.role == "system" and event.user_id is None and event.outcome == "allowed"
            detail = json.loads(event.detail or "{}")
            assert detail["username"] == "doc" and detail["was_locked"] is True
            assert detail["failed_logins"] == 7
        again = runner.invoke(app, ["users", "unlock", "doc", "--database", database_url])
        assert again.exit_code == 0 and "not locked" in again.output
        unknown = runner.invoke(app, ["users", "unlock", "nobody", "--database", database_url])
        assert unknown.exit_code == 2 and "no user 'nobody'" in unknown.output
    finally:
        engine.dispose()


def test_users_unlock_needs_the_audit_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NARAVARD_AUDIT_HMAC_KEY", raising=False)
    result = runner.invoke(app, ["users", "unlock", "doc", "--database", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2 and "no audit key" in result.output
