"""governance: bodies, directives, plans, projects, action plans, meetings (issue 17)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import naravard.db

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain creates only: no table of an earlier revision is altered.
    op.create_table('gov_body',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('programme_area', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_body')),
    sa.UniqueConstraint('name', name=op.f('uq_gov_body_name'))
    )
    op.create_table('gov_reminder',
    sa.Column('deadline_key', sa.String(length=120), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_reminder')),
    sa.UniqueConstraint('deadline_key', 'sent_on', name=op.f('uq_gov_reminder_deadline_key'))
    )
    op.create_table('gov_version',
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('saved_by', sa.String(length=200), nullable=False),
    sa.Column('saved_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_version')),
    sa.UniqueConstraint('entity', 'entity_id', 'version', name=op.f('uq_gov_version_entity'))
    )
    op.create_index(op.f('ix_gov_version_entity_id'), 'gov_version', ['entity_id'], unique=False)
    op.create_table('gov_meeting',
    sa.Column('body_id', sa.Uuid(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['gov_body.id'], name=op.f('fk_gov_meeting_body_id_gov_body')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_meeting'))
    )
    op.create_index(op.f('ix_gov_meeting_body_id'), 'gov_meeting', ['body_id'], unique=False)
    op.create_table('gov_action_plan',
    sa.Column('body_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('focus', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('owner_user_id', sa.Uuid(), nullable=True),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['gov_body.id'], name=op.f('fk_gov_action_plan_body_id_gov_body')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['user_account.id'], name=op.f('fk_gov_action_plan_owner_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_action_plan'))
    )
    op.create_index(op.f('ix_gov_action_plan_body_id'), 'gov_action_plan', ['body_id'], unique=False)
    op.create_table('gov_decision',
    sa.Column('body_id', sa.Uuid(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Uuid(), nullable=True),
    sa.Column('frozen', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['gov_body.id'], name=op.f('fk_gov_decision_body_id_gov_body')),
    sa.ForeignKeyConstraint(['meeting_id'], ['gov_meeting.id'], name=op.f('fk_gov_decision_meeting_id_gov_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_decision'))
    )
    op.create_index(op.f('ix_gov_decision_body_id'), 'gov_decision', ['body_id'], unique=False)
    op.create_table('gov_directive',
    sa.Column('body_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('direction', sa.Text(), nullable=False),
    sa.Column('yearly_goals', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('owner_user_id', sa.Uuid(), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('external_ref', sa.String(length=64), nullable=True),
    sa.Column('registration_due', sa.Date(), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['gov_body.id'], name=op.f('fk_gov_directive_body_id_gov_body')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['user_account.id'], name=op.f('fk_gov_directive_owner_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_directive'))
    )
    op.create_index(op.f('ix_gov_directive_body_id'), 'gov_directive', ['body_id'], unique=False)
    op.create_table('gov_member',
    sa.Column('body_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['gov_body.id'], name=op.f('fk_gov_member_body_id_gov_body')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_gov_member_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_member'))
    )
    op.create_index(op.f('ix_gov_member_body_id'), 'gov_member', ['body_id'], unique=False)
    op.create_index(op.f('ix_gov_member_user_id'), 'gov_member', ['user_id'], unique=False)
    op.create_table('gov_action',
    sa.Column('action_plan_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('owner_user_id', sa.Uuid(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('light', sa.String(length=16), nullable=False),
    sa.Column('indicators', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_plan_id'], ['gov_action_plan.id'], name=op.f('fk_gov_action_action_plan_id_gov_action_plan')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['user_account.id'], name=op.f('fk_gov_action_owner_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_action'))
    )
    op.create_index(op.f('ix_gov_action_action_plan_id'), 'gov_action', ['action_plan_id'], unique=False)
    op.create_table('gov_plan',
    sa.Column('body_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('frozen_decision_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['gov_body.id'], name=op.f('fk_gov_plan_body_id_gov_body')),
    sa.ForeignKeyConstraint(['frozen_decision_id'], ['gov_decision.id'], name=op.f('fk_gov_plan_frozen_decision_id_gov_decision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_plan'))
    )
    op.create_index(op.f('ix_gov_plan_body_id'), 'gov_plan', ['body_id'], unique=False)
    op.create_table('gov_criterion',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['gov_plan.id'], name=op.f('fk_gov_criterion_plan_id_gov_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_criterion'))
    )
    op.create_index(op.f('ix_gov_criterion_plan_id'), 'gov_criterion', ['plan_id'], unique=False)
    op.create_table('gov_project',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('owner_user_id', sa.Uuid(), nullable=True),
    sa.Column('budget', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_user_id'], ['user_account.id'], name=op.f('fk_gov_project_owner_user_id_user_account')),
    sa.ForeignKeyConstraint(['plan_id'], ['gov_plan.id'], name=op.f('fk_gov_project_plan_id_gov_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_project'))
    )
    op.create_index(op.f('ix_gov_project_plan_id'), 'gov_project', ['plan_id'], unique=False)
    op.create_table('gov_score',
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('criterion_id', sa.Uuid(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['gov_criterion.id'], name=op.f('fk_gov_score_criterion_id_gov_criterion')),
    sa.ForeignKeyConstraint(['project_id'], ['gov_project.id'], name=op.f('fk_gov_score_project_id_gov_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gov_score')),
    sa.UniqueConstraint('project_id', 'criterion_id', name=op.f('uq_gov_score_project_id'))
    )
    op.create_index(op.f('ix_gov_score_criterion_id'), 'gov_score', ['criterion_id'], unique=False)
    op.create_index(op.f('ix_gov_score_project_id'), 'gov_score', ['project_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_gov_score_project_id'), table_name='gov_score')
    op.drop_index(op.f('ix_gov_score_criterion_id'), table_name='gov_score')
    op.drop_table('gov_score')
    op.drop_index(op.f('ix_gov_project_plan_id'), table_name='gov_project')
    op.drop_table('gov_project')
    op.drop_index(op.f('ix_gov_criterion_plan_id'), table_name='gov_criterion')
    op.drop_table('gov_criterion')
    op.drop_index(op.f('ix_gov_plan_body_id'), table_name='gov_plan')
    op.drop_table('gov_plan')
    op.drop_index(op.f('ix_gov_action_action_plan_id'), table_name='gov_action')
    op.drop_table('gov_action')
    op.drop_index(op.f('ix_gov_member_user_id'), table_name='gov_member')
    op.drop_index(op.f('ix_gov_member_body_id'), table_name='gov_member')
    op.drop_table('gov_member')
    op.drop_index(op.f('ix_gov_directive_body_id'), table_name='gov_directive')
    op.drop_table('gov_directive')
    op.drop_index(op.f('ix_gov_decision_body_id'), table_name='gov_decision')
    op.drop_table('gov_decision')
    op.drop_index(op.f('ix_gov_action_plan_body_id'), table_name='gov_action_plan')
    op.drop_table('gov_action_plan')
    op.drop_index(op.f('ix_gov_meeting_body_id'), table_name='gov_meeting')
    op.drop_table('gov_meeting')
    op.drop_index(op.f('ix_gov_version_entity_id'), table_name='gov_version')
    op.drop_table('gov_version')
    op.drop_table('gov_reminder')
    op.drop_table('gov_body')
