"""feed sources and link keys: Atom and RSS feeds as intake sources; links found however written

Revision ID: 0028
Revises: 0027

feed_source (an admin's feed: its address and host, the issuer's name and type, a default work
area, enabled; versioned); intake_item.feed_source_id and import_run.feed_source_id (which feed an
entry or a run came from); consultation.url_key (the link in one spelling, tracker/urls.py
link_key), filled here for the rows already there.
"""

import sqlalchemy as sa
from alembic import op

from tracker.urls import link_key

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('issuer_name', sa.String(length=200), nullable=False),
    sa.Column('issuer_type', sa.String(length=30), nullable=False),
    sa.Column('default_work_area_id', sa.Integer(), nullable=True),
    sa.Column('enabled', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['default_work_area_id'], ['work_area.id'],
                            name=op.f('fk_feed_source_default_work_area_id_work_area'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_source'))
    )
    for table in ("intake_item", "import_run"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('feed_source_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_feed_source_id'), ['feed_source_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_feed_source_id_feed_source'), 'feed_source',
                                        ['feed_source_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('url_key', sa.String(length=500), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_consultation_url_key'), ['url_key'], unique=False)

    # The links already stored, keyed as the model keys every new one.
    consultation = sa.table("consultation", sa.column("id", sa.Integer), sa.column("url", sa.String),
                            sa.column("url_key", sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(consultation.c.id, consultation.c.url).where(consultation.c.url != "")).all()
    for start in range(0, len(rows), 500):
        batch = [{"row_id": r.id, "key": link_key(r.url)} for r in rows[start:start + 500]]
        bind.execute(consultation.update().where(consultation.c.id == sa.bindparam("row_id"))
                     .values(url_key=sa.bindparam("key")), batch)


def downgrade() -> None:
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_url_key'))
        batch_op.drop_column('url_key')
    for table in ("import_run", "intake_item"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_feed_source_id_feed_source'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_feed_source_id'))
            batch_op.drop_column('feed_source_id')
    op.drop_table('feed_source')
