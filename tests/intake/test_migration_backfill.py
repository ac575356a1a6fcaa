"""Migration 0013 on rows that were there before it: each consultation gets an issuer type by
the stated rule, each imported item the GOV.UK source, and the unique key becomes per source."""

from __future__ import annotations

import flask_migrate
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.test_migrations import empty_database
from tracker import create_app
from tracker.extensions import db

BEFORE = "0012"  # the revision 0013 follows


def _consultation(conn, n: int, source: str, organisation: str, url: str = "") -> None:  # type: ignore[no-untyped-def]
    conn.execute(text(
        "INSERT INTO consultation (id, title, issuing_organisation, url, summary, source, closes_at, status, "
        "decision_reason, created_at, updated_at, version) VALUES (:id, :title, :org, :url, '', :source, "
        "'2027-01-31 23:59:00+00:00', 'new', '', '2026-11-01 09:00:00+00:00', '2026-11-01 09:00:00+00:00', 1)"
    ), {"id": n, "title": f"Consultation {n}", "org": organisation, "url": url, "source": source})


def test_backfill_of_issuer_type_and_item_source(database_url, tmp_path):
    with empty_database(database_url, tmp_path) as url:
        app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path)})
        with app.app_context():
            flask_migrate.upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                _consultation(conn, 1, "govuk", "Department for Transport", "https://www.gov.uk/x")
                _consultation(conn, 2, "manual", "Ministry of Housing, Communities and Local Government")
                _consultation(conn, 3, "manual", "Transport Committee", "https://committees.parliament.uk/work/8401/")
                _consultation(conn, 4, "manual", "Lords Built Environment Select Committee")
                _consultation(conn, 5, "manual", "The Law Commission")
                _consultation(conn, 6, "govuk", "Competition and Markets Authority commission")
                conn.execute(text(
                    "INSERT INTO govuk_item (id, content_id, base_path, document_type, title, summary, organisations, "
                    "applies_to_network, search_fingerprint, suggestion_reasons, state, dismissal_reason, "
                    "first_seen_at, last_seen_at, last_changed_at) VALUES (1, '8401', '/government/x', "
                    "'open_consultation', 'An item', '', '[]', true, '', '[]', 'pending', '', "
                    "'2026-11-01 09:00:00+00:00', '2026-11-01 09:00:00+00:00', '2026-11-01 09:00:00+00:00')"))

            flask_migrate.upgrade(revision="0013")  # the migration under test; later ones rename the table

            with db.engine.begin() as conn:
                issuers = dict(conn.execute(text("SELECT id, issuer_type FROM consultation ORDER BY id")).tuples().all())
                assert issuers == {1: "government_department", 2: "government_department", 3: "select_committee",
                                   4: "select_committee", 5: "commission", 6: "government_department"}
                assert conn.execute(text("SELECT source FROM govuk_item")).scalar_one() == "govuk"
                # The same id from the other source is allowed; twice from one source is not.
                conn.execute(text(
                    "INSERT INTO govuk_item (id, source, content_id, base_path, document_type, title, summary, "
                    "organisations, applies_to_network, search_fingerprint, suggestion_reasons, state, "
                    "dismissal_reason, first_seen_at, last_seen_at, last_changed_at) VALUES (2, 'committees', "
                    "'8401', '/work/8401/', 'committee_inquiry', 'A call', '', '[]', true, '', '[]', 'pending', '', "
                    "'2026-11-01 09:00:00+00:00', '2026-11-01 09:00:00+00:00', '2026-11-01 09:00:00+00:00')"))
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO govuk_item (id, source, content_id, base_path, document_type, title, summary, "
                    "organisations, applies_to_network, search_fingerprint, suggestion_reasons, state, "
                    "dismissal_reason, first_seen_at, last_seen_at, last_changed_at) VALUES (3, 'committees', "
                    "'8401', '/work/8401/', 'committee_inquiry', 'Again', '', '[]', true, '', '[]', 'pending', '', "
                    "'2026-11-01 09:00:00+00:00', '2026-11-01 09:00:00+00:00', '2026-11-01 09:00:00+00:00')"))
            db.session.remove()
            db.engine.dispose()
