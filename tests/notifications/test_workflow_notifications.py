"""Workflow notifications: each change people need to know about reaches them in the app and by
email (a real SMTP server), per their preference for that kind, once, never the person who made
it, with links on BASE_URL."""

from __future__ import annotations

import html as html_lib
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.reminders.conftest import Inbox
from tracker.consultations import notifications
from tracker.consultations import services as consultations
from tracker.drafts import people as drafts_people
from tracker.drafts import review as drafts_review
from tracker.extensions import db
from tracker.models import Consultation, Role, Status, User
from tracker.models.messages import Delivery, Message, Notification, State
from tracker.timeutil import uk_today, utcnow


def _told(consultation_id: int, kind: str) -> dict[int, str]:
    """user id -> subject of the in-app notifications of that kind."""
    db.session.expire_all()
    return {n.user_id: n.subject for n in db.session.scalars(
        select(Notification).where(Notification.consultation_id == consultation_id, Notification.kind == kind))}


def _mail(smtp: Inbox, user: User) -> list[str]:
    return [str(m["Subject"]) for m in smtp.to(user.email)]


def _body(smtp: Inbox, user: User) -> str:
    (message,) = smtp.to(user.email)
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def people(users: dict[str, User]) -> dict[str, User]:
    """The fixture users plus a second Hull policy lead and a second coordinator."""
    extra = {
        "hull2": factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Hana Hull"),
        "bea": factories.make_user(Role.COORDINATOR, name="Bea Busy"),
        "salford2": factories.make_user(Role.CONTRIBUTOR, city_name="Salford", name="Sid Salford"),
    }
    db.session.commit()
    return {**users, **extra}


def test_assigning_tells_the_new_lead_in_the_app_and_by_email(smtp: Inbox, eager: None, people, as_user, app) -> None:
    c = factories.make_consultation(Status.TRIAGED, area=None, title="Bus services: accessibility")
    db.session.commit()
    client = as_user("coordinator")
    version = c.version
    response = client.post(f"/consultations/{c.id}/assign", data={
        "work_area": str(factories.work_area("Transport").id), "city": str(factories.city("Hull").id),
        "policy_lead": str(people["lead"].id), "internal_deadline": ["", "", ""], "version": version})
    assert response.status_code == 302
    assert _told(c.id, "assigned") == {people["lead"].id: "Assigned to you: Bus services: accessibility"}
    assert _mail(smtp, people["lead"]) == ["Assigned to you: Bus services: accessibility"]
    body = _body(smtp, people["lead"])
    assert "Cora Coordinator has assigned “Bus services: accessibility” to Hull; you are its policy lead." in body
    assert "What to do next:" in body
    assert f"{app.config['BASE_URL']}/consultations/{c.id}/response/edit" in body
    # Not the coordinator who did it, nor the other Hull lead (a lead is named), nor anyone else.
    assert len(smtp.messages) == 1
    page = as_user("lead").get("/notifications").get_data(as_text=True)
    assert "Assigned to you: Bus services: accessibility" in html_lib.unescape(page)
    assert "Bus services: accessibility" not in as_user("other_lead").get("/notifications").get_data(as_text=True)


def test_reassigning_tells_the_previous_and_the_new_lead(smtp: Inbox, eager: None, people) -> None:
    c = factories.make_consultation(Status.DRAFTING, lead=people["lead"], title="Rail fares")
    db.session.commit()
    consultations.assign(people["coordinator"], c, work_area=factories.work_area("Housing"),
                         city=factories.city("Salford"), policy_lead=people["other_lead"], internal_deadline=None)
    db.session.commit()
    assert _told(c.id, "assigned") == {
        people["lead"].id: "Reassigned away from you: Rail fares",
        people["other_lead"].id: "Assigned to you: Rail fares",
    }
    assert "Cora Coordinator has reassigned “Rail fares” to Salford with Omar Other as policy lead." in \
        _body(smtp, people["lead"])
    assert _mail(smtp, people["other_lead"]) == ["Assigned to you: Rail fares"]


def test_an_assignment_without_a_named_lead_tells_the_citys_policy_leads(smtp: Inbox, eager: None, people) -> None:
    c = factories.make_consultation(Status.TRIAGED, area=None, title="Cycle lanes")
    db.session.commit()
    consultations.assign(people["coordinator"], c, work_area=factories.work_area("Transport"),
                         city=factories.city("Hull"), policy_lead=None, internal_deadline=None)
    db.session.commit()
    assert set(_told(c.id, "assigned")) == {people["lead"].id, people["hull2"].id}
    assert "no policy lead is named yet" in _body(smtp, people["hull2"])


def test_the_review_cycle_tells_the_right_people_once(smtp: Inbox, eager: None, people, make_draft,
                                                      added_contributor, app) -> None:
    c = make_draft(Status.DRAFTING, versions=["First draft."], title="Local growth plans")
    helper = added_contributor(c)  # Pat Plymouth
    team = {people["lead"].id, people["hull2"].id, helper.id}

    drafts_review.send_for_review(people["lead"], db.session.get(Consultation, c.id))
    db.session.commit()
    # Coordinators, not admins (IT), not the lead who sent it.
    assert set(_told(c.id, "sent_for_review")) == {people["coordinator"].id, people["bea"].id}
    review = _body(smtp, people["bea"])
    assert "Lena Lead (Hull) has sent version 1 of the network's response to “Local growth plans” for review." in review
    assert f"{app.config['BASE_URL']}/consultations/{c.id}/response" in review

    drafts_review.return_for_changes(people["coordinator"], db.session.get(Consultation, c.id), "Make the first ask sharper.")
    db.session.commit()
    assert set(_told(c.id, "returned")) == team
    (returned,) = [m for m in smtp.to(helper.email) if str(m["Subject"]) == "Returned for changes: Local growth plans"]
    assert "Make the first ask sharper." in returned.get_body(("plain",)).get_content()

    drafts_review.send_for_review(people["lead"], db.session.get(Consultation, c.id))
    db.session.commit()
    drafts_review.approve(people["bea"], db.session.get(Consultation, c.id), number=1)
    db.session.commit()
    assert set(_told(c.id, "approved")) == team
    assert "Bea Busy has approved version 1" in smtp.to(people["hull2"].email)[-1].get_body(("plain",)).get_content()

    drafts_review.reopen(people["coordinator"], db.session.get(Consultation, c.id), "The minister's statement")
    db.session.commit()
    assert set(_told(c.id, "reopened")) == team
    assert "Reason: The minister's statement" in smtp.to(people["lead"].email)[-1].get_body(("plain",)).get_content()

    # Each event reached each person once, in the app and by email.
    rows = db.session.scalars(select(Message).where(Message.consultation_id == c.id)).all()
    assert len({(r.event_key, r.recipient_id) for r in rows}) == len(rows)
    assert all(r.state == State.SENT for r in rows)
    assert len(smtp.messages) == len(rows)
    # Nobody was told of their own action.
    actors = {"sent_for_review": people["lead"].id, "returned": people["coordinator"].id,
              "approved": people["bea"].id, "reopened": people["coordinator"].id}
    for kind, actor in actors.items():
        assert actor not in _told(c.id, kind)


def test_submission_and_outcome_reach_everyone_who_took_part(smtp: Inbox, eager: None, people, make_draft,
                                                             added_contributor) -> None:
    c = make_draft(Status.APPROVED, versions=["v1", "Final text."], title="Skills white paper", closes_in_days=-2)
    helper = added_contributor(c)
    drafts_people.record_support(people["other_lead"], db.session.get(Consultation, c.id), people["other_lead"].city_id)
    drafts_people.add_comment(people["salford2"], db.session.get(Consultation, c.id), "Salford can add figures.")
    db.session.commit()

    drafts_review.record_submission(people["coordinator"], db.session.get(Consultation, c.id), method="email",
                             submitted_at=utcnow() - timedelta(hours=2), reference="KC-77")
    db.session.commit()
    # The lead city, contributors and the supporting cities' leads.
    assert set(_told(c.id, "submitted")) == {people["lead"].id, people["hull2"].id, helper.id,
                                             people["other_lead"].id}
    body = _body(smtp, people["other_lead"])
    assert "Cora Coordinator has recorded that the network submitted its response to “Skills white paper”" in body
    assert "by email, reference KC-77" in body and "Version 2 is now frozen" in body

    drafts_review.record_outcome(people["bea"], db.session.get(Consultation, c.id), url="https://www.gov.uk/outcome",
                          published_on=uk_today(), taken_up="partly", notes="Two of three asks.")
    db.session.commit()
    # ...and whoever else took part: the commenter and the coordinator who recorded the submission.
    assert set(_told(c.id, "outcome")) == {people["lead"].id, people["hull2"].id, helper.id,
                                           people["other_lead"].id, people["salford2"].id,
                                           people["coordinator"].id}
    outcome = smtp.to(people["salford2"].email)[-1].get_body(("plain",)).get_content()
    assert "Did the government take up the network's asks? Partly." in outcome
    assert "Read the government's response: https://www.gov.uk/outcome" in outcome


def test_one_event_never_tells_one_person_twice(smtp: Inbox, eager: None, people, make_draft) -> None:
    c = make_draft(Status.IN_REVIEW, versions=["v1"])
    drafts_review.approve(people["coordinator"], db.session.get(Consultation, c.id), number=1)
    # The same event again (a retried call in the same transaction): nobody is told twice.
    assert notifications.approved(people["coordinator"], db.session.get(Consultation, c.id), 1) == 0
    db.session.commit()
    assert len(smtp.to(people["lead"].email)) == 1
    # And the database refuses a second row for one event and one person.
    row = db.session.scalar(select(Message).where(Message.recipient_id == people["lead"].id))
    db.session.add(Message(recipient_id=row.recipient_id, consultation_id=c.id, kind="approved",
                            subject="again", body="", event_key=row.event_key))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_each_kind_reaches_a_user_as_they_chose(smtp: Inbox, eager: None, people, make_draft, as_user) -> None:
    client = as_user("lead")
    page = client.get("/account/preferences").get_data(as_text=True)
    assert "Drafts approved" in page and "Drafts returned for changes" in page
    saved = client.post("/account/preferences", data={
        "delivery": "immediate", "digest_time": "08:00", "points": ["before_1"],
        "event_approved": "digest", "event_returned": "none", "event_assigned": ""}, follow_redirects=True)
    assert "preferences are saved" in saved.get_data(as_text=True)
    # The page shows the choices back.
    page = html_lib.unescape(client.get("/account/preferences").get_data(as_text=True))
    assert '<option value="digest" selected>In the daily digest</option>' in page

    c = make_draft(Status.IN_REVIEW, versions=["v1"])
    drafts_review.return_for_changes(people["coordinator"], db.session.get(Consultation, c.id), "Shorter, please.")
    db.session.commit()
    drafts_review.send_for_review(people["lead"], db.session.get(Consultation, c.id))
    db.session.commit()
    drafts_review.approve(people["coordinator"], db.session.get(Consultation, c.id), number=1)
    db.session.commit()
    lead_rows = {r.kind: r for r in db.session.scalars(select(Message).where(Message.recipient_id == people["lead"].id))}
    assert (lead_rows["returned"].delivery, lead_rows["returned"].state) == (Delivery.NONE, State.SKIPPED)
    assert (lead_rows["approved"].delivery, lead_rows["approved"].state) == (Delivery.DIGEST, State.PENDING)
    assert smtp.to(people["lead"].email) == []  # the digest sends it later; "returned" in the app only
    assert set(_told(c.id, "returned")) >= {people["lead"].id} and people["lead"].id in _told(c.id, "approved")
    # Another Hull lead who chose nothing gets both at once.
    assert sorted(_mail(smtp, people["hull2"])) == sorted([f"Approved: {c.title}", f"Returned for changes: {c.title}"])

    bad = client.post("/account/preferences", data={"delivery": "immediate", "digest_time": "08:00",
                                                    "event_approved": "carrier-pigeon"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)


def test_notifications_are_rolled_back_with_a_refused_change(smtp: Inbox, eager: None, people, make_draft) -> None:
    """Created in the change's transaction: a change that does not happen tells nobody."""
    c = make_draft(Status.IN_REVIEW, versions=["v1"])
    drafts_review.approve(people["coordinator"], db.session.get(Consultation, c.id), number=1)
    db.session.rollback()
    assert db.session.scalar(select(Notification)) is None and smtp.messages == []
