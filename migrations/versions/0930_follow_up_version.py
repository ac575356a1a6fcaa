"""a follow-up action carries its version, so that editing and deleting it are checked against the
page the change was made on

Revision ID: 0930
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0930"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_column("version")
