"""Saved searches and follows: their pages and verbs, and the scan that tells people, once each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import login
from tests.intake.govuk_server import make_item
from tracker.alerts import queries, scan, services
from tracker.consultations import services as consultation_services
from tracker.consultations.services import ConsultationData
from tracker.errors import DomainError, NotFound, Stale
from tracker.extensions import db
from tracker.intake import services as intake_services
from tracker.models import IssuerType, User, WorkArea
from tracker.models.alerts import Follow, SavedSearch
from tracker.models.intake import IntakeItem
from tracker.models.messages import Message, Notification, ReminderPreference
from tracker.policy import services as policy_services


def _told(user: User, kind: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                              Notification.kind == kind).order_by(Notification.id)))


def _area(name: str) -> WorkArea:
    return factories.work_area(name)


# --- saved searches: the pages ----------------------------------------------------------------


def test_save_rename_open_and_delete_a_search_through_the_pages(app, client, lead) -> None:
    login(client, lead)
    area = _area("Transport")
    page = client.get(f"/consultations/?q=bus&work_area={area.id}")
    assert "Save this search" in page.text
    form = client.get(f"/alerts/searches/new?q=bus&work_area={area.id}")
    assert form.status_code == 200
    assert "Words “bus”; work area Transport" in form.text
    saved = client.post("/alerts/searches/new", data={"query": f"q=bus&work_area={area.id}", "name": "Buses",
                                                      "delivery": "digest"}, follow_redirects=True)
    assert "Search “Buses” saved." in saved.text
    assert "In the daily digest" in saved.text and "Words “bus”; work area Transport" in saved.text
    search = db.session.scalar(select(SavedSearch).where(SavedSearch.user_id == lead.id))
    assert search is not None and search.args == {"q": "bus", "work_area": str(area.id)}

    opened = client.get(f"/alerts/searches/{search.id}")
    assert opened.status_code == 302 and "q=bus" in opened.headers["Location"]

    renamed = client.post(f"/alerts/searches/{search.id}/edit",
                          data={"version": search.version, "name": "Bus services", "delivery": "at_once"},
                          follow_redirects=True)
    assert "Search “Bus services” saved." in renamed.text and "At once" in renamed.text

    confirm = client.get(f"/alerts/searches/{search.id}/delete")
    assert "Delete the saved search “Bus services”?" in confirm.text
    db.session.refresh(search)
    gone = client.post(f"/alerts/searches/{search.id}/delete", data={"version": search.version},
                       follow_redirects=True)
    assert "Search “Bus services” deleted." in gone.text and "You have no saved searches yet." in gone.text
    assert db.session.scalar(select(func.count()).select_from(SavedSearch)) == 0


def test_a_search_keeps_what_was_typed_when_refused_and_refuses_unknown_filters(client, lead) -> None:
    login(client, lead)
    empty = client.post("/alerts/searches/new", data={"query": "q=bus", "name": "", "delivery": "at_once"})
    assert empty.status_code == 400 and "Enter a name for the search" in empty.text
    assert 'value="q=bus"' in empty.text
    bad = client.get("/alerts/searches/new?status=nonsense")
    assert bad.status_code == 400 and "is not a status" in bad.text


def test_nobody_opens_or_changes_someone_elses_search(client, lead, other_lead) -> None:
    search = services.save_search(lead, name="Mine", args={"q": "bus"}, delivery="at_once")
    db.session.commit()
    login(client, other_lead)
    for url in (f"/alerts/searches/{search.id}", f"/alerts/searches/{search.id}/edit",
                f"/alerts/searches/{search.id}/delete"):
        assert client.get(url).status_code == 404
    assert client.post(f"/alerts/searches/{search.id}/delete", data={"version": 1}).status_code == 404
    assert db.session.get(SavedSearch, search.id) is not None


def test_a_my_work_search_is_read_as_its_owners(lead, other_lead) -> None:
    mine = factories.make_consultation("assigned", title="Before", lead=lead)
    search = services.save_search(lead, name="Mine", args={"mine": "assigned"}, delivery="at_once")
    assert queries.searches_of(lead)[0].described == "Assigned to me"
    db.session.flush()
    told = factories.make_consultation("assigned", title="Bus lanes for Hull", lead=lead)
    factories.make_consultation("assigned", title="Salford's", lead=other_lead)
    scan.plan()
    assert [n.consultation_id for n in _told(lead, "search_alert")] == [told.id]
    assert mine.id != told.id and search.args == {"mine": "assigned"}


def test_names_are_unique_per_person_and_a_stale_edit_is_refused(lead) -> None:
    search = services.save_search(lead, name="Housing", args={}, delivery="none")
    with pytest.raises(DomainError, match="already have a saved search called"):
        services.save_search(lead, name="housing", args={}, delivery="none")
    services.update_search(lead, search.id, name="Homes", delivery="none", seen_version=1)
    with pytest.raises(Stale):
        services.update_search(lead, search.id, name="Old page", delivery="none", seen_version=1)
    with pytest.raises(NotFound):
        services.follow(lead, "consultation", "999999")


# --- saved searches: the alerts ---------------------------------------------------------------


def test_new_matches_are_told_once_and_never_what_was_there_before(lead) -> None:
    before = factories.make_consultation(title="Bus lanes before the search")
    search = services.save_search(lead, name="Buses", args={"q": "bus"}, delivery="at_once")
    db.session.flush()
    match = factories.make_consultation(title="Bus franchising guidance")
    factories.make_consultation(title="Ferries and ports")
    assert scan.plan() == 1
    assert scan.plan() == 0  # a second scan (or the sweep after the task) tells nothing again
    told = _told(lead, "search_alert")
    assert [n.consultation_id for n in told] == [match.id]
    assert told[0].subject == "New for your search “Buses”: Bus franchising guidance"
    assert before.id not in {n.consultation_id for n in told}
    email = db.session.scalar(select(Message).where(Message.recipient_id == lead.id, Message.kind == "search_alert"))
    assert email is not None and email.delivery == "immediate" and email.event_key == f"search:{search.id}:consultation:{match.id}"


def test_a_digest_search_waits_for_the_digest_and_no_emails_means_none(lead, other_lead) -> None:
    services.save_search(lead, name="Buses", args={"q": "bus"}, delivery="digest")
    services.save_search(other_lead, name="Buses", args={"q": "bus"}, delivery="digest")
    db.session.add(ReminderPreference(user_id=other_lead.id, delivery="none"))
    services.save_search(lead, name="Silent", args={"q": "bus"}, delivery="none")
    db.session.flush()
    factories.make_consultation(title="Bus franchising guidance")
    assert scan.plan() == 2
    deliveries = dict(list(db.session.execute(select(Message.recipient_id, Message.delivery)
                                              .where(Message.kind == "search_alert")).tuples()))
    assert deliveries == {lead.id: "digest", other_lead.id: "none"}


def test_the_filters_are_the_lists_own(lead) -> None:
    housing = _area("Housing")
    services.save_search(lead, name="Housing", args={"work_area": str(housing.id), "status": "open"},
                         delivery="at_once")
    db.session.flush()
    wanted = factories.make_consultation(title="Social rent settlement", area="Housing")
    factories.make_consultation(title="Rail fares", area="Transport")
    factories.make_consultation("declined", title="Housing but declined", area="Housing")
    scan.plan()
    assert [n.consultation_id for n in _told(lead, "search_alert")] == [wanted.id]


def test_an_imported_item_is_told_before_triage_and_not_again_once_accepted(govuk, run_import, coordinator,
                                                                           lead) -> None:
    search = services.save_search(lead, name="Buses", args={"q": "bus"}, delivery="at_once")
    db.session.commit()
    govuk.add(*make_item(1, title="Bus franchising guidance", org="DfT"))
    govuk.add(*make_item(2, title="Adult social care charging", org="DHSC"))
    run_import()
    assert scan.plan() == 1
    told = _told(lead, "search_alert")
    item = db.session.scalar(select(IntakeItem).where(IntakeItem.title == "Bus franchising guidance"))
    assert item is not None and len(told) == 1 and told[0].consultation_id is None
    assert "waiting for the coordinators to triage it" in told[0].body
    intake_services.accept_item(coordinator, item)
    db.session.commit()
    assert scan.plan() == 0
    assert len(_told(lead, "search_alert")) == 1
    assert db.session.scalar(select(Message.event_key).where(Message.recipient_id == lead.id)) == \
        f"search:{search.id}:item:{item.id}"


def test_items_in_the_inbox_before_the_search_are_not_told(govuk, run_import, lead) -> None:
    govuk.add(*make_item(1, title="Bus franchising guidance", org="DfT"))
    run_import()
    services.save_search(lead, name="Buses", args={"q": "bus"}, delivery="at_once")
    db.session.commit()
    assert scan.plan() == 0


# --- follows -----------------------------------------------------------------------------------


def test_follow_a_consultation_and_hear_of_its_moved_deadline_once(client, coordinator, lead) -> None:
    consultation = factories.make_consultation(title="Bus franchising guidance")
    db.session.commit()
    login(client, lead)
    page = client.get(f"/consultations/{consultation.id}")
    assert "Follow this consultation" in page.text
    followed = client.post("/alerts/follow", data={"target": "consultation", "ident": str(consultation.id)},
                           follow_redirects=True)
    assert "You are following it" in followed.text and "Unfollow this consultation" in followed.text
    assert "Bus franchising guidance" in client.get("/alerts/following").text

    data = ConsultationData(title=consultation.title, issuing_organisation=consultation.issuing_organisation,
                            closes_at=consultation.closes_at + timedelta(days=7), url=consultation.url,
                            summary=consultation.summary, opened_at=consultation.opened_at)
    consultation_services.update_consultation(coordinator, consultation, data, seen_version=consultation.version)
    db.session.commit()
    assert scan.plan() == 1
    assert scan.plan() == 0
    told = _told(lead, "followed_change")
    assert len(told) == 1 and "Its closing date moved from" in told[0].body
    assert _told(coordinator, "followed_change") == []  # who made the change is not told of it

    client.post("/alerts/unfollow", data={"target": "consultation", "ident": str(consultation.id)})
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0


def test_changes_before_following_are_not_told_and_status_and_outcome_are(coordinator, lead) -> None:
    consultation = factories.make_consultation(title="Bus franchising guidance")
    consultation_services.triage(coordinator, consultation, decision="respond", reason="",
                                 seen_version=consultation.version)
    db.session.flush()
    services.follow(lead, "consultation", str(consultation.id))
    db.session.flush()
    assert scan.plan() == 0
    consultation_services.simple_transition(coordinator, consultation, "withdraw", seen_version=consultation.version)
    db.session.flush()
    assert scan.plan() == 1
    assert "Its status changed from to assign to withdrawn" in _told(lead, "followed_change")[0].body


def test_follow_an_ask_and_a_committee(coordinator, lead) -> None:
    area = _area("Transport")
    ask = policy_services.create_ask(coordinator, work_area_id=area.id, lead_city_id=area.lead_city_id,
                                     title="Multi-year bus funding", text="Five-year settlements.")
    committee = factories.make_consultation(title="Call for evidence: buses", organisation="Transport Committee")
    committee.issuer_type = IssuerType.SELECT_COMMITTEE.value
    db.session.flush()
    services.follow(lead, "ask", str(ask.id))
    services.follow(lead, "committee", "Transport Committee")
    with pytest.raises(NotFound):
        services.follow(lead, "committee", "No Such Committee")
    db.session.flush()
    policy_services.edit_ask(coordinator, ask, seen_version=ask.version, title=ask.title, text=ask.text,
                             status="achieved", lead_city_id=ask.lead_city_id, work_area_id=ask.work_area_id)
    consultation_services.simple_transition(coordinator, committee, "withdraw", seen_version=committee.version)
    db.session.flush()
    assert scan.plan() == 2
    bodies = sorted(n.body for n in _told(lead, "followed_change"))
    assert "Its status changed from active to achieved" in bodies[0]
    assert "“Call for evidence: buses”, which you follow, changed" in bodies[1]


def _queued_tasks(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The names of the tasks waiting in the (in-memory) broker's queue, taken off it."""
    celery = app.extensions["celery"]
    names = []
    with celery.connection_for_read() as connection:
        queue = connection.SimpleQueue("celery")
        try:
            while True:
                message = queue.get(timeout=0.2)
                names.append(message.headers.get("task"))
                message.ack()
        except queue.Empty:
            pass
        finally:
            queue.close()
    return names


def test_a_commit_that_makes_alerts_due_queues_one_scan_and_a_rollback_none(app, lead) -> None:
    _queued_tasks(app)
    factories.make_consultation(title="Bus franchising guidance")
    db.session.rollback()
    assert "tracker.alerts.tasks.scan" not in _queued_tasks(app)
    factories.make_consultation(title="Bus franchising guidance")
    factories.make_consultation(title="Bus lanes")
    db.session.commit()
    assert _queued_tasks(app).count("tracker.alerts.tasks.scan") == 1
    lead.name = "Lena L."  # nothing an alert is about
    db.session.commit()
    assert "tracker.alerts.tasks.scan" not in _queued_tasks(app)
    with db.session.begin_nested():  # an importer's item: its savepoint is not the transaction
        factories.make_consultation(title="Bus stops")
    assert "tracker.alerts.tasks.scan" not in _queued_tasks(app)
    db.session.commit()
    assert _queued_tasks(app).count("tracker.alerts.tasks.scan") == 1


def test_the_ask_and_committee_buttons_follow_and_unfollow(client, coordinator, lead) -> None:
    area = _area("Transport")
    ask = policy_services.create_ask(coordinator, work_area_id=area.id, lead_city_id=area.lead_city_id,
                                     title="Multi-year bus funding", text="Five-year settlements.")
    committee = factories.make_consultation(title="Call for evidence: buses", organisation="Transport Committee")
    committee.issuer_type = IssuerType.SELECT_COMMITTEE.value
    db.session.commit()
    login(client, lead)
    assert "Follow this ask" in client.get(f"/policy/asks/{ask.id}").text
    page = client.post("/alerts/follow", data={"target": "ask", "ident": str(ask.id)}, follow_redirects=True)
    assert "Unfollow this ask" in page.text
    committee_page = client.get(f"/consultations/{committee.id}").text
    assert "Follow the Transport Committee" in committee_page
    assert f'name="back" value="{committee.id}"' in committee_page
    back = client.post("/alerts/follow", data={"target": "committee", "ident": "Transport Committee",
                                               "back": str(committee.id)})
    assert back.headers["Location"].endswith(f"/consultations/{committee.id}")
    following = client.get("/alerts/following").text
    assert "Multi-year bus funding" in following and "Select committee" in following
    assert client.post("/alerts/unfollow", data={"target": "ask", "ident": str(ask.id)}).status_code == 302
    assert client.post("/alerts/follow", data={"target": "ask", "ident": "abc"}).status_code == 404
    assert client.post("/alerts/follow", data={}).status_code == 400
    assert [f.target for f in db.session.scalars(select(Follow).where(Follow.user_id == lead.id))] == ["committee"]


def test_a_followed_committees_new_call_for_evidence_is_told_once(lead) -> None:
    committee = factories.make_consultation(title="Call for evidence: buses", organisation="Transport Committee")
    committee.issuer_type = IssuerType.SELECT_COMMITTEE.value
    db.session.flush()
    services.follow(lead, "committee", "Transport Committee")
    db.session.flush()
    for n, organisation in enumerate(["Transport Committee", "Treasury Committee"]):
        db.session.add(IntakeItem(source="committees", content_id=f"{9000 + n}", base_path=f"/work/{9000 + n}",
                                  document_type="committee_inquiry", title=f"Rail in the regions {n}",
                                  organisations=[organisation]))
    db.session.flush()
    assert scan.plan() == 1
    assert scan.plan() == 0
    (told,) = _told(lead, "followed_change")
    assert told.subject == "New from Transport Committee: Rail in the regions 0"
