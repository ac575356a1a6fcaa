"""intake

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

The intake feature's tables: GOV.UK items, import runs, classification rules.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govuk_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.String(length=64), nullable=False),
        sa.Column("base_path", sa.String(length=500), nullable=False),
        sa.Column("document_type", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("organisations", sa.JSON(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("public_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ways_to_respond", sa.JSON(), nullable=True),
        sa.Column("national_applicability", sa.JSON(), nullable=True),
        sa.Column("applies_to_network", sa.Boolean(), nullable=False),
        sa.Column("search_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("suggested_work_area_id", sa.Integer(), nullable=True),
        sa.Column("suggestion_reasons", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("dismissal_reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["suggested_work_area_id"], ["work_area.id"],
            name=op.f("fk_govuk_item_suggested_work_area_id_work_area"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_govuk_item_decided_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultation.id"],
            name=op.f("fk_govuk_item_consultation_id_consultation"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_govuk_item")),
        sa.UniqueConstraint("content_id", name=op.f("uq_govuk_item_content_id")),
    )
    with op.batch_alter_table("govuk_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_govuk_item_consultation_id"), ["consultation_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_govuk_item_suggested_work_area_id"), ["suggested_work_area_id"], unique=False
        )
        batch_op.create_index("ix_govuk_item_state_closes_at", ["state", "closes_at"], unique=False)

    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_run_started_at"), ["started_at"], unique=False)

    op.create_table(
        "organisation_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("work_area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_area_id"], ["work_area.id"],
            name=op.f("fk_organisation_rule_work_area_id_work_area"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_rule")),
        sa.UniqueConstraint(
            "organisation", "work_area_id", name=op.f("uq_organisation_rule_organisation_work_area_id")
        ),
    )
    with op.batch_alter_table("organisation_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_rule_work_area_id"), ["work_area_id"], unique=False)

    op.create_table(
        "work_area_keywords",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_area_id", sa.Integer(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_area_id"], ["work_area.id"],
            name=op.f("fk_work_area_keywords_work_area_id_work_area"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_area_keywords")),
        sa.UniqueConstraint("work_area_id", name=op.f("uq_work_area_keywords_work_area_id")),
    )


def downgrade():
    op.drop_table("work_area_keywords")
    with op.batch_alter_table("organisation_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_rule_work_area_id"))
    op.drop_table("organisation_rule")
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_run_started_at"))
    op.drop_table("import_run")
    with op.batch_alter_table("govuk_item", schema=None) as batch_op:
        batch_op.drop_index("ix_govuk_item_state_closes_at")
        batch_op.drop_index(batch_op.f("ix_govuk_item_suggested_work_area_id"))
        batch_op.drop_index(batch_op.f("ix_govuk_item_consultation_id"))
    op.drop_table("govuk_item")
