"""followup targets: the region's own targets per indicator and scope

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:29:09.644154
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import naravard.db

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('followup_target',
    sa.Column('indicator', sa.String(length=32), nullable=False),
    sa.Column('scope_type', sa.String(length=16), nullable=False),
    sa.Column('scope_id', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=False),
    sa.Column('changed_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_target')),
    sa.UniqueConstraint('indicator', 'scope_type', 'scope_id', name=op.f('uq_followup_target_indicator'))
    )


def downgrade() -> None:
    op.drop_table('followup_target')
