"""Who hears of the conversation around a draft (issue 23), in the app and by email (a real SMTP
server): the draft's leads of a new comment, never of their own; a mentioned member, once, however
often the form is sent or the comment edited; the writers of a thread of a reply; a person added
as a contributor, once. Each per their own choice for that kind ("only in the tracker" sends no
email)."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import select

from tests import factories
from tests.reminders.conftest import Inbox
from tracker.drafts import conversation
from tracker.drafts import review as drafts_review
from tracker.extensions import db
from tracker.models import Consultation, Role, Status, User
from tracker.models.drafts import Comment
from tracker.models.messages import Delivery, Message, Notification, State


@pytest.fixture
def people(users: dict[str, User]) -> dict[str, User]:
    """The fixture users plus a second Hull policy lead."""
    extra = {"hull2": factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Hana Hull")}
    db.session.commit()
    return {**users, **extra}


def _told(consultation_id: int) -> dict[int, list[str]]:
    """user id -> kinds of the in-app notifications about the consultation, oldest first."""
    db.session.expire_all()
    told: dict[int, list[str]] = {}
    for n in db.session.scalars(select(Notification).where(Notification.consultation_id == consultation_id)
                                .order_by(Notification.id)):
        told.setdefault(n.user_id, []).append(n.kind)
    return told


def _subjects(smtp: Inbox, user: User) -> list[str]:
    return [str(m["Subject"]) for m in smtp.to(user.email)]


def _token(client, consultation: Consultation) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_the_leads_hear_of_a_new_comment_but_not_of_their_own(smtp: Inbox, eager: None, people, make_draft,
                                                              as_user, app) -> None:
    c = make_draft(Status.DRAFTING, title="Bus franchising guidance")
    r = as_user("contributor").post(f"/consultations/{c.id}/response/comments",
                                    data={"body": "Newport's figures are attached to version 2."})
    assert r.status_code == 302
    # The named lead and the lead city's other lead; not the writer, not the coordinators.
    assert _told(c.id) == {people["lead"].id: ["comment"], people["hull2"].id: ["comment"]}
    assert _subjects(smtp, people["lead"]) == ["New comment: Bus franchising guidance"]
    body = smtp.to(people["lead"].email)[0].get_body(("plain",)).get_content()
    assert "Cai Contributor (Newport) commented on the network's draft response to “Bus franchising guidance”" in body
    assert "Newport's figures are attached to version 2." in body
    comment_id = db.session.scalar(select(Message.event_key).where(Message.recipient_id == people["lead"].id))
    assert f"{app.config['BASE_URL']}/consultations/{c.id}/response#{comment_id}" in body
    assert smtp.to(people["contributor"].email) == [] and smtp.to(people["coordinator"].email) == []
    page = html_lib.unescape(as_user("lead").get("/notifications").get_data(as_text=True))
    assert "New comment: Bus franchising guidance" in page

    # The lead's own comment tells the other Hull lead, not the lead.
    conversation.add_comment(people["lead"], db.session.get(Consultation, c.id), "Thanks, merged.")
    db.session.commit()
    assert _told(c.id)[people["lead"].id] == ["comment"]
    assert _told(c.id)[people["hull2"].id] == ["comment", "comment"]


def test_a_mention_tells_once_however_often_sent_or_edited(smtp: Inbox, eager: None, people, make_draft,
                                                           as_user) -> None:
    c = make_draft(Status.DRAFTING, title="Skills white paper")
    client = as_user("coordinator")
    token = _token(client, c)
    for _ in range(2):  # a double click: the same form sent twice
        r = client.post(f"/consultations/{c.id}/response/comments",
                        data={"body": "@Cai Contributor can Newport add its apprenticeship numbers?", "token": token})
        assert r.status_code == 302
    assert _told(c.id)[people["contributor"].id] == ["mention"]
    assert _subjects(smtp, people["contributor"]) == ["Cora Coordinator mentioned you: Skills white paper"]
    (comment,) = db.session.scalars(select(Comment))

    # Edited twice: still naming Cai, and now Omar too. Only Omar is told, once.
    edit = f"/consultations/{c.id}/response/comments/{comment.id}/edit"
    for version, text in ((1, "@Cai Contributor and @Omar Other: your numbers?"),
                          (2, "@Cai Contributor and @Omar Other: your apprenticeship numbers?")):
        assert client.post(edit, data={"body": text, "version": version}).status_code == 302
    told = _told(c.id)
    assert told[people["contributor"].id] == ["mention"] and told[people["other_lead"].id] == ["mention"]
    assert len(smtp.to(people["contributor"].email)) == 1 and len(smtp.to(people["other_lead"].email)) == 1
    # The leads heard of the comment once, when it was added.
    assert told[people["lead"].id] == ["comment"] and told[people["hull2"].id] == ["comment"]


def test_a_mentioned_lead_hears_of_the_mention_not_also_of_the_comment(smtp: Inbox, eager: None, people,
                                                                        make_draft) -> None:
    c = make_draft(Status.DRAFTING, title="Rail fares")
    conversation.add_comment(people["contributor"], c, "@Lena Lead is this the line we agreed?")
    db.session.commit()
    told = _told(c.id)
    assert told[people["lead"].id] == ["mention"] and told[people["hull2"].id] == ["comment"]
    assert _subjects(smtp, people["lead"]) == ["Cai Contributor mentioned you: Rail fares"]
    # Mentioning oneself tells no one of it.
    conversation.add_comment(people["other_lead"], c, "Noted by @Omar Other.")
    db.session.commit()
    assert people["other_lead"].id not in _told(c.id)


def test_a_reply_tells_the_threads_writers_and_the_leads(smtp: Inbox, eager: None, people, make_draft) -> None:
    c = make_draft(Status.DRAFTING, title="Heat networks")
    top = conversation.add_comment(people["other_lead"], c, "Salford has data on this.")
    db.session.commit()
    conversation.reply(people["coordinator"], c, top.id, "Please add it.")
    db.session.commit()
    told = _told(c.id)
    assert told[people["other_lead"].id] == ["comment_reply"]
    assert told[people["lead"].id] == ["comment", "comment"] and people["coordinator"].id not in told
    assert _subjects(smtp, people["other_lead"]) == ["New reply: Heat networks"]


def test_a_returned_drafts_comment_is_told_with_the_return_only(smtp: Inbox, eager: None, people, make_draft) -> None:
    c = make_draft(Status.IN_REVIEW, versions=["v1"])
    drafts_review.return_for_changes(people["coordinator"], db.session.get(Consultation, c.id), "Shorter, please.")
    db.session.commit()
    assert {kinds[0] for kinds in _told(c.id).values()} == {"returned"}


def test_a_person_added_as_a_contributor_is_told_once(smtp: Inbox, eager: None, people, make_draft, as_user) -> None:
    c = make_draft(Status.DRAFTING, title="Local plans")
    pat = factories.make_user(Role.CONTRIBUTOR, city_name="Plymouth", name="Pat Plymouth")
    db.session.commit()
    lead = as_user("lead")
    assert lead.post(f"/consultations/{c.id}/response/contributors", data={"user_id": pat.id}).status_code == 302
    again = lead.post(f"/consultations/{c.id}/response/contributors", data={"user_id": pat.id})
    assert again.status_code == 400 and "already a contributor" in html_lib.unescape(again.get_data(as_text=True))
    assert _told(c.id) == {pat.id: ["contributor_added"]}
    assert _subjects(smtp, pat) == ["You can now edit the draft: Local plans"]
    body = smtp.to(pat.email)[0].get_body(("plain",)).get_content()
    assert "Lena Lead (Hull) has added you as a contributor to the network's response to “Local plans”" in body
    assert f"/consultations/{c.id}/response/edit" in body


def test_only_in_the_tracker_sends_no_email(smtp: Inbox, eager: None, people, make_draft, as_user) -> None:
    client = as_user("contributor")
    page = client.get("/account/preferences").get_data(as_text=True)
    assert "Comments that mention you with @" in page and "New comments on drafts you or your city lead" in page
    saved = client.post("/account/preferences", data={
        "delivery": "immediate", "digest_time": "08:00", "points": ["before_1"], "event_mention": "none"},
        follow_redirects=True)
    assert "preferences are saved" in saved.get_data(as_text=True)
    c = make_draft(Status.DRAFTING, title="Libraries")
    conversation.add_comment(people["coordinator"], c, "@Cai Contributor over to you.")
    db.session.commit()
    row = db.session.scalar(select(Message).where(Message.recipient_id == people["contributor"].id))
    assert (row.kind, row.delivery, row.state) == ("mention", Delivery.NONE, State.SKIPPED)
    assert _told(c.id)[people["contributor"].id] == ["mention"]  # in the app
    assert smtp.to(people["contributor"].email) == []
    assert _subjects(smtp, people["lead"]) == ["New comment: Libraries"]  # the lead chose nothing: an email
