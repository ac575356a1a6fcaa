"""indexes the pages need at 100,000 consultations (checked by tests/perf/test_plans_at_scale.py)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

- contributor (user_id, response_id) replaces the index on user_id, and response (id,
  consultation_id) is new: the drafts a contributor was added to (the dashboard's drafts panel)
  are found from the indexes alone, where PostgreSQL read every response to join them;
- PostgreSQL only: trigram (pg_trgm) GIN indexes on consultation.title and
  consultation.issuing_organisation for the list's search (ILIKE '%...%' on either), which
  otherwise reads every consultation. No SQLite index serves a pattern that starts with '%'.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TRIGRAM = {"ix_consultation_title_trgm": "title",
           "ix_consultation_issuing_organisation_trgm": "issuing_organisation"}


def upgrade():
    with op.batch_alter_table("contributor", schema=None) as batch_op:
        batch_op.create_index("ix_contributor_user_id_response_id", ["user_id", "response_id"], unique=False)
        batch_op.drop_index("ix_contributor_user_id")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index("ix_response_id_consultation_id", ["id", "consultation_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in TRIGRAM.items():
            op.create_index(name, "consultation", [column], unique=False, postgresql_using="gin",
                            postgresql_ops={column: "gin_trgm_ops"})


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGRAM:
            op.drop_index(name, table_name="consultation", postgresql_using="gin")
        # pg_trgm stays: it may have been there before, or serve something else since.
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_id_consultation_id")
    with op.batch_alter_table("contributor", schema=None) as batch_op:
        batch_op.create_index("ix_contributor_user_id", ["user_id"], unique=False)
        batch_op.drop_index("ix_contributor_user_id_response_id")
