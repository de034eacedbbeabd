"""OpenID Connect identities of accounts (issue 20)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import naravard.db  # noqa: F401

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
