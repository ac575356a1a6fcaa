"""policy: the network's asks, the engagement log, partner networks, the annual report

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01

The policy feature's tables: policy_ask (standing asks per work area, owned by a lead city,
versioned), response_ask (the asks a consultation's response makes and whether government took
each up), engagement with its asks, consultations, partners and follow_up actions,
partner_network with consultation_partner, and annual_report (the report's introduction per
financial year). Core Cities and the LGA are seeded by `flask seed` (tracker/policy/reference.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partner_network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_network')),
    sa.UniqueConstraint('name', name=op.f('uq_partner_network_name'))
    )
    op.create_table('annual_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_annual_report_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report')),
    sa.UniqueConstraint('year', name=op.f('uq_annual_report_year'))
    )
    op.create_table('engagement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('work_area_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_engagement_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['work_area_id'], ['work_area.id'], name=op.f('fk_engagement_work_area_id_work_area'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement'))
    )
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_kind_occurred_on', ['kind', 'occurred_on'], unique=False)
        batch_op.create_index('ix_engagement_occurred_on', ['occurred_on'], unique=False)
        batch_op.create_index('ix_engagement_work_area_id_occurred_on', ['work_area_id', 'occurred_on'], unique=False)

    op.create_table('policy_ask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_area_id', sa.Integer(), nullable=False),
    sa.Column('lead_city_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_policy_ask_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_city_id'], ['city.id'], name=op.f('fk_policy_ask_lead_city_id_city'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['work_area_id'], ['work_area.id'], name=op.f('fk_policy_ask_work_area_id_work_area'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_ask'))
    )
    with op.batch_alter_table('policy_ask', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_ask_lead_city_id'), ['lead_city_id'], unique=False)
        batch_op.create_index('ix_policy_ask_work_area_id_status', ['work_area_id', 'status'], unique=False)

    op.create_table('consultation_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_consultation_partner_added_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_consultation_partner_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner_network.id'], name=op.f('fk_consultation_partner_partner_id_partner_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_partner')),
    sa.UniqueConstraint('consultation_id', 'partner_id', name=op.f('uq_consultation_partner_consultation_id_partner_id'))
    )
    with op.batch_alter_table('consultation_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_partner_partner_id'), ['partner_id'], unique=False)

    op.create_table('engagement_ask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('ask_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ask_id'], ['policy_ask.id'], name=op.f('fk_engagement_ask_ask_id_policy_ask'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_engagement_ask_engagement_id_engagement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_ask')),
    sa.UniqueConstraint('engagement_id', 'ask_id', name=op.f('uq_engagement_ask_engagement_id_ask_id'))
    )
    with op.batch_alter_table('engagement_ask', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_ask_ask_id'), ['ask_id'], unique=False)

    op.create_table('engagement_consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_engagement_consultation_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_engagement_consultation_engagement_id_engagement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_consultation')),
    sa.UniqueConstraint('engagement_id', 'consultation_id', name=op.f('uq_engagement_consultation_engagement_id_consultation_id'))
    )
    with op.batch_alter_table('engagement_consultation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_consultation_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('engagement_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_engagement_partner_engagement_id_engagement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner_network.id'], name=op.f('fk_engagement_partner_partner_id_partner_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_partner')),
    sa.UniqueConstraint('engagement_id', 'partner_id', name=op.f('uq_engagement_partner_engagement_id_partner_id'))
    )
    with op.batch_alter_table('engagement_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_partner_partner_id'), ['partner_id'], unique=False)

    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_follow_up_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['user.id'], name=op.f('fk_follow_up_done_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_follow_up_engagement_id_engagement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_follow_up_owner_id_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_done_at_due_on', ['done_at', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_owner_id'), ['owner_id'], unique=False)

    op.create_table('response_ask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('ask_id', sa.Integer(), nullable=False),
    sa.Column('taken_up', sa.String(length=10), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_response_ask_added_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ask_id'], ['policy_ask.id'], name=op.f('fk_response_ask_ask_id_policy_ask'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_response_ask_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_ask')),
    sa.UniqueConstraint('consultation_id', 'ask_id', name=op.f('uq_response_ask_consultation_id_ask_id'))
    )
    with op.batch_alter_table('response_ask', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_ask_ask_id'), ['ask_id'], unique=False)



def downgrade():
    with op.batch_alter_table('response_ask', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_ask_ask_id'))

    op.drop_table('response_ask')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_owner_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_engagement_id'))
        batch_op.drop_index('ix_follow_up_done_at_due_on')

    op.drop_table('follow_up')
    with op.batch_alter_table('engagement_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_partner_partner_id'))

    op.drop_table('engagement_partner')
    with op.batch_alter_table('engagement_consultation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_consultation_consultation_id'))

    op.drop_table('engagement_consultation')
    with op.batch_alter_table('engagement_ask', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_ask_ask_id'))

    op.drop_table('engagement_ask')
    with op.batch_alter_table('consultation_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_partner_partner_id'))

    op.drop_table('consultation_partner')
    with op.batch_alter_table('policy_ask', schema=None) as batch_op:
        batch_op.drop_index('ix_policy_ask_work_area_id_status')
        batch_op.drop_index(batch_op.f('ix_policy_ask_lead_city_id'))

    op.drop_table('policy_ask')
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.drop_index('ix_engagement_work_area_id_occurred_on')
        batch_op.drop_index('ix_engagement_occurred_on')
        batch_op.drop_index('ix_engagement_kind_occurred_on')

    op.drop_table('engagement')
    op.drop_table('annual_report')
    op.drop_table('partner_network')
