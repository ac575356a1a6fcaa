"""select committees' calls for evidence in the inbox; a consultation's issuer type

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

- govuk_item.source ("govuk" or "committees"): an imported item's id is unique within its
  source (GOV.UK's content_id, the Committees API's business id), no longer across all items;
- consultation.issuer_type (government department, select committee, commission, other body).
  Existing rows: imported from GOV.UK, a government department; logged by hand, a select
  committee when its link is on committees.parliament.uk or its organisation names a select
  committee, a commission when the organisation's name says so (the Law Commission, the
  Electoral Commission), else a government department (what nearly all of them are).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("govuk_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=20), server_default="govuk", nullable=False))
        batch_op.drop_constraint("uq_govuk_item_content_id", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_govuk_item_source_content_id"), ["source", "content_id"])
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issuer_type", sa.String(length=30),
                                      server_default="government_department", nullable=False))
    op.execute(
        "UPDATE consultation SET issuer_type = 'select_committee' WHERE source = 'manual' AND "
        "(url LIKE 'https://committees.parliament.uk/%' OR lower(issuing_organisation) LIKE '%select committee%')"
    )
    op.execute(
        "UPDATE consultation SET issuer_type = 'commission' WHERE source = 'manual' AND "
        "issuer_type = 'government_department' AND lower(issuing_organisation) LIKE '%commission%'"
    )


def downgrade():
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_column("issuer_type")
    # Committee items would clash with GOV.UK ones under the old, source-blind unique key.
    op.execute("DELETE FROM govuk_item WHERE source <> 'govuk'")
    with op.batch_alter_table("govuk_item", schema=None) as batch_op:
        batch_op.drop_constraint("uq_govuk_item_source_content_id", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_govuk_item_content_id"), ["content_id"])
        batch_op.drop_column("source")
