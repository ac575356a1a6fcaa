"""the Monday briefing email: each user's choice

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

- reminder_preference.briefing: whether the user wants the weekly briefing (NULL: their role's
  default). The briefings themselves are reminder rows (kind "briefing"), unique per person and
  ISO week through the existing (event_key, recipient_id) constraint: no new table.
"""

from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminder_preference", schema=None) as batch_op:
        batch_op.add_column(sa.Column("briefing", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("reminder_preference", schema=None) as batch_op:
        batch_op.drop_column("briefing")
