"""care plans: Patientkontrakt and SIP (issue 15)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import naravard.db

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain creates only: no table of an earlier revision is altered.
    op.create_table('care_plan',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('coordinator_user_id', sa.Uuid(), nullable=True),
    sa.Column('coordinator_practitioner_id', sa.Uuid(), nullable=True),
    sa.Column('current_version_no', sa.Integer(), nullable=False),
    sa.Column('updated_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('proposed_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('agreed_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.String(length=500), nullable=True),
    sa.Column('follow_up_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_practitioner_id'], ['practitioner.id'], name=op.f('fk_care_plan_coordinator_practitioner_id_practitioner')),
    sa.ForeignKeyConstraint(['coordinator_user_id'], ['user_account.id'], name=op.f('fk_care_plan_coordinator_user_id_user_account')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_care_plan_person_id_person')),
    sa.ForeignKeyConstraint(['unit_id'], ['care_unit.id'], name=op.f('fk_care_plan_unit_id_care_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_plan'))
    )
    op.create_index(op.f('ix_care_plan_coordinator_user_id'), 'care_plan', ['coordinator_user_id'], unique=False)
    op.create_index(op.f('ix_care_plan_person_id'), 'care_plan', ['person_id'], unique=False)
    op.create_index(op.f('ix_care_plan_unit_id'), 'care_plan', ['unit_id'], unique=False)
    op.create_table('care_plan_version',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('saved_by', sa.String(length=64), nullable=False),
    sa.Column('saved_by_role', sa.String(length=32), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['care_plan.id'], name=op.f('fk_care_plan_version_plan_id_care_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_plan_version')),
    sa.UniqueConstraint('plan_id', 'version_no', name=op.f('uq_care_plan_version_plan_id'))
    )
    op.create_index(op.f('ix_care_plan_version_plan_id'), 'care_plan_version', ['plan_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_care_plan_version_plan_id'), table_name='care_plan_version')
    op.drop_table('care_plan_version')
    op.drop_index(op.f('ix_care_plan_unit_id'), table_name='care_plan')
    op.drop_index(op.f('ix_care_plan_person_id'), table_name='care_plan')
    op.drop_index(op.f('ix_care_plan_coordinator_user_id'), table_name='care_plan')
    op.drop_table('care_plan')
