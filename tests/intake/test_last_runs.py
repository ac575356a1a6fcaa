"""The inbox's account of the last imports: the latest run of GOV.UK's search, of the committees'
and of each enabled feed, in that order, read in one statement (issue 26), and no older run."""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.conftest import statements_run
from tracker.extensions import db
from tracker.models.intake import FeedSource, ImportRun
from tracker.timeutil import utcnow


def test_the_inbox_says_the_latest_run_of_each_source_in_one_statement(app: Any, as_user: Callable[[str], Any]) -> None:
    now = utcnow()
    welsh = FeedSource(url="https://gov.wales/consultations/feed", host="gov.wales", issuer_name="Welsh Government",
                       issuer_type="devolved")
    retired = FeedSource(url="https://example.org/feed", host="example.org", issuer_name="A retired source",
                         issuer_type="other", enabled=False)
    db.session.add_all([welsh, retired])
    db.session.flush()
    db.session.add_all([
        ImportRun(source="https://www.gov.uk/api/search.json", started_at=now - timedelta(hours=2),
                  incomplete="The API said 9 and gave 7"),
        ImportRun(source="https://www.gov.uk/api/search.json", started_at=now - timedelta(hours=1), found=7),
        ImportRun(source="feed:https://gov.wales/consultations/feed", feed_source_id=welsh.id,
                  started_at=now - timedelta(hours=3), found=1),
        ImportRun(source="feed:https://gov.wales/consultations/feed", feed_source_id=welsh.id,
                  started_at=now - timedelta(minutes=50), found=4),
        ImportRun(source="committees:https://committees-api.parliament.uk", started_at=now - timedelta(minutes=55),
                  found=2),
        ImportRun(source="feed:https://example.org/feed", feed_source_id=retired.id, started_at=now, found=9),
    ])
    db.session.commit()
    client = as_user("coordinator")
    with statements_run() as seen:
        response = client.get("/intake/")
    assert response.status_code == 200
    page = " ".join(html_lib.unescape(response.get_data(as_text=True)).split())
    said = page.split("Last import (")[1:]
    assert [s.split(")")[0] for s in said] == ["GOV.UK", "Parliament select committees", "Welsh Government's feed"]
    assert "found 7," in said[0] and "found 2," in said[1] and "found 4," in said[2]
    assert "The API said 9 and gave 7" not in page and "A retired source" not in page
    assert sum("FROM import_run" in sql for sql in seen) == 1
