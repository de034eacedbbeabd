"""followup targets relative to a baseline period: followup_target.baseline

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:12:41.215311
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('followup_target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('baseline', sa.String(length=16), nullable=True))


def downgrade() -> None:
    # Without the column a relative target's factor (1.2) would read as an absolute target of 1.2, which no
    # share or index can meet. Rather than delete the region's decisions, refuse: they are removed (or made
    # absolute) on /followup/targets first, which versions and audit-logs it.
    relative = op.get_bind().execute(
        sa.text('SELECT count(*) FROM followup_target WHERE baseline IS NOT NULL')
    ).scalar_one()
    if relative:
        raise RuntimeError(
            f'followup_target holds {relative} relative target(s) (a baseline period), which revision 0002 '
            'cannot express; delete them or make them absolute before downgrading'
        )
    with op.batch_alter_table('followup_target', schema=None) as batch_op:
        batch_op.drop_column('baseline')
