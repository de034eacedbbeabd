"""The client's request id in the audit chain (issue 22): stored apart from the server's request id, bounded,
and hashed only when set, so that rows written before the column existed still verify."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from naravard.actor import system_actor
from naravard.audit import sealing
from naravard.audit import service as audit_service
from naravard.audit.chain import row_hash
from naravard.audit.models import AuditEvent
from tests import factories as f
from tests.conftest import AUDIT_KEY


def _drop_triggers(db: Session) -> None:
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("DROP TRIGGER audit_event_no_update_delete ON audit_event"))
    else:
        db.execute(text("DROP TRIGGER audit_event_no_update"))
        db.execute(text("DROP TRIGGER audit_event_no_delete"))


def _rows(db: Session) -> list[AuditEvent]:
    sealing.seal(db)  # rows are chained by the sealer (docs/adr/0006-audit-sealing.md)
    db.commit()
    db.expire_all()
    return list(db.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_client_request_id_is_stored_apart_and_the_chain_verifies(db: Session) -> None:
    actor = replace(system_actor("t"), client_request_id="trace-1")
    audit_service.record(db, actor=actor, action=f.TestAction.ROW_WRITE)
    audit_service.record(db, actor=system_actor("t"), action=f.TestAction.ROW_WRITE)
    db.commit()
    with_id, without = _rows(db)
    assert with_id.client_request_id == "trace-1" and with_id.request_id == actor.request_id
    assert without.client_request_id is None
    assert audit_service.verify(db).ok


def test_a_row_without_it_hashes_as_before_the_column_existed(db: Session) -> None:
    audit_service.record(db, actor=system_actor("t"), action=f.TestAction.ROW_WRITE)
    db.commit()
    (row,) = _rows(db)
    old_fields = {name: getattr(row, name) for name in audit_service.HASHED_FIELDS}
    assert row.hash == row_hash(AUDIT_KEY, row.prev_hash, old_fields)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("x" * 80, "x" * 64), ("bad\x00id", None), ("bär", None), ("line\nbreak", None), ("", None)],
    ids=["long", "nul", "non-ascii", "newline", "empty"],
)
def test_record_bounds_the_client_request_id(db: Session, sent: str, stored: str | None) -> None:
    audit_service.record(
        db, actor=replace(system_actor("t"), client_request_id=sent), action=f.TestAction.ROW_WRITE
    )
    db.commit()
    (row,) = _rows(db)
    assert row.client_request_id == stored
    assert audit_service.verify(db).ok


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET client_request_id = 'forged' WHERE seq = {first}",  # added to a row without one
        "UPDATE audit_event SET client_request_id = NULL WHERE seq = {second}",  # removed
        "UPDATE audit_event SET client_request_id = 'other' WHERE seq = {second}",  # changed
    ],
    ids=["added", "removed", "changed"],
)
def test_changing_the_client_request_id_breaks_the_chain(db: Session, statement: str) -> None:
    audit_service.record(db, actor=system_actor("t"), action=f.TestAction.ROW_WRITE)
    audit_service.record(
        db, actor=replace(system_actor("t"), client_request_id="trace-2"), action=f.TestAction.ROW_WRITE
    )
    db.commit()
    first, second = _rows(db)
    assert audit_service.verify(db).ok
    _drop_triggers(db)
    statement = statement.format(first=first.seq, second=second.seq)
    db.execute(text(statement))
    db.expire_all()
    result = audit_service.verify(db)
    assert not result.ok and "changed" in (result.problem or "")
