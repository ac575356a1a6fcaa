"""activity log: an index on (action, created_at), so that a throttled sign-in finds this minute's
entry for its account and address and counts itself there instead of adding a row

Revision ID: 0022
Revises: 0021
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_activity_log_action_created_at", "activity_log", ["action", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_activity_log_action_created_at", table_name="activity_log")
