"""Alembic from empty to head and back on both databases, and the models agree with the migrations."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

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


def _insert_target(url: str, code: str, value: float, baseline: str | None = None) -> None:
    """A row of the region's own targets written as SQL, without the models (which follow head)."""
    extra = (", baseline", ", :baseline") if baseline else ("", "")
    sql = (
        "INSERT INTO followup_target (id, indicator, scope_type, scope_id, value, source, version, changed_by, "
        f"changed_at, created_at{extra[0]}) VALUES (:id, :code, '', '', :value, 'HSN', 1, 'analytiker', "
        f"'2026-01-01', '2026-01-01'{extra[1]})"
    )
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(sql), {"id": uuid.uuid4().hex, "code": code, "value": value, "baseline": baseline})
    engine.dispose()


def test_0003_adds_the_baseline_of_relative_targets(fresh_url: str) -> None:
    """An absolute target of 0002 stays as it was (baseline NULL); going back is refused while relative
    targets exist (their factor would read as an absolute value, and deleting them would lose the region's
    decisions), and once they are gone the absolute ones stay."""
    migrate.upgrade(fresh_url, "0002")
    _insert_target(fresh_url, "C_FLK", 0.6)
    migrate.upgrade(fresh_url, "0003")
    engine = create_engine(fresh_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT indicator, value, baseline FROM followup_target")).all()
    assert [tuple(r) for r in rows] == [("C_FLK", 0.6, None)]
    engine.dispose()
    _insert_target(fresh_url, "C_COC", 1.2, "2024")
    with pytest.raises(RuntimeError, match=r"1 relative target\(s\)"):
        migrate.downgrade(fresh_url, "0002")
    engine = create_engine(fresh_url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM followup_target")).scalar_one() == 2  # nothing lost
        conn.execute(text("DELETE FROM followup_target WHERE baseline IS NOT NULL"))
    engine.dispose()
    migrate.downgrade(fresh_url, "0002")
    engine = create_engine(fresh_url)
    assert "baseline" not in {c["name"] for c in inspect(engine).get_columns("followup_target")}
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT indicator, value FROM followup_target")).all()
    assert [tuple(r) for r in rows] == [("C_FLK", 0.6)]
    engine.dispose()
