"""sending that survives faults, re-planning that converges, one import at a time

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

Reminders and digests record the stage a send reached, a claim token (a fence
against a worker that lost its claim) and when their send was queued; a reminder
can be superseded, and only live rows are unique per point and date. The
import_lock row lets one GOV.UK import run at a time.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LIVE = sa.text("superseded_at IS NULL")


def upgrade():
    op.create_table(
        "import_lock",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_import_lock")),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint("uq_reminder_consultation_id_recipient_id_kind_deadline", type_="unique")
    # Outside the batch: SQLite's table rebuild would not carry the WHERE clause.
    op.create_index(
        "uq_reminder_live_point", "reminder", ["consultation_id", "recipient_id", "kind", "deadline"],
        unique=True, sqlite_where=LIVE, postgresql_where=LIVE,
    )
    # Rows written before this revision were queued when they were created.
    op.execute("UPDATE reminder SET queued_at = created_at WHERE state = 'pending'")
    with op.batch_alter_table("digest_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("digest_run", schema=None) as batch_op:
        batch_op.drop_column("queued_at")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claim_token")
        batch_op.drop_column("stage")
    op.drop_index("uq_reminder_live_point", table_name="reminder")
    # Superseded rows would break the old constraint: they are history, and go.
    op.execute("DELETE FROM reminder WHERE superseded_at IS NOT NULL")
    op.execute("UPDATE reminder SET state = 'failed' WHERE state = 'uncertain'")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_reminder_consultation_id_recipient_id_kind_deadline", ["consultation_id", "recipient_id", "kind", "deadline"]
        )
        batch_op.drop_column("superseded_at")
        batch_op.drop_column("queued_at")
        batch_op.drop_column("claim_token")
        batch_op.drop_column("stage")
    op.execute("UPDATE digest_run SET state = 'failed' WHERE state = 'uncertain'")
    op.drop_table("import_lock")
