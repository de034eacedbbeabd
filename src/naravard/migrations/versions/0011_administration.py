"""administration: unit catalogue import and what it needs (issue 20)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import naravard.db  # noqa: F401

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A consent or block an administrator records on the patient's written request names the request
    # (its reference, diarienummer); a block also who asked (patient, guardian, representative).
    op.add_column('consent', sa.Column('request_reference', sa.String(length=64), nullable=True))
    op.add_column('access_block', sa.Column('request_reference', sa.String(length=64), nullable=True))
    op.add_column('access_block', sa.Column('given_by', sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column('access_block', 'given_by')
    op.drop_column('access_block', 'request_reference')
    op.drop_column('consent', 'request_reference')
