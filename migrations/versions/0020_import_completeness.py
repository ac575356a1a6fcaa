"""import completeness: each run records how many items the open lists gave against the totals
the source declared and why it is incomplete, and the items reported bad on an earlier run
(import_problem) so that they are counted as known rather than as new failures

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        # Earlier runs were not counted: listed and declared stay NULL for them.
        batch_op.add_column(sa.Column("listed", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("declared", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("incomplete", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("known_bad_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("known_bad", sa.Text(), server_default="", nullable=False))

    op.create_table(
        "import_problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("item_key", sa.String(length=80), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("first_reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_problem")),
        sa.UniqueConstraint("source", "item_key", name=op.f("uq_import_problem_source_item_key")),
    )


def downgrade() -> None:
    op.drop_table("import_problem")
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_column("known_bad")
        batch_op.drop_column("known_bad_count")
        batch_op.drop_column("incomplete")
        batch_op.drop_column("declared")
        batch_op.drop_column("listed")
