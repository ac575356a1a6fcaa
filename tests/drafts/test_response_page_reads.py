"""The response and consultation pages read a panel's rows only when their first statement found
the panel has any (issue 26): a draft with no questions, no questions found in its documents, no
evidence request, no mention, no city's support, no message sent and no ask, partner or
engagement does not ask for them, a draft with no comment does not read the conversation, and
the reader's follows are read with the consultation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from tests.conftest import statements_run
from tracker.drafts import people, versions
from tracker.extensions import db
from tracker.models import Consultation, Status, User

# How each panel's own read is told apart (the page's first statement names these tables only
# in EXISTS; the response page's list of cities to choose from is "FROM city LEFT OUTER JOIN").
READS = {"questions": "SELECT question.", "found questions": "SELECT consultation_question.",
         "evidence": "SELECT evidence_request.", "mentions": "SELECT comment_mention.",
         "comments": "SELECT comment.", "supports": "FROM city_support JOIN city", "policy links": "AS part, response_ask.id"}


def _reads(client: Any, consultation: Consultation, page: str = "/response") -> tuple[str, set[str]]:
    with statements_run() as seen:
        response = client.get(f"/consultations/{consultation.id}{page if page != '/' else ''}")
    assert response.status_code == 200
    return response.get_data(as_text=True), {name for name, mark in READS.items()
                                              if any(mark in sql for sql in seen)}


def test_empty_panels_are_not_read(app: Flask, as_user: Callable[[str], Any], users: dict[str, User],
                                   make_draft: Callable[..., Consultation]) -> None:
    draft = make_draft(Status.DRAFTING, versions=["# View\n\nOne."])
    client = as_user("lead")
    html, read = _reads(client, draft)
    assert read == set() and "Comments (0)" in html

    people.add_comment(users["coordinator"], draft, "Please add the figures.")
    db.session.commit()
    html, read = _reads(client, draft)
    assert read == {"comments"} and "Please add the figures." in html and "Comments (1)" in html

    versions.add_question(users["lead"], draft, "Do you agree with the proposed funding formula?")
    db.session.commit()
    html, read = _reads(client, draft)
    assert read == {"comments", "questions"}
    assert "Do you agree with the proposed funding formula?" in html


def test_the_consultation_page_reads_supports_only_when_a_city_gave_it(
        app: Flask, as_user: Callable[[str], Any], users: dict[str, User],
        make_draft: Callable[..., Consultation]) -> None:
    draft = make_draft(Status.DRAFTING, versions=["# View\n\nOne."])
    client = as_user("coordinator")
    html, read = _reads(client, draft, "/")
    assert "supports" not in read and "Supported by" not in html

    city = users["contributor"].city
    assert city is not None
    people.record_support(users["coordinator"], draft, city.id)
    db.session.commit()
    html, read = _reads(client, draft, "/")
    assert "supports" in read and f"Supported by {city.name}." in html


def test_the_consultation_page_reads_messages_links_and_follows_with_the_consultation(
        app: Flask, as_user: Callable[[str], Any], users: dict[str, User],
        make_draft: Callable[..., Consultation]) -> None:
    from tracker.alerts import services as alerts
    from tracker.models import IssuerType
    from tracker.models.messages import Message
    from tracker.policy import engagements
    from tracker.timeutil import uk_today

    marks = {"messages": "SELECT message.", "policy links": "AS part, response_ask.id", "follows": "SELECT follow."}
    draft = make_draft(Status.DRAFTING, versions=["# View\n\nOne."])
    draft.issuer_type, draft.issuing_organisation = IssuerType.SELECT_COMMITTEE.value, "Treasury Committee"
    db.session.commit()
    client = as_user("coordinator")

    def reads() -> tuple[str, set[str]]:
        with statements_run() as seen:
            response = client.get(f"/consultations/{draft.id}")
        assert response.status_code == 200
        return response.get_data(as_text=True), {n for n, mark in marks.items() if any(mark in sql for sql in seen)}

    html, read = reads()
    assert read == set()
    assert "Follow this consultation" in html and "Follow the Treasury Committee" in html
    assert db.session.scalar(db.select(Message.id).where(Message.consultation_id == draft.id)) is None

    alerts.follow(users["coordinator"], "committee", "Treasury Committee")
    engagements.create_engagement(users["coordinator"], engagements.EngagementInput(
        occurred_on=uk_today(), kind="officials", title="Officials on the funding formula", attendees="HMT officials",
        work_area_id=None, notes="", consultation_ids=[draft.id]))
    people.add_comment(users["coordinator"], draft, "Please add the figures.")  # the lead is emailed
    db.session.commit()
    assert db.session.scalar(db.select(Message.id).where(Message.consultation_id == draft.id)) is not None
    html, read = reads()
    assert read == {"messages", "policy links"}
    assert "Follow this consultation" in html and "Unfollow the Treasury Committee" in html
    assert "Officials on the funding formula" in html

    alerts.follow(users["coordinator"], "consultation", str(draft.id))
    db.session.commit()
    html, read = reads()
    assert "follows" not in read and "Unfollow this consultation" in html
    # Another reader's follows are theirs.
    assert "Follow this consultation" in as_user("lead").get(f"/consultations/{draft.id}").get_data(as_text=True)
