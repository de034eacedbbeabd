"""administration: unit catalogue import and what it needs (issue 20)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import naravard.db  # noqa: F401

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
