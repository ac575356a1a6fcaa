"""The admins' feeds pages: add (refusals on their fields, what was typed kept), list, edit on the
version the page showed, disable and enable; logged; admins only."""

from __future__ import annotations

import html

from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.models import ActivityLog
from tracker.models.intake import FeedSource

GOOD = {"url": "https://www.gov.wales/consultations/feed", "issuer_name": "Welsh Government",
        "issuer_type": "government_department", "default_work_area_id": 0}


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def test_only_admins_reach_the_feeds(as_user) -> None:  # type: ignore[no-untyped-def]
    for who in ("coordinator", "lead"):
        client = as_user(who)
        assert client.get("/intake/feeds").status_code == 403
        assert client.post("/intake/feeds/new", data=GOOD).status_code == 403
    page = _text(as_user("admin").get("/intake/feeds"))
    assert "No feed has been added yet." in page and "Add a feed" in page


def test_an_admin_adds_edits_disables_and_enables_a_feed(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("admin")
    refused = client.post("/intake/feeds/new", data={**GOOD, "url": "javascript:alert(1)"})
    assert refused.status_code == 400
    page = _text(refused)
    assert "Enter the feed's address as http:// or https://" in page
    assert 'value="Welsh Government"' in page  # what was typed is kept

    area = factories.work_area("Transport")
    added = client.post("/intake/feeds/new", data={**GOOD, "default_work_area_id": area.id})
    assert added.status_code == 302
    feed = db.session.scalar(select(FeedSource))
    assert feed is not None and feed.host == "www.gov.wales" and feed.enabled
    assert feed.default_work_area_id == area.id
    listing = _text(client.get("/intake/feeds"))
    assert "Welsh Government" in listing and "Government department" in listing and "Transport" in listing
    assert "Not yet read" in listing

    # The same feed however written is refused.
    again = client.post("/intake/feeds/new", data={**GOOD, "url": "http://gov.wales/consultations/feed/"})
    assert again.status_code == 400 and "This feed is already a source" in _text(again)

    form = {**GOOD, "issuer_name": "Llywodraeth Cymru", "version": feed.version}
    assert client.post(f"/intake/feeds/{feed.id}", data=form).status_code == 302
    db.session.refresh(feed)
    assert feed.issuer_name == "Llywodraeth Cymru" and feed.default_work_area_id is None
    stale = client.post(f"/intake/feeds/{feed.id}", data={**form, "issuer_name": "Old page"})
    assert stale.status_code == 409
    assert "changed this feed after you opened the page" in _text(stale)
    assert 'value="Old page"' in _text(stale)

    assert client.post(f"/intake/feeds/{feed.id}/switch", data={"version": feed.version}).status_code == 302
    db.session.refresh(feed)
    assert not feed.enabled and "Disabled" in _text(client.get("/intake/feeds"))
    assert client.post(f"/intake/feeds/{feed.id}/switch", data={"version": feed.version - 1}).status_code == 409
    assert client.post(f"/intake/feeds/{feed.id}/switch", data={"version": feed.version}).status_code == 302
    db.session.refresh(feed)
    assert feed.enabled

    log = db.session.scalars(select(ActivityLog.message).where(ActivityLog.subject_type == "feed_source")
                             .order_by(ActivityLog.id)).all()
    assert log == ["Added the feed of Welsh Government (https://www.gov.wales/consultations/feed) as an intake source",
                   "Edited the feed of Llywodraeth Cymru", "Disabled the feed of Llywodraeth Cymru",
                   "Enabled the feed of Llywodraeth Cymru"]


def test_a_feed_that_does_not_exist_is_a_404(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("admin")
    assert client.get("/intake/feeds/999999").status_code == 404
    assert client.post("/intake/feeds/999999/switch", data={"version": 1}).status_code == 404
