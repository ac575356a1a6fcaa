"""reports: an index on consultation.created_at, when a consultation was received

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01

The reports count the consultations received in a range of dates (tracker/reports/queries.py):
the index reads that range, not every consultation the network ever logged.
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index("ix_consultation_created_at", ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_created_at")
