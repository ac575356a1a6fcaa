# ruff: noqa: S608 - the SQL is built from this file's own constants, to write rows as the old schema had them
"""Migration 0019 renames the outgoing-email and imported-item tables (reminder -> message,
govuk_item -> intake_item, notification.reminder_id -> message_id) and keeps every row, its
links and its keys, up and down, on whichever database the suite runs on."""

from __future__ import annotations

import flask_migrate
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.test_migrations import empty_database
from tracker import create_app
from tracker.extensions import db

BEFORE = "0018"  # the revision 0019 follows
WHEN = "'2026-11-02 09:00:00+00:00'"


def _rows_before(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(text(
        "INSERT INTO \"user\" (id, email, name, job_title, password_hash, role, is_enabled, created_at) "
        f"VALUES (901, 'kept@example.org', 'Kept', '', 'x', 'coordinator', true, {WHEN})"
    ))
    conn.execute(text(
        "INSERT INTO consultation (id, title, issuing_organisation, url, summary, source, closes_at, status, "
        "decision_reason, created_at, updated_at, version, issuer_type) VALUES (901, 'Kept consultation', "
        f"'DfT', '', '', 'govuk', '2027-01-31 23:59:00+00:00', 'new', '', {WHEN}, {WHEN}, 1, "
        "'government_department')"
    ))
    for n, (kind, deadline, state, superseded) in enumerate([
        ("before_7", "'2027-01-20'", "sent", "NULL"),
        ("before_3", "'2027-01-20'", "pending", "NULL"),
        ("before_3", "'2027-01-13'", "skipped", WHEN),  # a superseded point: outside the live key
    ], start=1):
        conn.execute(text(
            "INSERT INTO reminder (id, consultation_id, recipient_id, kind, deadline, subject, body, delivery, "
            "state, attempts, last_error, created_at, superseded_at, event_key) VALUES "
            f"({900 + n}, 901, 901, '{kind}', {deadline}, 'Subject {n}', 'Body {n}', 'immediate', '{state}', 0, '', "
            f"{WHEN}, {superseded}, NULL)"
        ))
    conn.execute(text(
        "INSERT INTO reminder (id, consultation_id, recipient_id, kind, deadline, subject, body, delivery, state, "
        f"attempts, last_error, created_at, event_key) VALUES (904, 901, 901, 'assigned', NULL, 'Assigned', '', "
        f"'digest', 'pending', 0, '', {WHEN}, 'consultation:901:v2')"
    ))
    if conn.dialect.name == "postgresql":  # as if the rows had taken their ids from the sequence
        conn.execute(text("SELECT setval('reminder_id_seq', 904)"))
    conn.execute(text(
        "INSERT INTO notification (id, user_id, consultation_id, reminder_id, kind, subject, body, created_at) "
        f"VALUES (901, 901, 901, 904, 'assigned', 'Assigned', '', {WHEN})"
    ))
    conn.execute(text(
        "INSERT INTO govuk_item (id, source, content_id, base_path, document_type, title, summary, organisations, "
        "applies_to_network, search_fingerprint, suggestion_reasons, state, dismissal_reason, consultation_id, "
        f"first_seen_at, last_seen_at, last_changed_at) VALUES (901, 'govuk', 'c-901', '/government/consultations/x', "
        f"'open_consultation', 'Kept item', '', '[]', true, '', '[]', 'accepted', '', 901, {WHEN}, {WHEN}, {WHEN})"
    ))
    conn.execute(text(
        "INSERT INTO activity_log (id, created_at, actor_id, subject_type, subject_id, action, message) VALUES "
        f"(901, {WHEN}, 901, 'govuk_item', 901, 'govuk_dismiss', 'Dismissed'), "
        f"(902, {WHEN}, 901, 'reminder', 901, 'resend_email', 'Resent')"
    ))


def _ids(conn, table: str) -> list[int]:  # type: ignore[no-untyped-def]
    return list(conn.execute(text(f"SELECT id FROM {table} ORDER BY id")).scalars())


def test_0019_renames_and_keeps_every_row_up_and_down(database_url, tmp_path):
    with empty_database(database_url, tmp_path) as url:
        app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path)})
        with app.app_context():
            flask_migrate.upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                _rows_before(conn)

            flask_migrate.upgrade(revision="0019")
            tables = set(inspect(db.engine).get_table_names())
            assert {"message", "intake_item"} <= tables and not {"reminder", "govuk_item"} & tables
            with db.engine.begin() as conn:
                assert _ids(conn, "message") == [901, 902, 903, 904]
                assert conn.execute(text("SELECT subject, state FROM message WHERE id = 902")).one() == (
                    "Subject 2", "pending")
                assert conn.execute(text("SELECT message_id FROM notification WHERE id = 901")).scalar_one() == 904
                assert conn.execute(text("SELECT title, consultation_id FROM intake_item")).one() == ("Kept item", 901)
                assert conn.execute(text("SELECT subject_type FROM activity_log ORDER BY id")).scalars().all() == [
                    "intake_item", "message"]
                # New rows take the next ids (PostgreSQL's sequence came along).
                new_id = conn.execute(text(
                    "INSERT INTO message (consultation_id, recipient_id, kind, deadline, subject, body, delivery, "
                    f"state, attempts, last_error, created_at) VALUES (901, 901, 'before_1', '2027-01-20', 'New', '', "
                    f"'immediate', 'pending', 0, '', {WHEN}) RETURNING id"
                )).scalar_one()
                assert new_id == 905
            # The keys came along: the live point and (event key, recipient) are still unique.
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO message (consultation_id, recipient_id, kind, deadline, subject, body, delivery, "
                    f"state, attempts, last_error, created_at) VALUES (901, 901, 'before_7', '2027-01-20', 'Twice', '', "
                    f"'immediate', 'pending', 0, '', {WHEN})"
                ))
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO message (recipient_id, kind, subject, body, delivery, state, attempts, last_error, "
                    f"created_at, event_key) VALUES (901, 'assigned', 'Again', '', 'digest', 'pending', 0, '', {WHEN}, "
                    "'consultation:901:v2')"
                ))
            # The notification still follows its email: deleting the email unlinks it, as before.
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM message WHERE id = 904"))
                assert conn.execute(text("SELECT message_id FROM notification WHERE id = 901")).scalar_one() is None
                conn.execute(text("UPDATE notification SET message_id = 903 WHERE id = 901"))

            flask_migrate.downgrade(revision=BEFORE)
            tables = set(inspect(db.engine).get_table_names())
            assert {"reminder", "govuk_item"} <= tables and not {"message", "intake_item"} & tables
            with db.engine.begin() as conn:
                assert _ids(conn, "reminder")[:3] == [901, 902, 903]
                assert conn.execute(text("SELECT reminder_id FROM notification WHERE id = 901")).scalar_one() == 903
                assert _ids(conn, "govuk_item") == [901]
                assert conn.execute(text("SELECT subject_type FROM activity_log ORDER BY id")).scalars().all() == [
                    "govuk_item", "reminder"]
            db.session.remove()
            db.engine.dispose()
