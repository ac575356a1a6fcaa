"""comments as a conversation: replies (one level), threads on a question, resolved threads, edits,
the version resolving and editing are checked on, the form's token against double posts, and
the members a comment mentions; cities may let their contributors record their support

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("question_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("post_token", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_comment_parent_id_comment"), "comment", ["parent_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_foreign_key(batch_op.f("fk_comment_question_id_question"), "question", ["question_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_comment_resolved_by_id_user"), "user", ["resolved_by_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_comment_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comment_question_id"), ["question_id"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_comment_author_id_post_token"), ["author_id", "post_token"])
    op.create_table(
        "comment_mention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("typed", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"], name=op.f("fk_comment_mention_comment_id_comment"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_comment_mention_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_mention")),
        sa.UniqueConstraint("comment_id", "typed", name=op.f("uq_comment_mention_comment_id_typed")),
    )
    op.create_index(op.f("ix_comment_mention_user_id"), "comment_mention", ["user_id"], unique=False)
    with op.batch_alter_table("city", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contributors_record_support", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("city", schema=None) as batch_op:
        batch_op.drop_column("contributors_record_support")
    op.drop_index(op.f("ix_comment_mention_user_id"), table_name="comment_mention")
    op.drop_table("comment_mention")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_comment_author_id_post_token"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_comment_question_id"))
        batch_op.drop_index(batch_op.f("ix_comment_parent_id"))
        batch_op.drop_constraint(batch_op.f("fk_comment_resolved_by_id_user"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_comment_question_id_question"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_comment_parent_id_comment"), type_="foreignkey")
        batch_op.drop_column("post_token")
        batch_op.drop_column("version")
        batch_op.drop_column("edited_at")
        batch_op.drop_column("resolved_by_id")
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("question_id")
        batch_op.drop_column("parent_id")
