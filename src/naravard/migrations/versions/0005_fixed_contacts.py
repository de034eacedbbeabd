"""fixed contacts (issue 14): fast läkarkontakt and fast vårdkontakt with history, unit capacity and
need rule, doctors' share of full time, the notices' outbox

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 17:16:43.655105
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import naravard.db

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain creates only: no table of an earlier revision is altered (audit_event's triggers stay).
    op.create_table('contact_doctor_fte',
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('practitioner_id', sa.Uuid(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'], name=op.f('fk_contact_doctor_fte_practitioner_id_practitioner')),
    sa.ForeignKeyConstraint(['unit_id'], ['care_unit.id'], name=op.f('fk_contact_doctor_fte_unit_id_care_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_doctor_fte')),
    sa.UniqueConstraint('unit_id', 'practitioner_id', name=op.f('uq_contact_doctor_fte_unit_id'))
    )
    op.create_table('contact_unit_settings',
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('capacity_per_fte', sa.Integer(), nullable=False),
    sa.Column('need_min_age', sa.Integer(), nullable=True),
    sa.Column('need_home_health_care', sa.Boolean(), nullable=False),
    sa.Column('need_min_contacts', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['care_unit.id'], name=op.f('fk_contact_unit_settings_unit_id_care_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_unit_settings')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_contact_unit_settings_unit_id'))
    )
    op.create_table('fixed_contact',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('practitioner_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('listing_id', sa.Uuid(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('end_reason', sa.String(length=32), nullable=True),
    sa.Column('ended_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.String(length=64), nullable=True),
    sa.Column('informed_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('informed_how', sa.String(length=16), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listing.id'], name=op.f('fk_fixed_contact_listing_id_listing')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_fixed_contact_person_id_person')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'], name=op.f('fk_fixed_contact_practitioner_id_practitioner')),
    sa.ForeignKeyConstraint(['unit_id'], ['care_unit.id'], name=op.f('fk_fixed_contact_unit_id_care_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fixed_contact'))
    )
    op.create_index(op.f('ix_fixed_contact_listing_id'), 'fixed_contact', ['listing_id'], unique=False)
    op.create_index(op.f('ix_fixed_contact_person_id'), 'fixed_contact', ['person_id'], unique=False)
    op.create_index('ix_fixed_contact_practitioner_active', 'fixed_contact', ['practitioner_id', 'valid_to'], unique=False)
    op.create_index(op.f('ix_fixed_contact_unit_id'), 'fixed_contact', ['unit_id'], unique=False)
    # One fast läkarkontakt in force per person, held by the database against concurrent writers: a partial
    # unique index, which both SQLite and PostgreSQL have.
    op.create_index('uq_fixed_contact_active_doctor', 'fixed_contact', ['person_id'], unique=True, sqlite_where=sa.text("kind = 'doctor' AND valid_to IS NULL"), postgresql_where=sa.text("kind = 'doctor' AND valid_to IS NULL"))
    op.create_table('contact_notice',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('fixed_contact_id', sa.Uuid(), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('delivered_at', naravard.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivery_ref', sa.String(length=100), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', naravard.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fixed_contact_id'], ['fixed_contact.id'], name=op.f('fk_contact_notice_fixed_contact_id_fixed_contact')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_contact_notice_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_notice'))
    )
    op.create_index(op.f('ix_contact_notice_fixed_contact_id'), 'contact_notice', ['fixed_contact_id'], unique=False)
    op.create_index(op.f('ix_contact_notice_person_id'), 'contact_notice', ['person_id'], unique=False)
    op.create_index('ix_contact_notice_status_next', 'contact_notice', ['status', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_contact_notice_status_next', table_name='contact_notice')
    op.drop_index(op.f('ix_contact_notice_person_id'), table_name='contact_notice')
    op.drop_index(op.f('ix_contact_notice_fixed_contact_id'), table_name='contact_notice')
    op.drop_table('contact_notice')
    op.drop_index('uq_fixed_contact_active_doctor', table_name='fixed_contact')
    op.drop_index(op.f('ix_fixed_contact_unit_id'), table_name='fixed_contact')
    op.drop_index('ix_fixed_contact_practitioner_active', table_name='fixed_contact')
    op.drop_index(op.f('ix_fixed_contact_person_id'), table_name='fixed_contact')
    op.drop_index(op.f('ix_fixed_contact_listing_id'), table_name='fixed_contact')
    op.drop_table('fixed_contact')
    op.drop_table('contact_unit_settings')
    op.drop_table('contact_doctor_fte')
