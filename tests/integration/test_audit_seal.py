"""Sealing the audit trail (docs/adr/0006-audit-sealing.md), on both databases: rows are inserted unsealed
and chained by the sealer; the database lets a row be sealed once and nothing else; verify reports the
unsealed rows and detects a changed, deleted or reordered row, and (through a checkpoint) deleted newest
rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from naravard.actor import system_actor
from naravard.audit import sealing
from naravard.audit import service as audit_service
from naravard.audit.models import AuditEvent
from tests import factories as f


def _write(db: Session, n: int, *, seal: bool = True) -> list[int]:
    seqs = [
        audit_service.record(db, actor=system_actor("t"), action=f.TestAction.ROW_WRITE, detail={"i": i}).seq
        for i in range(n)
    ]
    db.commit()
    if seal:
        sealing.seal(db)
        db.commit()
    db.expire_all()
    return seqs


def _drop_triggers(db: Session) -> None:
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("DROP TRIGGER audit_event_no_update_delete ON audit_event"))
    else:
        db.execute(text("DROP TRIGGER audit_event_no_update"))
        db.execute(text("DROP TRIGGER audit_event_no_delete"))


def test_rows_are_written_unsealed_and_the_sealer_chains_them_in_seq_order(db: Session) -> None:
    seqs = _write(db, 3, seal=False)
    rows = list(db.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    assert [(r.sealed_seq, r.prev_hash, r.hash) for r in rows] == [(None, "", "")] * 3
    pending = audit_service.verify(db)
    assert pending.ok and pending.checked == 0 and pending.unsealed == 3
    assert pending.unsealed_age is not None and 0 <= pending.unsealed_age < 60
    assert sealing.seal(db, batch=2) == 2 and sealing.seal(db, batch=2) == 1 and sealing.seal(db) == 0
    db.commit()
    db.expire_all()
    rows = list(db.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    assert [r.seq for r in rows] == seqs and [r.sealed_seq for r in rows] == [1, 2, 3]
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    done = audit_service.verify(db)
    assert done.ok and done.checked == 3 and done.unsealed == 0 and done.unsealed_age is None


def test_a_row_that_commits_late_is_sealed_in_a_later_batch(db: Session) -> None:
    """A transaction holding a lower seq may commit after higher ones were sealed (PostgreSQL's sequence
    hands seq out at insert): the row is sealed next, never skipped, and the chain still verifies."""
    (first,) = _write(db, 1)
    columns = "occurred_at, request_id, username, role, purpose, action, outcome, prev_hash, hash"
    insert = text(
        f"INSERT INTO audit_event (seq, {columns}) "
        "VALUES (:seq, '2026-12-04 10:00:00+00:00', 'r', 'late', 'system', 'x', 'test:row:write', 'allowed', '', '')"
    )
    db.execute(insert, {"seq": first + 10})
    db.commit()
    sealing.seal(db)
    db.execute(insert, {"seq": first + 5})  # the late one: lower seq, committed after
    db.commit()
    sealing.seal(db)
    db.commit()
    db.expire_all()
    order = db.execute(
        select(AuditEvent.seq, AuditEvent.sealed_seq).where(AuditEvent.sealed_seq.is_not(None))
    ).all()
    assert sorted(order, key=lambda r: r[1] or 0) == [(first, 1), (first + 10, 2), (first + 5, 3)]
    assert audit_service.verify(db).ok


def test_the_database_lets_a_row_be_sealed_once_and_nothing_else(db: Session) -> None:
    (seq,) = _write(db, 1, seal=False)
    for statement in (
        # sealing it while changing it
        f"UPDATE audit_event SET sealed_seq = 1, prev_hash = 'p', hash = 'h', reason = 'x' WHERE seq = {seq}",
        f"UPDATE audit_event SET reason = 'x' WHERE seq = {seq}",  # changing it unsealed
        f"DELETE FROM audit_event WHERE seq = {seq}",  # deleting it unsealed
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
            db.execute(text(statement))
    sealing.seal(db)
    db.commit()
    for statement in (
        f"UPDATE audit_event SET sealed_seq = 5, hash = 'h' WHERE seq = {seq}",  # sealing again
        f"UPDATE audit_event SET sealed_seq = NULL, prev_hash = '', hash = '' WHERE seq = {seq}",  # unsealing
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
            db.execute(text(statement))


def test_reordered_rows_are_detected(db: Session) -> None:
    _write(db, 4)
    _drop_triggers(db)
    # Swap the chain places of rows 2 and 3 (each keeps its own hash).
    db.execute(text("UPDATE audit_event SET sealed_seq = -2 WHERE sealed_seq = 2"))
    db.execute(text("UPDATE audit_event SET sealed_seq = 2 WHERE sealed_seq = 3"))
    db.execute(text("UPDATE audit_event SET sealed_seq = 3 WHERE sealed_seq = -2"))
    db.expire_all()
    result = audit_service.verify(db)
    assert not result.ok and "does not follow" in (result.problem or "")


def test_swapped_seq_values_are_detected(db: Session) -> None:
    a, b, _c = _write(db, 3)
    _drop_triggers(db)
    db.execute(text(f"UPDATE audit_event SET seq = -1 WHERE seq = {a}"))
    db.execute(text(f"UPDATE audit_event SET seq = {a} WHERE seq = {b}"))
    db.execute(text(f"UPDATE audit_event SET seq = {b} WHERE seq = -1"))
    db.expire_all()
    result = audit_service.verify(db)
    assert not result.ok and "changed" in (result.problem or "")


def test_a_deleted_newest_row_is_detected_through_the_checkpoint(db: Session, tmp_path: Path) -> None:
    _write(db, 3)
    path = sealing.write_checkpoint(db, tmp_path)
    assert path is not None and json.loads(path.read_text())["sealed_seq"] == 3
    good = audit_service.verify(db, checkpoint_dir=tmp_path)
    assert good.ok and good.checkpoints == 1
    _drop_triggers(db)
    db.execute(text("DELETE FROM audit_event WHERE sealed_seq = 3"))
    db.expire_all()
    assert audit_service.verify(db).ok  # the shorter chain is consistent in itself ...
    result = audit_service.verify(db, checkpoint_dir=tmp_path)  # ... but not with the checkpoint
    assert not result.ok and "newest rows were deleted" in (result.problem or "")


def test_a_forged_or_outdated_checkpoint_is_detected(db: Session, tmp_path: Path) -> None:
    _write(db, 2)
    path = sealing.write_checkpoint(db, tmp_path)
    assert path is not None
    document = json.loads(path.read_text())
    path.write_text(json.dumps({**document, "sealed_seq": 1}))  # edited without the key
    result = audit_service.verify(db, checkpoint_dir=tmp_path)
    assert not result.ok and "wrong signature" in (result.problem or "")
    path.write_text(json.dumps({**document, "head_hash": "0" * 64}))
    result = audit_service.verify(db, checkpoint_dir=tmp_path)
    assert not result.ok and "wrong signature" in (result.problem or "")


def test_the_cli_reports_unsealed_rows_seals_them_and_checks_the_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from naravard import migrate
    from naravard.audit.cli import app as audit_cli
    from naravard.db import make_engine, make_session_factory, transaction
    from tests.conftest import AUDIT_KEY

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    factory = make_session_factory(make_engine(url), audit_key=AUDIT_KEY)
    with transaction(factory) as session:
        for _ in range(3):
            audit_service.record(session, actor=system_actor("t"), action=f.TestAction.ROW_WRITE)
    monkeypatch.setenv("NARAVARD_AUDIT_HMAC_KEY", AUDIT_KEY.decode())
    runner, where = CliRunner(), ["--database", url, "--checkpoint-dir", str(tmp_path / "cp")]
    pending = runner.invoke(audit_cli, ["verify", *where])
    assert pending.exit_code == 0 and "Not sealed yet: 3 rows" in pending.output, pending.output
    sealed = runner.invoke(audit_cli, ["seal", *where])
    assert sealed.exit_code == 0 and "Sealed 3 rows" in sealed.output, sealed.output
    intact = runner.invoke(audit_cli, ["verify", *where])
    assert intact.exit_code == 0 and "intact: 3 rows, 1 checkpoints agree" in intact.output, intact.output
    assert "Not sealed" not in intact.output
