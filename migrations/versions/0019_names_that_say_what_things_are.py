"""names that say what things are: reminder -> message, govuk_item -> intake_item

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05

- The table of every outgoing email (deadline reminders, escalations, workflow notifications, the
  Monday briefing, follow-ups) is ``message``; the in-app notification's link to it is
  ``notification.message_id``.
- The table of imported items (GOV.UK documents and select committees' calls for evidence) is
  ``intake_item``.
- The activity log's entries about one say so: subject type ``intake_item`` (was ``govuk_item``),
  ``message`` (was ``reminder``: a coordinator's resend).
- Every index and constraint follows its table's new name, as the models name them.

PostgreSQL renames in place (tables, columns, constraints, indexes, sequences: no row is copied).
SQLite cannot rename a constraint, so each table is built again under its new name, its rows
copied, and the old one dropped once nothing refers to it (a table still referred to would have
its children's rows set NULL by the drop).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LIVE_POINT = ("consultation_id", "recipient_id", "kind", "deadline")


def _indexes(table: str, *, message_column: str) -> list[tuple[str, list[str], bool, str | None]]:
    """(name, columns, unique, partial WHERE) of each index the table has, named for ``table``."""
    if table in ("message", "reminder"):
        return [
            (f"uq_{table}_live_point", list(LIVE_POINT), True, "superseded_at IS NULL"),
            (f"ix_{table}_state_delivery", ["state", "delivery"], False, None),
            (f"ix_{table}_created_at", ["created_at"], False, None),
            (f"ix_{table}_consultation_id", ["consultation_id"], False, None),
            (f"ix_{table}_recipient_id", ["recipient_id"], False, None),
            (f"ix_{table}_digest_run_id", ["digest_run_id"], False, None),
        ]
    if table == "notification":
        return [
            ("ix_notification_consultation_id", ["consultation_id"], False, None),
            (f"ix_notification_{message_column}", [message_column], False, None),
            ("ix_notification_user_id_created_at", ["user_id", "created_at"], False, None),
        ]
    return [
        (f"ix_{table}_state_closes_at", ["state", "closes_at"], False, None),
        (f"ix_{table}_consultation_id", ["consultation_id"], False, None),
        (f"ix_{table}_suggested_work_area_id", ["suggested_work_area_id"], False, None),
    ]


# (old table, new table) in upgrade order: a table's children are rebuilt before it is dropped.
TABLES = [("reminder", "message"), ("govuk_item", "intake_item")]


def _postgresql(tables: list[tuple[str, str]], old_column: str, new_column: str) -> None:
    for old, new in tables:
        op.execute(f'ALTER TABLE "{old}" RENAME TO "{new}"')
        op.execute(f'ALTER SEQUENCE "{old}_id_seq" RENAME TO "{new}_id_seq"')
        op.execute(f'ALTER TABLE "{new}" RENAME CONSTRAINT "pk_{old}" TO "pk_{new}"')
        for (old_name, *_), (new_name, *_) in zip(_indexes(old, message_column=old_column),
                                                  _indexes(new, message_column=new_column), strict=True):
            op.execute(f'ALTER INDEX "{old_name}" RENAME TO "{new_name}"')
        conn = op.get_bind()
        rows = conn.execute(sa.text(
            "SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) AND contype IN ('f', 'u')"
        ), {"t": new}).scalars().all()
        for name in rows:
            if name.startswith(f"fk_{old}_") or name.startswith(f"uq_{old}_"):
                renamed = name.replace(f"_{old}_", f"_{new}_", 1)
                op.execute(f'ALTER TABLE "{new}" RENAME CONSTRAINT "{name}" TO "{renamed}"')
    # The notification's link to its email.
    parent_old, parent_new = ("reminder", "message") if old_column == "reminder_id" else ("message", "reminder")
    op.execute(f'ALTER TABLE notification RENAME COLUMN "{old_column}" TO "{new_column}"')
    op.execute(f'ALTER TABLE notification RENAME CONSTRAINT "fk_notification_{old_column}_{parent_old}" '
               f'TO "fk_notification_{new_column}_{parent_new}"')
    op.execute(f'ALTER INDEX "ix_notification_{old_column}" RENAME TO "ix_notification_{new_column}"')


def _sqlite_rebuild(old: str, new: str, *, renamed_tables: dict[str, str], renamed_columns: dict[str, str],
                    message_column: str, old_message_column: str) -> None:
    """Build ``new`` from ``old``'s reflected columns and keys, with the names the models give,
    copy the rows, and leave the old table as ``_old_<old>`` (dropped by the caller)."""
    conn = op.get_bind()
    for name, *_ in _indexes(old, message_column=old_message_column):
        op.execute(f'DROP INDEX IF EXISTS "{name}"')
    op.execute(f'ALTER TABLE "{old}" RENAME TO "_old_{old}"')
    # One MetaData: the tables the keys refer to are reflected into it along with the old table.
    meta = sa.MetaData(naming_convention=NAMING)
    reflected = sa.Table(f"_old_{old}", meta, autoload_with=conn)
    target = sa.Table(new, meta)
    for column in reflected.columns:
        default = column.server_default
        target.append_column(sa.Column(
            renamed_columns.get(column.name, column.name), column.type, nullable=column.nullable,
            primary_key=column.primary_key,
            server_default=sa.text(str(default.arg)) if isinstance(default, sa.DefaultClause) else None,
        ))
    for fk in reflected.foreign_key_constraints:
        (element,) = fk.elements
        parent = element.column.table.name
        referred = renamed_tables.get(parent.removeprefix("_old_"), parent.removeprefix("_old_"))
        if referred not in meta.tables and referred != new:
            sa.Table(referred, meta, autoload_with=conn)
        target.append_constraint(sa.ForeignKeyConstraint(
            [renamed_columns.get(c, c) for c in fk.column_keys], [f"{referred}.{element.column.name}"],
            ondelete=fk.ondelete,
        ))
    for unique in sa.inspect(conn).get_unique_constraints(f"_old_{old}"):
        target.append_constraint(sa.UniqueConstraint(*[renamed_columns.get(c, c) for c in unique["column_names"]]))
    target.create(conn)
    source_columns = ", ".join(f'"{c.name}"' for c in reflected.columns)
    target_columns = ", ".join(f'"{renamed_columns.get(c.name, c.name)}"' for c in reflected.columns)
    op.execute(f'INSERT INTO "{new}" ({target_columns}) SELECT {source_columns} FROM "_old_{old}"')
    for name, columns, unique, where in _indexes(new, message_column=message_column):
        op.create_index(name, new, columns, unique=unique, sqlite_where=sa.text(where) if where else None)


def _sqlite(tables: list[tuple[str, str]], old_column: str, new_column: str) -> None:
    renamed = dict(tables)
    (email_old, email_new), (items_old, items_new) = tables
    _sqlite_rebuild(email_old, email_new, renamed_tables=renamed, renamed_columns={},
                    message_column=new_column, old_message_column=old_column)
    # The notification now names the new table and column; then the old email table has no child.
    _sqlite_rebuild("notification", "notification", renamed_tables=renamed,
                    renamed_columns={old_column: new_column}, message_column=new_column,
                    old_message_column=old_column)
    op.execute('DROP TABLE "_old_notification"')
    op.execute(f'DROP TABLE "_old_{email_old}"')
    _sqlite_rebuild(items_old, items_new, renamed_tables=renamed, renamed_columns={},
                    message_column=new_column, old_message_column=old_column)
    op.execute(f'DROP TABLE "_old_{items_old}"')


def _rename(tables: list[tuple[str, str]], old_column: str, new_column: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql(tables, old_column, new_column)
    else:
        _sqlite(tables, old_column, new_column)
    for old, new in tables:  # the activity log names its subjects by their table
        op.execute(sa.text("UPDATE activity_log SET subject_type = :new WHERE subject_type = :old")
                   .bindparams(new=new, old=old))


def upgrade():
    _rename(TABLES, "reminder_id", "message_id")


def downgrade():
    _rename([(new, old) for old, new in TABLES], "message_id", "reminder_id")
