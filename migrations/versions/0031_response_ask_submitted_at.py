"""an ask's responses paged newest submission first from the ask's own index: response_ask keeps
its response's submission time, indexed (ask_id, submitted_at, consultation_id, taken_up) in place
of 0030's index

Revision ID: 0031
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("response_ask", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE response_ask SET submitted_at = (SELECT submission.submitted_at FROM submission "
               "WHERE submission.consultation_id = response_ask.consultation_id)")
    op.create_index("ix_response_ask_ask_id_submitted_at", "response_ask",
                    ["ask_id", "submitted_at", "consultation_id", "taken_up"])
    op.drop_index("ix_response_ask_ask_id_taken_up", table_name="response_ask")


def downgrade() -> None:
    op.create_index("ix_response_ask_ask_id_taken_up", "response_ask", ["ask_id", "taken_up", "consultation_id"])
    op.drop_index("ix_response_ask_ask_id_submitted_at", table_name="response_ask")
    with op.batch_alter_table("response_ask", schema=None) as batch_op:
        batch_op.drop_column("submitted_at")
