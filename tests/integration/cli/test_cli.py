"""The CLI on a real SQLite demo data dir: demo preparation, db upgrade, audit verify."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from naravard.actor import system_actor
from naravard.audit import service as audit_service
from naravard.cli import app, prepare_demo
from naravard.db import make_engine, make_session_factory, transaction
from tests import factories as f

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo")
    settings = prepare_demo(data, persons=200, seed=3, followup=False)
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine, audit_key=settings.audit_hmac_key.encode())
    with transaction(factory) as session:
        for i in range(3):
            audit_service.record(
                session, actor=system_actor("test"), action=f.TestAction.ROW_WRITE, detail={"i": i}
            )
    engine.dispose()
    return data


def test_prepare_demo_is_reused(demo_dir: Path) -> None:
    before = sqlite3.connect(demo_dir / "naravard.db").execute("SELECT count(*) FROM person").fetchone()[0]
    settings = prepare_demo(demo_dir, persons=999, seed=99, followup=False)
    after = sqlite3.connect(demo_dir / "naravard.db").execute("SELECT count(*) FROM person").fetchone()[0]
    assert before == after == 200
    assert settings.environment == "demo" and settings.demo_password and len(settings.audit_hmac_key) >= 32
    assert (demo_dir / "demo-secrets.json").stat().st_mode & 0o077 == 0


def test_db_upgrade_on_a_fresh_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--database", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 0, result.output
    tables = {r[0] for r in sqlite3.connect(tmp_path / "x.db").execute("SELECT name FROM sqlite_master")}
    assert {"person", "audit_event", "listing", "consent"} <= tables


def test_db_upgrade_bad_url_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--database", "postgresql+psycopg://nobody@127.0.0.1:1/x"])
    assert result.exit_code == 2 and "migration failed" in result.output


def test_audit_verify_intact_then_broken(demo_dir: Path, tmp_path: Path) -> None:
    ok = runner.invoke(app, ["audit", "verify", "--data-dir", str(demo_dir)])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    # Tamper with a copy: drop the append-only trigger as an attacker with file access could, edit row 2.
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("naravard.db", "demo-secrets.json"):
        (copy / name).write_bytes((demo_dir / name).read_bytes())
    con = sqlite3.connect(copy / "naravard.db")
    con.execute("DROP TRIGGER audit_event_no_update")
    con.execute("UPDATE audit_event SET username = 'someone-else' WHERE seq = 2")
    con.commit()
    con.close()
    broken = runner.invoke(app, ["audit", "verify", "--data-dir", str(copy)])
    assert broken.exit_code == 1
    assert "row 2" in broken.output


def test_audit_verify_without_key_fails_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NARAVARD_AUDIT_HMAC_KEY", raising=False)
    result = runner.invoke(app, ["audit", "verify", "--database", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 2 and "no audit key" in result.output


def test_users_create(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{demo_dir / 'naravard.db'}"
    hsa = (
        sqlite3.connect(demo_dir / "naravard.db")
        .execute("SELECT hsa_id FROM care_unit LIMIT 1")
        .fetchone()[0]
    )
    monkeypatch.setenv("NARAVARD_NEW_PASSWORD", "a long enough password")
    args = [
        "users",
        "create",
        "--username",
        "ny.anvandare",
        "--display-name",
        "Ny Användare",
        "--role",
        "clinician",
        "--unit-hsa-id",
        hsa,
        "--database",
        url,
    ]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.output
    bad_role = runner.invoke(app, [*args[:7], "wizard", *args[8:]])
    assert bad_role.exit_code == 2 and "unknown role" in bad_role.output
    # batch jobs act as the system role, which the services let write consent and targets: no login has it
    args[3] = "ny.system"
    system = runner.invoke(app, [*args[:7], "system", *args[8:]])
    assert system.exit_code == 2 and "not for accounts" in system.output


def test_production_refuses_weak_secrets_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARAVARD_ENVIRONMENT", "production")
    monkeypatch.setenv("NARAVARD_SECRET_KEY", "short")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2 and "NARAVARD_SECRET_KEY must be set" in result.output


def test_demo_follows_ok_mal_2_against_its_first_year(tmp_path: Path) -> None:
    """A new demo region has ÖK Mål 2 as its own targets (+20 % of C_COC and C_COC_ALL against the lake's
    first year), written by the demo's system actor with audit rows, and the results are judged against
    1.2 x that year's value of each scope."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from naravard.audit.models import AuditEvent
    from naravard.followup import service, target_service
    from naravard.followup.demo import demo_baseline

    settings = prepare_demo(tmp_path / "demo", persons=200, seed=3)
    first = demo_baseline(settings.effective_results_dir)
    engine = make_engine(settings.database_url)
    with Session(engine) as db:
        own = target_service.region_targets(db)
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "followup:target:create")))
        targets = target_service.effective_targets(db, targets_file=None)
    engine.dispose()
    assert [(t.indicator, t.value, t.baseline, t.scope_type) for t in own] == [
        ("C_COC", 1.2, first, None),
        ("C_COC_ALL", 1.2, first, None),
    ]
    assert all("Mål 2" in t.source for t in own)
    assert [(e.username, e.role) for e in events] == [("demo", "system"), ("demo", "system")]
    rows = service.query_results(
        settings.effective_results_dir, ["C_COC", "C_COC_ALL"], "year", targets=targets
    )
    for code in ("C_COC", "C_COC_ALL"):
        mine = {r["period"]: r for r in rows if r["indicator"] == code}
        assert min(mine) == first  # the first year of the lake
        base = mine[first]["value"]
        assert all(r["target"] == pytest.approx(min(1.0, 1.2 * base)) for r in mine.values()), code
    assert runner.invoke(app, ["audit", "verify", "--data-dir", str(tmp_path / "demo")]).exit_code == 0


def _copy_demo(demo_dir: Path, to: Path) -> Path:
    to.mkdir()
    for name in ("naravard.db", "demo-secrets.json"):
        (to / name).write_bytes((demo_dir / name).read_bytes())
    return to


def test_followup_extract_of_a_demo(demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`naravard followup extract` (a command of the follow-up context, mounted from CONTEXTS) reads the keys
    through the settings, else the demo's, and writes a lake; without keys it fails in one line."""
    from naravard.followup.lake.validation import validate_lake

    for name in ("NARAVARD_SECRET_KEY", "NARAVARD_AUDIT_HMAC_KEY"):
        monkeypatch.delenv(name, raising=False)
    copy = _copy_demo(demo_dir, tmp_path / "demo")
    lake = tmp_path / "lake"
    result = runner.invoke(app, ["followup", "extract", "--out", str(lake), "--data-dir", str(copy)])
    assert result.exit_code == 0, result.output
    assert "Extracted 200 persons" in result.output
    validate_lake(lake)
    assert runner.invoke(app, ["audit", "verify", "--data-dir", str(copy)]).exit_code == 0

    url = f"sqlite:///{copy / 'naravard.db'}"
    no_keys = runner.invoke(app, ["followup", "extract", "--out", str(tmp_path / "x"), "--database", url])
    assert no_keys.exit_code == 2 and "set NARAVARD_SECRET_KEY" in no_keys.output
