"""What GOV.UK changes reaches subscribed calendars: the importer (against a local server that
answers like GOV.UK) moves a closing date or withdraws a consultation, and the feed says so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.account.conftest import feed_path, read_feed
from tests.intake.conftest import govuk, govuk_server, run_import  # noqa: F401 - the intake tests' fixtures
from tests.intake.govuk_server import GovukFixtureServer, iso, make_item
from tracker.extensions import db
from tracker.intake import services as intake_services
from tracker.models import User
from tracker.models.intake import IntakeItem
from tracker.timeutil import utcnow


def _accepted(coordinator: User, n: int) -> int:
    item = db.session.scalar(select(IntakeItem).where(IntakeItem.content_id == f"00000000-0000-4000-8000-{n:012d}"))
    assert item is not None
    consultation = intake_services.accept_item(coordinator, item)
    db.session.commit()
    return consultation.id


def test_a_closing_date_moved_on_govuk_moves_in_the_feed_and_a_withdrawal_cancels_it(
        client: FlaskClient, govuk: GovukFixtureServer, run_import: Callable[[], object],  # noqa: F811
        users: dict[str, User], feed_token: Callable[[User], str]) -> None:
    result, content = make_item(41, title="Bus fares cap")
    govuk.add(result, content)
    run_import()
    consultation_id = _accepted(users["coordinator"], 41)
    path = feed_path(feed_token(users["contributor"]), "network")
    uid = f"consultation-{consultation_id}-closes@tracker.test"
    first = read_feed(client, path)[1][uid]

    new_close = first.decoded("dtend") + timedelta(days=14)
    result["end_date"] = iso(new_close)
    content["details"]["closing_date"] = iso(new_close)
    run_import()
    moved = read_feed(client, path)[1][uid]
    assert moved.decoded("dtend") == new_close
    assert int(moved["sequence"]) == int(first["sequence"]) + 1
    assert str(moved["status"]) == "CONFIRMED"

    result["is_withdrawn"] = True
    content["withdrawn_notice"] = {"explanation": "<p>No longer policy.</p>", "withdrawn_at": iso(utcnow())}
    run_import()
    withdrawn = read_feed(client, path)[1][uid]
    assert str(withdrawn["status"]) == "CANCELLED"
    assert int(withdrawn["sequence"]) == int(moved["sequence"]) + 1
