"""an ask's responses counted and ordered from one index: response_ask (ask_id, taken_up,
consultation_id) in place of the index on ask_id alone

Revision ID: 0030
Revises: 0029
"""

from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_response_ask_ask_id_taken_up", "response_ask", ["ask_id", "taken_up", "consultation_id"])
    op.drop_index("ix_response_ask_ask_id", table_name="response_ask")


def downgrade() -> None:
    op.create_index("ix_response_ask_ask_id", "response_ask", ["ask_id"])
    op.drop_index("ix_response_ask_ask_id_taken_up", table_name="response_ask")
