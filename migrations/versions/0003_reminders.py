"""reminders

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Reminders, in-app notifications, daily digests and reminder preferences.
"""

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "digest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_digest_run_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_run")),
        sa.UniqueConstraint("user_id", "day", name=op.f("uq_digest_run_user_id_day")),
    )
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("delivery", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("digest_run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultation.id"], name=op.f("fk_reminder_consultation_id_consultation"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["digest_run_id"], ["digest_run.id"], name=op.f("fk_reminder_digest_run_id_digest_run"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["recipient_id"], ["user.id"], name=op.f("fk_reminder_recipient_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint(
            "consultation_id", "recipient_id", "kind", "deadline",
            name=op.f("uq_reminder_consultation_id_recipient_id_kind_deadline"),
        ),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_consultation_id"), ["consultation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_recipient_id"), ["recipient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_digest_run_id"), ["digest_run_id"], unique=False)
        batch_op.create_index("ix_reminder_state_delivery", ["state", "delivery"], unique=False)
        batch_op.create_index("ix_reminder_created_at", ["created_at"], unique=False)

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultation.id"], name=op.f("fk_notification_consultation_id_consultation"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["reminder.id"], name=op.f("fk_notification_reminder_id_reminder"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_consultation_id"), ["consultation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_reminder_id"), ["reminder_id"], unique=False)
        batch_op.create_index("ix_notification_user_id_created_at", ["user_id", "created_at"], unique=False)

    op.create_table(
        "reminder_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("delivery", sa.String(length=20), nullable=True),
        sa.Column("digest_time", sa.Time(), nullable=True),
        sa.Column("points", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_reminder_preference_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_preference")),
        sa.UniqueConstraint("user_id", name=op.f("uq_reminder_preference_user_id")),
    )
    op.create_table(
        "reminder_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery", sa.String(length=20), nullable=False),
        sa.Column("digest_time", sa.Time(), nullable=False),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], name=op.f("fk_reminder_settings_updated_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_settings")),
    )


def downgrade():
    op.drop_table("reminder_settings")
    op.drop_table("reminder_preference")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_id_created_at")
        batch_op.drop_index(batch_op.f("ix_notification_reminder_id"))
        batch_op.drop_index(batch_op.f("ix_notification_consultation_id"))
    op.drop_table("notification")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_created_at")
        batch_op.drop_index("ix_reminder_state_delivery")
        batch_op.drop_index(batch_op.f("ix_reminder_digest_run_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_consultation_id"))
    op.drop_table("reminder")
    op.drop_table("digest_run")
