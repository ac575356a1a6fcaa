"""a follow-up action and a partner network carry their version, so that editing and deleting them
are checked against the page the change was made on

Revision ID: 0029
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("partner_network", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("partner_network", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_column("version")
