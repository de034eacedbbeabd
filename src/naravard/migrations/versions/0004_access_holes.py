"""access holes (issue 22): how a consent was given and its review, login back-off, the client's request id

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 16:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import naravard.db

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('consent', schema=None) as batch_op:
        # Rows from before this revision have no method or giver: they read as "not recorded".
        batch_op.add_column(sa.Column('method', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('given_by', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('recorded_by_unit_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', naravard.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.String(length=1000), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_consent_recorded_by_unit_id_care_unit'), 'care_unit', ['recorded_by_unit_id'], ['id']
        )
    op.add_column('user_account', sa.Column('locked_until', naravard.db.UTCDateTime(timezone=True), nullable=True))
    # A plain ALTER TABLE, never a batch copy: copying audit_event on SQLite would drop its append-only
    # triggers (revision 0001) with the old table.
    op.add_column('audit_event', sa.Column('client_request_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place, keeping audit_event's triggers; see upgrade().
    op.execute('ALTER TABLE audit_event DROP COLUMN client_request_id')
    op.execute('ALTER TABLE user_account DROP COLUMN locked_until')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consent_recorded_by_unit_id_care_unit'), type_='foreignkey')
        for column in (
            'review_note', 'reviewed_by', 'reviewed_at', 'withdrawn_by', 'recorded_by_unit_id', 'given_by', 'method'
        ):
            batch_op.drop_column(column)
