"""the list's search from an index on SQLite

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

SQLite: an FTS5 trigram table over consultation.title and consultation.issuing_organisation,
kept in step by triggers and filled from the consultations there are (PostgreSQL's trigram GIN
indexes came with 0011).
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FTS = (
    "CREATE VIRTUAL TABLE consultation_fts USING fts5(title, issuing_organisation, content='consultation', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER consultation_fts_insert AFTER INSERT ON consultation BEGIN "
    "INSERT INTO consultation_fts(rowid, title, issuing_organisation) "
    "VALUES (new.id, new.title, new.issuing_organisation); END",
    "CREATE TRIGGER consultation_fts_delete AFTER DELETE ON consultation BEGIN "
    "INSERT INTO consultation_fts(consultation_fts, rowid, title, issuing_organisation) "
    "VALUES ('delete', old.id, old.title, old.issuing_organisation); END",
    "CREATE TRIGGER consultation_fts_update AFTER UPDATE OF title, issuing_organisation ON consultation BEGIN "
    "INSERT INTO consultation_fts(consultation_fts, rowid, title, issuing_organisation) "
    "VALUES ('delete', old.id, old.title, old.issuing_organisation); "
    "INSERT INTO consultation_fts(rowid, title, issuing_organisation) "
    "VALUES (new.id, new.title, new.issuing_organisation); END",
    "INSERT INTO consultation_fts(consultation_fts) VALUES ('rebuild')",
)


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in FTS:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS consultation_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS consultation_fts")
