"""A link already in the tracker is found however it is written (urls.link_key): by the form's
check for a second copy, and by the importers, which join it rather than make a duplicate."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.consultations.conftest import consultation_form
from tests.intake.feed_server import running_feed_server
from tracker.consultations import services
from tracker.errors import AlreadyThere
from tracker.extensions import db
from tracker.intake import feedsources, importer
from tracker.intake.feeds import FeedAdapter
from tracker.models import Consultation, IssuerType, User
from tracker.models.intake import IntakeItem, ItemState
from tracker.timeutil import utcnow
from tracker.urls import link_key

STORED = "https://www.gov.wales/bus-franchising-wales"
SPELLINGS = [
    "https://www.gov.wales/bus-franchising-wales",  # as stored
    "https://www.gov.wales/bus-franchising-wales/",  # a trailing slash
    "https://www.gov.wales/bus-franchising-wales?utm_source=newsletter&utm_medium=email",  # tracking
    "https://WWW.Gov.Wales/bus-franchising-wales",  # the host's case
    "https://www.gov.wales/bus-franchising-wales#how-to-respond",  # a fragment
    "http://www.gov.wales/bus-franchising-wales",  # http
    "https://gov.wales/bus-franchising-wales",  # no www.
    "https://GOV.wales:443/bus-franchising-wales/?UTM_campaign=x#top",  # all at once
]


def test_eight_spellings_have_one_key_and_other_parameters_still_count() -> None:
    assert {link_key(s) for s in SPELLINGS} == {"gov.wales/bus-franchising-wales"}
    assert link_key(STORED + "?lang=cy&utm_source=x") == "gov.wales/bus-franchising-wales?lang=cy"
    assert link_key(STORED + "?lang=cy") != link_key(STORED)
    assert link_key("https://www.gov.wales/Bus-Franchising-Wales") != link_key(STORED)  # paths keep their case
    assert link_key("javascript:alert(1)") == "" and link_key("") == ""


@pytest.fixture
def existing() -> Consultation:
    consultation = factories.make_consultation("new", title="Bus franchising in Wales")
    consultation.url = STORED
    db.session.commit()
    return consultation


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_form_finds_the_consultation_however_its_link_is_written(
    as_user, existing: Consultation, coordinator: User, spelling: str,  # type: ignore[no-untyped-def]
) -> None:
    # The service behind the form's check: every spelling.
    data = services.ConsultationData(title="Copy", issuing_organisation="Welsh Government",
                                     closes_at=utcnow() + timedelta(days=30), url=spelling)
    with pytest.raises(AlreadyThere) as refused:
        services.create_consultation(coordinator, data)
    assert refused.value.existing_id == existing.id
    db.session.rollback()
    # The form itself (which asks for https links, so http is refused before it is looked up).
    before = db.session.scalar(select(func.count(Consultation.id)))
    response = as_user("coordinator").post("/consultations/new", data=consultation_form(title="Copy", url=spelling))
    page = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    if spelling.lower().startswith("https://"):
        assert "This link is already in the tracker, as “Bus franchising in Wales”." in page
        assert f'href="/consultations/{existing.id}"' in page
    else:
        assert "Enter the whole link, starting with https://" in page
    db.session.rollback()
    assert db.session.scalar(select(func.count(Consultation.id))) == before


def test_an_edit_to_another_spelling_of_its_own_link_is_not_a_copy(existing: Consultation, coordinator: User) -> None:
    data = services.ConsultationData(title=existing.title, issuing_organisation=existing.issuing_organisation,
                                     closes_at=existing.closes_at, url=SPELLINGS[2])
    assert services.update_consultation(coordinator, existing, data, seen_version=existing.version)


def test_an_imported_entry_with_a_known_link_joins_the_consultation(
    app, existing: Consultation, admin: User, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setitem(app.config, "GOVUK_REQUESTS_PER_SECOND", 0)
    entries = "".join(
        f"<entry><id>tag:gov.wales,2030:{n}</id><title>Bus franchising ({n})</title><link href=\"{link}\"/>"
        f"<summary>Closing date: 12 March 2030</summary></entry>" for n, link in enumerate(SPELLINGS[1:3]))
    with running_feed_server() as server:
        url = server.serve("/wales.atom", f'<feed xmlns="http://www.w3.org/2005/Atom"><title>W</title>{entries}</feed>')
        feed = feedsources.add_feed(admin, feedsources.FeedData(url=url, issuer_name="Welsh Government",
                                                                issuer_type=IssuerType.OTHER_BODY.value))
        db.session.commit()
        before = db.session.scalar(select(func.count(Consultation.id)))
        result = importer.run_import(FeedAdapter(feed))
        db.session.commit()
    assert result.new == 2 and not result.errors
    assert db.session.scalar(select(func.count(Consultation.id))) == before
    items = db.session.scalars(select(IntakeItem).where(IntakeItem.feed_source_id == feed.id)
                               .order_by(IntakeItem.id)).all()
    # The first joins the consultation (its later changes reach it); the second is that copy again.
    assert [(i.state, i.consultation_id) for i in items] == [(ItemState.ACCEPTED, existing.id),
                                                             (ItemState.DISMISSED, None)]
    assert items[1].dismissal_reason == "Already tracked as “Bus franchising in Wales”, from another source"
    assert any("already tracked" in line for line in result.changes)


def test_accepting_an_item_whose_link_was_logged_by_hand_meanwhile_joins_that_consultation(
    existing: Consultation, coordinator: User, admin: User,
) -> None:
    from tracker.intake import services as intake

    feed = feedsources.add_feed(admin, feedsources.FeedData(url="https://www.gov.wales/feed", issuer_name="Welsh "
                                                            "Government", issuer_type=IssuerType.OTHER_BODY.value))
    item = IntakeItem(source="feed", feed_source=feed, content_id=f"f{feed.id}-x", base_path=SPELLINGS[3],
                      document_type="feed_consultation", title="Bus franchising", closes_at=existing.closes_at)
    db.session.add(item)
    db.session.flush()
    before = db.session.scalar(select(func.count(Consultation.id)))
    assert intake.accept_item(coordinator, item) == existing
    assert db.session.scalar(select(func.count(Consultation.id))) == before


def test_the_link_keys_migration_keys_the_links_already_stored(database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import flask_migrate
    from sqlalchemy import text

    from tests.intake.test_migration_backfill import _consultation
    from tests.test_migrations import empty_database
    from tracker import create_app

    # Whatever number the migration is given when it is chained: found by its file's name.
    source = next(Path(__file__).resolve().parents[2].glob("migrations/versions/*_feed_sources_link_keys.py"))
    revision, before = (re.search(rf'^{name} = "(\w+)"', source.read_text(), re.M).group(1)  # type: ignore[union-attr]
                        for name in ("revision", "down_revision"))
    with empty_database(database_url, tmp_path) as url:
        app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path)})
        with app.app_context():
            flask_migrate.upgrade(revision=before)
            with db.engine.begin() as conn:
                for n, spelling in enumerate([*SPELLINGS[:2], ""], 1):
                    _consultation(conn, n, "manual", "Welsh Government", spelling)
            flask_migrate.upgrade(revision=revision)
            with db.engine.begin() as conn:
                keys = dict(conn.execute(text("SELECT id, url_key FROM consultation ORDER BY id")).tuples().all())
            assert keys == {1: "gov.wales/bus-franchising-wales", 2: "gov.wales/bus-franchising-wales", 3: ""}
            flask_migrate.downgrade(revision=before)
            db.session.remove()
            db.engine.dispose()
