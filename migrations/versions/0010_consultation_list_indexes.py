"""indexes for the consultation list filtered by work area or lead city

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29

(work_area_id, closes_at) and (lead_city_id, closes_at) replace the single-column indexes on
work_area_id and lead_city_id: the filtered list reads one range of them in closing order and
counts from them alone, and their first column still serves the foreign keys.
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index("ix_consultation_work_area_closes_at", ["work_area_id", "closes_at"], unique=False)
        batch_op.create_index("ix_consultation_lead_city_closes_at", ["lead_city_id", "closes_at"], unique=False)
        batch_op.drop_index("ix_consultation_work_area_id")
        batch_op.drop_index("ix_consultation_lead_city_id")


def downgrade():
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index("ix_consultation_lead_city_id", ["lead_city_id"], unique=False)
        batch_op.create_index("ix_consultation_work_area_id", ["work_area_id"], unique=False)
        batch_op.drop_index("ix_consultation_lead_city_closes_at")
        batch_op.drop_index("ix_consultation_work_area_closes_at")
