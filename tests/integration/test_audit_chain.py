"""The audit trail is append-only and tamper-evident on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from naravard.actor import system_actor
from naravard.audit import sealing
from naravard.audit import service as audit_service
from tests import factories as f


def _write(db: Session, n: int) -> None:
    for i in range(n):
        audit_service.record(db, actor=system_actor("t"), action=f.TestAction.ROW_WRITE, detail={"i": i})
    db.commit()
    sealing.seal(db)  # rows are chained by the sealer (docs/adr/0006-audit-sealing.md)
    db.commit()


def _drop_triggers(db: Session) -> None:
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("DROP TRIGGER audit_event_no_update_delete ON audit_event"))
    else:
        db.execute(text("DROP TRIGGER audit_event_no_update"))
        db.execute(text("DROP TRIGGER audit_event_no_delete"))


def test_chain_verifies(db: Session) -> None:
    _write(db, 5)
    result = audit_service.verify(db)
    assert result.ok and result.checked == 5


def test_update_and_delete_are_refused_by_the_database(db: Session) -> None:
    _write(db, 2)
    for statement in (
        "UPDATE audit_event SET action = 'x' WHERE sealed_seq = 1",
        "DELETE FROM audit_event WHERE sealed_seq = 1",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
            db.execute(text(statement))


def test_changed_row_is_named(db: Session) -> None:
    _write(db, 4)
    _drop_triggers(db)
    third = db.scalar(text("SELECT seq FROM audit_event WHERE sealed_seq = 3"))
    db.execute(text("UPDATE audit_event SET reason = 'edited' WHERE sealed_seq = 3"))
    db.expire_all()
    result = audit_service.verify(db)
    assert not result.ok and result.first_broken_seq == third and "changed" in (result.problem or "")


def test_deleted_row_is_named(db: Session) -> None:
    _write(db, 4)
    _drop_triggers(db)
    db.execute(text("DELETE FROM audit_event WHERE sealed_seq = 2"))
    db.expire_all()
    result = audit_service.verify(db)
    assert not result.ok and result.first_broken_seq == 2 and "missing" in (result.problem or "")


def test_rehashed_row_without_the_key_is_detected(db: Session) -> None:
    """An attacker with database access but not the key cannot forge a consistent chain."""
    import hashlib

    _write(db, 3)
    _drop_triggers(db)
    forged = hashlib.sha256(b"forged").hexdigest()
    second = db.scalar(text("SELECT seq FROM audit_event WHERE sealed_seq = 2"))
    db.execute(text("UPDATE audit_event SET reason = 'x', hash = :h WHERE sealed_seq = 2"), {"h": forged})
    db.expire_all()
    result = audit_service.verify(db)
    assert not result.ok and result.first_broken_seq == second
