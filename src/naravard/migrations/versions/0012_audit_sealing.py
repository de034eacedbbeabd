"""audit trail sealed in batches, checkpoints of its head (issue 20)

Rows are now inserted without the chain lock and without a hash (``prev_hash`` and ``hash`` empty,
``sealed_seq`` NULL); the sealer chains them later and sets those three columns once. Rows written before
this revision are already chained in ``seq`` order: they get ``sealed_seq = seq``, their hashes unchanged.
See docs/adr/0006-audit-sealing.md.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import naravard.db  # noqa: F401

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Columns the sealer sets; every other column of a row is fixed from its insert.
_SQLITE_FIXED = (
    "seq",
    "occurred_at",
    "request_id",
    "client_request_id",
    "user_id",
    "username",
    "role",
    "unit_id",
    "organization_id",
    "purpose",
    "patient_id",
    "action",
    "outcome",
    "reason",
    "detail",
)
_REFUSE_SQLITE = "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
_APPEND_ONLY_PG_0001 = """
    CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$
"""
# The one update allowed: sealing an unsealed row (sealed_seq from NULL, its hash from empty), nothing else
# of the row changed. to_jsonb(row) covers every column, also ones added later.
_APPEND_ONLY_PG_0012 = """
    CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        IF OLD.sealed_seq IS NULL AND OLD.hash = '' AND NEW.sealed_seq IS NOT NULL
           AND NEW.hash <> '' AND NEW.prev_hash <> ''
           AND (to_jsonb(NEW) - 'sealed_seq' - 'prev_hash' - 'hash')
               = (to_jsonb(OLD) - 'sealed_seq' - 'prev_hash' - 'hash') THEN
          RETURN NEW;
        END IF;
      END IF;
      RAISE EXCEPTION 'audit_event is append-only';
    END; $$
"""


def _sqlite_update_trigger(*, sealing: bool) -> str:
    if not sealing:
        return f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event {_REFUSE_SQLITE}"
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _SQLITE_FIXED)
    return (
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event WHEN NOT ("
        "OLD.sealed_seq IS NULL AND OLD.hash = '' AND NEW.sealed_seq IS NOT NULL"
        f" AND NEW.hash <> '' AND NEW.prev_hash <> '' AND {same}) {_REFUSE_SQLITE}"
    )


def upgrade() -> None:
    # Plain ALTER TABLE, never a batch copy (that would drop audit_event's triggers with the old table).
    op.add_column("audit_event", sa.Column("sealed_seq", sa.BigInteger(), nullable=True))
    op.create_index(op.f("ix_audit_event_sealed_seq"), "audit_event", ["sealed_seq"], unique=True)
    postgres = op.get_bind().dialect.name == "postgresql"
    # The rows so far are chained in seq order already: their place in the chain is their seq.
    if postgres:
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete")
        op.execute("UPDATE audit_event SET sealed_seq = seq")
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update_delete")
        op.execute(_APPEND_ONLY_PG_0012)
        # seq was set by the application until now; from here the sequence gives it.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('audit_event', 'seq'), "
            "COALESCE((SELECT max(seq) FROM audit_event), 0) + 1, false)"
        )
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("UPDATE audit_event SET sealed_seq = seq")
        op.execute(_sqlite_update_trigger(sealing=True))


def downgrade() -> None:
    bind = op.get_bind()
    unsealed = bind.execute(sa.text("SELECT count(*) FROM audit_event WHERE sealed_seq IS NULL")).scalar_one()
    if unsealed:
        raise RuntimeError(f"{unsealed} audit row(s) are not sealed yet: run `naravard audit seal` first")
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute(_APPEND_ONLY_PG_0001)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    op.drop_index(op.f("ix_audit_event_sealed_seq"), table_name="audit_event")
    # SQLite (3.35+) drops a column in place, keeping audit_event's other triggers.
    op.execute("ALTER TABLE audit_event DROP COLUMN sealed_seq")
    if not postgres:
        op.execute(_sqlite_update_trigger(sealing=False))
