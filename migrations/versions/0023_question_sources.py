"""a draft's question keeps the number its consultation document gives it and where it was found
(the document's title and address, the heading or page), when the lead city started question by
question from the questions found in the consultation's documents

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        # Questions typed in before have no document: empty, and shown by their order as before.
        batch_op.add_column(sa.Column("label", sa.String(length=20), server_default="", nullable=False))
        batch_op.add_column(sa.Column("source_title", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("source_url", sa.String(length=1000), server_default="", nullable=False))
        batch_op.add_column(sa.Column("source_where", sa.String(length=300), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("source_where")
        batch_op.drop_column("source_url")
        batch_op.drop_column("source_title")
        batch_op.drop_column("label")
