"""evidence requests: the lead city asks member cities for local evidence on a consultation

Revision ID: 0026
Revises: 0025

The evidence feature's tables: evidence_request (the brief, the reply-by date, whether contributors
are told, closing; versioned), evidence_request_question (the draft's questions it asks about; none:
the consultation as a whole), evidence_reply (one per asked city, awaited until it replies or has
nothing to add; versioned), evidence_answer (a reply's text per question) and evidence_file (an
attachment's name, type found in its content, size and the random name its bytes are stored under).
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evidence_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('brief', sa.Text(), nullable=False),
    sa.Column('reply_by', sa.Date(), nullable=False),
    sa.Column('include_contributors', sa.Boolean(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['asked_by_id'], ['user.id'], name=op.f('fk_evidence_request_asked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_evidence_request_closed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_evidence_request_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_request'))
    )
    with op.batch_alter_table('evidence_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_request_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('evidence_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_evidence_reply_city_id_city'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replied_by_id'], ['user.id'], name=op.f('fk_evidence_reply_replied_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['evidence_request.id'], name=op.f('fk_evidence_reply_request_id_evidence_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_reply')),
    sa.UniqueConstraint('request_id', 'city_id', name=op.f('uq_evidence_reply_request_id_city_id'))
    )
    with op.batch_alter_table('evidence_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_reply_city_id'), ['city_id'], unique=False)

    op.create_table('evidence_request_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_evidence_request_question_question_id_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['evidence_request.id'], name=op.f('fk_evidence_request_question_request_id_evidence_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_request_question')),
    sa.UniqueConstraint('request_id', 'question_id', name=op.f('uq_evidence_request_question_request_id_question_id'))
    )
    with op.batch_alter_table('evidence_request_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_request_question_question_id'), ['question_id'], unique=False)

    op.create_table('evidence_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_evidence_answer_question_id_question'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reply_id'], ['evidence_reply.id'], name=op.f('fk_evidence_answer_reply_id_evidence_reply'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_answer'))
    )
    with op.batch_alter_table('evidence_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_answer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_answer_reply_id'), ['reply_id'], unique=False)

    op.create_table('evidence_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reply_id'], ['evidence_reply.id'], name=op.f('fk_evidence_file_reply_id_evidence_reply'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_evidence_file_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_evidence_file_stored_name'))
    )
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_file_reply_id'), ['reply_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_file_reply_id'))

    op.drop_table('evidence_file')
    with op.batch_alter_table('evidence_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_answer_reply_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_answer_question_id'))

    op.drop_table('evidence_answer')
    with op.batch_alter_table('evidence_request_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_request_question_question_id'))

    op.drop_table('evidence_request_question')
    with op.batch_alter_table('evidence_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_reply_city_id'))

    op.drop_table('evidence_reply')
    with op.batch_alter_table('evidence_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_request_consultation_id'))

    op.drop_table('evidence_request')
