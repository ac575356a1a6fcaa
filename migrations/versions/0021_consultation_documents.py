"""a consultation's documents as read (read or skipped and why), the questions found in them and
its ways to respond, with the GOV.UK version they were read for

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("documents_read_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("ways_to_respond", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"],
                                name=op.f("fk_document_reading_consultation_id_consultation"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_reading")),
        sa.UniqueConstraint("consultation_id", name=op.f("uq_document_reading_consultation_id")),
    )
    op.create_table(
        "consultation_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"],
                                name=op.f("fk_consultation_document_consultation_id_consultation"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_document")),
        sa.UniqueConstraint("consultation_id", "position", name=op.f("uq_consultation_document_consultation_id_position")),
    )
    op.create_table(
        "consultation_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("source_title", sa.String(length=300), nullable=False),
        sa.Column("source_url", sa.String(length=1000), nullable=False),
        sa.Column("source_where", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"],
                                name=op.f("fk_consultation_question_consultation_id_consultation"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_question")),
        sa.UniqueConstraint("consultation_id", "position", name=op.f("uq_consultation_question_consultation_id_position")),
    )


def downgrade() -> None:
    op.drop_table("consultation_question")
    op.drop_table("consultation_document")
    op.drop_table("document_reading")
