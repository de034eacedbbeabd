"""OpenID Connect identities of accounts (issue 20)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import naravard.db  # noqa: F401

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('oidc_identity',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('last_login_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_oidc_identity_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_identity')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_oidc_identity_issuer'))
    )
    op.create_index(op.f('ix_oidc_identity_user_id'), 'oidc_identity', ['user_id'], unique=False)
    op.create_table('oidc_login_flow',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('next_path', sa.String(length=500), nullable=False),
    sa.Column('expires_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_login_flow')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_oidc_login_flow_token_hash'))
    )
    op.create_index(op.f('ix_oidc_login_flow_expires_at'), 'oidc_login_flow', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_oidc_login_flow_expires_at'), table_name='oidc_login_flow')
    op.drop_table('oidc_login_flow')
    op.drop_index(op.f('ix_oidc_identity_user_id'), table_name='oidc_identity')
    op.drop_table('oidc_identity')
