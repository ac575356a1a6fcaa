"""optimistic concurrency on consultations, and workflow notifications

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24

- consultation.version: the optimistic lock every form carries;
- activity_log.consultation_version: the version a change produced (what changed since a page);
- reminder.event_key, unique with the recipient: one workflow event tells one person once;
- reminder_preference.events: how each user hears of each kind of workflow event.
"""

from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("activity_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consultation_version", sa.Integer(), nullable=True))
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_key", sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_reminder_event_key_recipient_id"), ["event_key", "recipient_id"])
    with op.batch_alter_table("reminder_preference", schema=None) as batch_op:
        batch_op.add_column(sa.Column("events", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("reminder_preference", schema=None) as batch_op:
        batch_op.drop_column("events")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_reminder_event_key_recipient_id"), type_="unique")
        batch_op.drop_column("event_key")
    with op.batch_alter_table("activity_log", schema=None) as batch_op:
        batch_op.drop_column("consultation_version")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_column("version")
