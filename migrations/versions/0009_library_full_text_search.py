"""full-text search of the library

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

- PostgreSQL: a GIN index on to_tsvector('english', response_version.search_text), the
  expression the library's websearch_to_tsquery search uses;
- SQLite: an FTS5 table over response_version.search_text (porter stemming), kept in step
  by triggers, filled from the versions there are.
"""

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FTS = (
    "CREATE VIRTUAL TABLE response_version_fts USING fts5(search_text, content='response_version', "
    "content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER response_version_fts_insert AFTER INSERT ON response_version BEGIN "
    "INSERT INTO response_version_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER response_version_fts_delete AFTER DELETE ON response_version BEGIN "
    "INSERT INTO response_version_fts(response_version_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER response_version_fts_update AFTER UPDATE OF search_text ON response_version BEGIN "
    "INSERT INTO response_version_fts(response_version_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO response_version_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO response_version_fts(response_version_fts) VALUES ('rebuild')",
)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.create_index("ix_response_version_search", "response_version",
                        [sa.text("to_tsvector('english'::regconfig, search_text)")], postgresql_using="gin")
    elif dialect == "sqlite":
        for statement in FTS:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.drop_index("ix_response_version_search", table_name="response_version", postgresql_using="gin")
    elif dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS response_version_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS response_version_fts")
