"""the notifications outbox shared by the contexts (issues 16, 17)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import naravard.db  # noqa: F401

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notification',
    sa.Column('to_unit_id', sa.Uuid(), nullable=True),
    sa.Column('to_user_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('read_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('read_by', sa.Uuid(), nullable=True),
    sa.Column('delivered_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['to_unit_id'], ['care_unit.id'], name=op.f('fk_notification_to_unit_id_care_unit')),
    sa.ForeignKeyConstraint(['to_user_id'], ['user_account.id'], name=op.f('fk_notification_to_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    op.create_index('ix_notification_pending', 'notification', ['delivered_at', 'attempts'], unique=False)
    op.create_index('ix_notification_unit_created', 'notification', ['to_unit_id', 'created_at'], unique=False)
    op.create_index('ix_notification_user_created', 'notification', ['to_user_id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notification_user_created', table_name='notification')
    op.drop_index('ix_notification_unit_created', table_name='notification')
    op.drop_index('ix_notification_pending', table_name='notification')
    op.drop_table('notification')
