"""coordination: tasks between units and discharge planning (issue 16)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import naravard.db  # noqa: F401

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('coord_discharge',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('hospital_unit_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('municipality_unit_id', sa.Uuid(), nullable=False),
    sa.Column('health_centre_unit_id', sa.Uuid(), nullable=True),
    sa.Column('sender', sa.String(length=64), nullable=False),
    sa.Column('sender_message_id', sa.String(length=64), nullable=False),
    sa.Column('admitted_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('planned', sa.Boolean(), nullable=False),
    sa.Column('notice_sent_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('planned_discharge_date', sa.Date(), nullable=True),
    sa.Column('ready_date', sa.Date(), nullable=True),
    sa.Column('ready_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('municipality_provides', sa.String(length=1000), nullable=True),
    sa.Column('fast_vardkontakt', sa.String(length=200), nullable=True),
    sa.Column('fast_vardkontakt_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('discharge_date', sa.Date(), nullable=True),
    sa.Column('discharged_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('needs_continue', sa.Boolean(), nullable=True),
    sa.Column('sip_date', sa.Date(), nullable=True),
    sa.Column('sip_careplan_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('updated_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['health_centre_unit_id'], ['care_unit.id'], name=op.f('fk_coord_discharge_health_centre_unit_id_care_unit')),
    sa.ForeignKeyConstraint(['hospital_unit_id'], ['care_unit.id'], name=op.f('fk_coord_discharge_hospital_unit_id_care_unit')),
    sa.ForeignKeyConstraint(['municipality_unit_id'], ['care_unit.id'], name=op.f('fk_coord_discharge_municipality_unit_id_care_unit')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_coord_discharge_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coord_discharge')),
    sa.UniqueConstraint('sender', 'sender_message_id', name=op.f('uq_coord_discharge_sender'))
    )
    op.create_index('ix_coord_discharge_hc_status', 'coord_discharge', ['health_centre_unit_id', 'status'], unique=False)
    op.create_index('ix_coord_discharge_hospital_status', 'coord_discharge', ['hospital_unit_id', 'status'], unique=False)
    op.create_index('ix_coord_discharge_municipality_status', 'coord_discharge', ['municipality_unit_id', 'status'], unique=False)
    op.create_index('ix_coord_discharge_municipality_code_admitted', 'coord_discharge', ['municipality_code', 'admitted_at'], unique=False)
    op.create_index(op.f('ix_coord_discharge_person_id'), 'coord_discharge', ['person_id'], unique=False)
    op.create_table('coord_task',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('from_unit_id', sa.Uuid(), nullable=False),
    sa.Column('from_user_id', sa.Uuid(), nullable=True),
    sa.Column('to_unit_id', sa.Uuid(), nullable=False),
    sa.Column('to_practitioner_id', sa.Uuid(), nullable=True),
    sa.Column('what', sa.String(length=500), nullable=False),
    sa.Column('why', sa.String(length=2000), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('careplan_id', sa.Uuid(), nullable=True),
    sa.Column('activity_id', sa.Uuid(), nullable=True),
    sa.Column('activity_text', sa.String(length=500), nullable=True),
    sa.Column('coordinator_user_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_reason', sa.String(length=1000), nullable=True),
    sa.Column('updated_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_user_id'], ['user_account.id'], name=op.f('fk_coord_task_coordinator_user_id_user_account')),
    sa.ForeignKeyConstraint(['from_unit_id'], ['care_unit.id'], name=op.f('fk_coord_task_from_unit_id_care_unit')),
    sa.ForeignKeyConstraint(['from_user_id'], ['user_account.id'], name=op.f('fk_coord_task_from_user_id_user_account')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_coord_task_person_id_person')),
    sa.ForeignKeyConstraint(['to_practitioner_id'], ['practitioner.id'], name=op.f('fk_coord_task_to_practitioner_id_practitioner')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['care_unit.id'], name=op.f('fk_coord_task_to_unit_id_care_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coord_task'))
    )
    op.create_index(op.f('ix_coord_task_coordinator_user_id'), 'coord_task', ['coordinator_user_id'], unique=False)
    op.create_index('ix_coord_task_from_status', 'coord_task', ['from_unit_id', 'status'], unique=False)
    op.create_index(op.f('ix_coord_task_person_id'), 'coord_task', ['person_id'], unique=False)
    op.create_index('ix_coord_task_to_status', 'coord_task', ['to_unit_id', 'status'], unique=False)
    op.create_table('coord_discharge_event',
    sa.Column('discharge_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.String(length=1000), nullable=True),
    sa.Column('at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.Uuid(), nullable=True),
    sa.Column('by_username', sa.String(length=64), nullable=False),
    sa.Column('by_unit_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['discharge_id'], ['coord_discharge.id'], name=op.f('fk_coord_discharge_event_discharge_id_coord_discharge')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coord_discharge_event')),
    sa.UniqueConstraint('discharge_id', 'version', name=op.f('uq_coord_discharge_event_discharge_id'))
    )
    op.create_index(op.f('ix_coord_discharge_event_discharge_id'), 'coord_discharge_event', ['discharge_id'], unique=False)
    op.create_table('coord_task_event',
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('to_unit_id', sa.Uuid(), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.Uuid(), nullable=True),
    sa.Column('by_username', sa.String(length=64), nullable=False),
    sa.Column('by_unit_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['coord_task.id'], name=op.f('fk_coord_task_event_task_id_coord_task')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['care_unit.id'], name=op.f('fk_coord_task_event_to_unit_id_care_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coord_task_event')),
    sa.UniqueConstraint('task_id', 'version', name=op.f('uq_coord_task_event_task_id'))
    )
    op.create_index(op.f('ix_coord_task_event_task_id'), 'coord_task_event', ['task_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_coord_task_event_task_id'), table_name='coord_task_event')
    op.drop_table('coord_task_event')
    op.drop_index(op.f('ix_coord_discharge_event_discharge_id'), table_name='coord_discharge_event')
    op.drop_table('coord_discharge_event')
    op.drop_index('ix_coord_task_to_status', table_name='coord_task')
    op.drop_index(op.f('ix_coord_task_person_id'), table_name='coord_task')
    op.drop_index('ix_coord_task_from_status', table_name='coord_task')
    op.drop_index(op.f('ix_coord_task_coordinator_user_id'), table_name='coord_task')
    op.drop_table('coord_task')
    op.drop_index(op.f('ix_coord_discharge_person_id'), table_name='coord_discharge')
    op.drop_index('ix_coord_discharge_municipality_status', table_name='coord_discharge')
    op.drop_index('ix_coord_discharge_municipality_code_admitted', table_name='coord_discharge')
    op.drop_index('ix_coord_discharge_hospital_status', table_name='coord_discharge')
    op.drop_index('ix_coord_discharge_hc_status', table_name='coord_discharge')
    op.drop_table('coord_discharge')
