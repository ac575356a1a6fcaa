"""activity log: an index on (action, created_at), so that a throttled sign-in finds this minute's
entry for its account and address and counts itself there instead of adding a row

Revision ID: activity_action_index
Revises: 0018
"""

from alembic import op

revision = "activity_action_index"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_activity_log_action_created_at", "activity_log", ["action", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_activity_log_action_created_at", table_name="activity_log")
