"""Alembic from empty to head and back on both databases, and the models agree with the migrations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from naravard import migrate
from tests.conftest import require_postgres, temporary_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    require_postgres()
    with temporary_pg_database("naravard_mig") as url:
        yield url


def test_upgrade_check_downgrade_upgrade(fresh_url: str) -> None:
    migrate.upgrade(fresh_url)
    migrate.check(fresh_url)  # raises when models and migrations disagree
    engine = create_engine(fresh_url)
    assert {"person", "audit_event", "listing", "login_session"} <= set(inspect(engine).get_table_names())
    engine.dispose()
    migrate.downgrade(fresh_url, "base")
    engine = create_engine(fresh_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(fresh_url)
    migrate.check(fresh_url)
