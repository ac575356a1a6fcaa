"""The engagement log: recording (with asks raised, linked consultations and partners), the list
(paged, filtered by kind, work area and year), editing on the version the page showed, follow-up
actions and who may mark them done, bad input as form errors."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests import factories
from tests.policy.conftest import page_text
from tracker.extensions import db
from tracker.models import Status
from tracker.models.policy import Engagement, EngagementAsk, EngagementConsultation, FollowUp, PartnerNetwork
from tracker.policy import engagements
from tracker.timeutil import uk_today


def _form(**changes: object) -> dict[str, object]:
    day = uk_today() - timedelta(days=2)
    data: dict[str, object] = {
        "occurred_on": [str(day.day), str(day.month), str(day.year)], "kind": "minister",
        "title": "Meeting with the Minister for Local Transport", "attendees": "Minister for Local Transport; DfT officials",
        "work_area_id": str(factories.work_area("Transport").id), "consultations": [], "notes": "Warm reception.",
    }
    data.update(changes)
    return data


def _engagement(users, **changes: object) -> Engagement:  # type: ignore[no-untyped-def]
    values = {"occurred_on": uk_today() - timedelta(days=2), "kind": "appg", "title": "APPG meeting on towns",
              "attendees": "APPG officers", "work_area_id": factories.work_area("Transport").id, "notes": ""}
    values.update(changes)
    row = engagements.create_engagement(users["coordinator"], engagements.EngagementInput(**values))  # type: ignore[arg-type]
    db.session.commit()
    return row


def test_recording_a_ministerial_meeting_that_raises_an_ask(as_user, hull_ask, make_response) -> None:  # type: ignore[no-untyped-def]
    consultation = make_response(Status.SUBMITTED, title="Bus funding reform")
    core = db.session.scalar(select(PartnerNetwork).where(PartnerNetwork.name == "Core Cities"))
    assert core is not None  # seeded with the reference data
    lead = as_user("lead")
    form = lead.get(f"/policy/engagements/new?consultation={consultation.id}")
    assert f'value="{consultation.id}"' in form.get_data(as_text=True)
    saved = lead.post("/policy/engagements/new", data=_form(asks=[hull_ask.id], consultations=[consultation.id],
                                                           partners=[core.id]))
    assert saved.status_code == 302
    row = db.session.scalars(select(Engagement)).one()
    assert (row.kind, row.created_by.name, row.version) == ("minister", "Lena Lead", 1)
    assert [a.ask_id for a in db.session.scalars(select(EngagementAsk))] == [hull_ask.id]
    assert [c.consultation_id for c in db.session.scalars(select(EngagementConsultation))] == [consultation.id]
    shown = page_text(lead.get(saved.headers["Location"]))
    assert "Meeting with a minister" in shown and "Minister for Local Transport; DfT officials" in shown
    assert "Five-year bus funding" in shown and "Bus funding reform" in shown and "Core Cities" in shown
    # The consultation's page and the response page say where it was raised.
    assert "Meeting with the Minister for Local Transport" in page_text(lead.get(f"/consultations/{consultation.id}"))
    assert "Raised at: Meeting with the Minister" in page_text(lead.get(f"/consultations/{consultation.id}"))


def test_contributors_cannot_record_engagements(as_user) -> None:  # type: ignore[no-untyped-def]
    contributor = as_user("contributor")
    assert contributor.get("/policy/engagements/new").status_code == 403
    assert contributor.post("/policy/engagements/new", data=_form()).status_code == 403
    assert db.session.scalar(select(Engagement.id)) is None
    assert contributor.get("/policy/engagements").status_code == 200  # reading is open


def test_bad_input_gives_form_errors_and_keeps_what_was_typed(as_user) -> None:  # type: ignore[no-untyped-def]
    coordinator = as_user("coordinator")
    cases = [
        (_form(occurred_on=["31", "2", "2026"]), "Date must be a real date"),
        (_form(occurred_on=["", "", ""]), "Enter the date of the engagement"),
        (_form(kind="lunch"), "Choose the kind of engagement"),
        (_form(attendees="   "), "Enter who the network met or briefed"),
        (_form(consultations=["999999"]), "Choose consultations from the list"),
        (_form(work_area_id="424242"), "Choose a work area from the list"),
        (_form(asks=["424242"]), "Choose asks from the list"),
        (_form(occurred_on=["1", "1", "1990"]), "The date must be within two years of today"),
    ]
    for data, message in cases:
        page = coordinator.post("/policy/engagements/new", data=data)
        assert page.status_code == 400, message
        shown = page_text(page)
        assert "There is a problem" in shown and message in shown, message
        assert "Warm reception." in page.get_data(as_text=True)
    assert db.session.scalar(select(Engagement.id)) is None


def test_the_list_pages_and_filters(app, as_user, users) -> None:  # type: ignore[no-untyped-def]
    size = app.config["PAGE_SIZE"]
    today = uk_today()
    for n in range(size + 1):
        _engagement(users, title=f"Officials meeting {n:02d}", kind="officials", occurred_on=today - timedelta(days=n))
    _engagement(users, title="APPG on housing", kind="appg", work_area_id=factories.work_area("Housing").id,
                occurred_on=today - timedelta(days=400))
    client = as_user("contributor")
    first = page_text(client.get("/policy/engagements"))
    assert f"{size + 2} engagements." in first and "Officials meeting 00" in first
    assert "APPG on housing" not in first
    second = client.get("/policy/engagements?page=2")
    assert "APPG on housing" in page_text(second)
    housing = page_text(client.get(f"/policy/engagements?area={factories.work_area('Housing').id}"))
    assert "APPG on housing" in housing and "Officials meeting" not in housing and "1 engagement match" in housing
    appg = page_text(client.get("/policy/engagements?kind=appg"))
    assert "APPG on housing" in appg and "Officials meeting" not in appg
    year = (today - timedelta(days=400)).year
    by_year = page_text(client.get(f"/policy/engagements?year={year}"))
    assert "APPG on housing" in by_year
    bad = client.get("/policy/engagements?kind=lunch&year=1850")
    assert bad.status_code == 400
    assert "Choose a kind from the list" in page_text(bad) and "Choose a year from the list" in page_text(bad)
    assert "No engagement matches these filters." in page_text(
        client.get(f"/policy/engagements?kind=media&area={factories.work_area('Housing').id}"))


def test_an_edit_on_an_older_page_is_refused_and_every_edit_is_kept(as_user, users, hull_ask) -> None:  # type: ignore[no-untyped-def]
    row = _engagement(users)
    coordinator = as_user("coordinator")
    edit = coordinator.get(f"/policy/engagements/{row.id}/edit")
    assert edit.status_code == 200 and 'value="APPG meeting on towns"' in edit.get_data(as_text=True)
    day = row.occurred_on
    base = _form(occurred_on=[str(day.day), str(day.month), str(day.year)], kind="appg", title="APPG meeting on towns",
                 attendees="APPG officers", version="1")
    first = coordinator.post(f"/policy/engagements/{row.id}/edit", data={**base, "asks": [hull_ask.id]})
    assert first.status_code == 302
    stale = as_user("lead").post(f"/policy/engagements/{row.id}/edit",
                                 data={**base, "notes": "The lead's own notes."})
    # Hull leads Transport, the engagement's work area: they may edit, but not on an old page.
    assert stale.status_code == 409
    assert "Cora Coordinator changed this engagement" in page_text(stale)
    assert "The lead's own notes." in page_text(stale)
    db.session.expire_all()
    fresh = db.session.get(Engagement, row.id)
    assert fresh is not None and fresh.version == 2 and fresh.notes == "Warm reception."
    history = page_text(coordinator.get(f"/policy/engagements/{row.id}"))
    assert "Edited the engagement: notes, asks" in history or "Edited the engagement: asks, notes" in history
    # Salford's lead (Housing) may not edit a Transport engagement.
    assert as_user("other_lead").post(f"/policy/engagements/{row.id}/edit", data=base).status_code == 403


def test_follow_ups_are_added_and_marked_done_by_their_owner(as_user, users) -> None:  # type: ignore[no-untyped-def]
    row = _engagement(users)
    coordinator = as_user("coordinator")
    due = uk_today() + timedelta(days=5)
    bad = coordinator.post(f"/policy/engagements/{row.id}/follow-ups",
                           data={"description": "Send the costed model", "owner_id": "0",
                                 "due_on": [str(due.day), str(due.month), str(due.year)]})
    assert bad.status_code == 400 and "Choose who owns the action" in page_text(bad)
    assert 'value="Send the costed model"' in bad.get_data(as_text=True)
    ok = coordinator.post(f"/policy/engagements/{row.id}/follow-ups",
                          data={"description": "Send the costed model", "owner_id": str(users["other_lead"].id),
                                "due_on": [str(due.day), str(due.month), str(due.year)]})
    assert ok.status_code == 302
    follow_up = db.session.scalars(select(FollowUp)).one()
    # Nobody but its owner, coordinators and the engagement's editors may mark it done.
    assert as_user("contributor").post(f"/policy/follow-ups/{follow_up.id}/done").status_code == 403
    done = as_user("other_lead").post(f"/policy/follow-ups/{follow_up.id}/done")
    assert done.status_code == 302
    db.session.expire_all()
    follow_up = db.session.get(FollowUp, follow_up.id)
    assert follow_up is not None and follow_up.done_at is not None and follow_up.done_by_id == users["other_lead"].id
    again = coordinator.post(f"/policy/follow-ups/{follow_up.id}/done")
    assert "already marked done by Omar Other" in page_text(coordinator.get(again.headers["Location"]))
    assert as_user("coordinator").post("/policy/follow-ups/999999/done").status_code == 404


def test_engagements_of_a_date_far_away_are_refused_by_the_service(users) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from tracker.errors import DomainError

    with pytest.raises(DomainError, match="within two years"):
        engagements.create_engagement(users["coordinator"], engagements.EngagementInput(
            occurred_on=date(2099, 1, 1), kind="media", title="x", attendees="y", work_area_id=None, notes=""))


def test_consultations_are_linked_by_searching_their_titles(as_user, make_response) -> None:  # type: ignore[no-untyped-def]
    """Issue 24: no ids to type. The search button sends the form back with what was typed kept and
    the consultations whose titles have every word offered as boxes to tick; saving links the ticked."""
    bus = make_response(Status.SUBMITTED, title="Bus funding reform: the next settlement")
    make_response(Status.SUBMITTED, title="Planning fees for major applications")
    coordinator = as_user("coordinator")
    found = coordinator.post("/policy/engagements/new", data=_form(find="bus  FUNDING", search="Search"))
    assert found.status_code == 200
    html = found.get_data(as_text=True)
    shown = page_text(found)
    assert "1 consultation found" in shown and "Bus funding reform: the next settlement" in shown
    assert "Planning fees" not in shown and "There is a problem" not in shown
    assert f'name="consultations" type="checkbox" value="{bus.id}"' in html
    assert "Warm reception." in html  # what was typed is kept
    assert db.session.scalar(select(Engagement.id)) is None  # searching saves nothing
    none = page_text(coordinator.post("/policy/engagements/new", data=_form(find="zebra", search="Search")))
    assert "No consultation's title has all of those words" in none
    saved = coordinator.post("/policy/engagements/new", data=_form(consultations=[bus.id], find="bus"))
    assert saved.status_code == 302
    assert [c.consultation_id for c in db.session.scalars(select(EngagementConsultation))] == [bus.id]
    # Editing shows the linked one ticked, by its title; unticking it unlinks it.
    row = db.session.scalars(select(Engagement)).one()
    edit = coordinator.get(f"/policy/engagements/{row.id}/edit").get_data(as_text=True)
    assert "Bus funding reform: the next settlement" in edit and "checked" in edit
    assert coordinator.post(f"/policy/engagements/{row.id}/edit",
                            data=_form(version=str(row.version))).status_code == 302
    assert db.session.scalar(select(EngagementConsultation.consultation_id)) is None


def _day(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def test_a_follow_up_cannot_be_dated_in_the_past(as_user, users) -> None:  # type: ignore[no-untyped-def]
    row = _engagement(users)
    past = coordinator_post = as_user("coordinator").post(
        f"/policy/engagements/{row.id}/follow-ups",
        data={"description": "Send the model", "owner_id": str(users["lead"].id),
              "due_on": _day(uk_today() - timedelta(days=1))})
    assert past.status_code == 400
    assert "The due date must be today or in the future" in page_text(coordinator_post)
    assert 'value="Send the model"' in past.get_data(as_text=True)
    assert db.session.scalar(select(FollowUp.id)) is None


def test_a_follow_up_is_edited_on_the_version_the_page_showed(as_user, users) -> None:  # type: ignore[no-untyped-def]
    row = _engagement(users)
    follow_up = engagements.add_follow_up(users["coordinator"], row, description="Send the model",
                                          owner_id=users["lead"].id, due_on=uk_today() - timedelta(days=3))
    db.session.commit()
    coordinator = as_user("coordinator")
    assert "Change<span" in coordinator.get(f"/policy/engagements/{row.id}").get_data(as_text=True)
    form = coordinator.get(f"/policy/follow-ups/{follow_up.id}/edit").get_data(as_text=True)
    assert 'value="Send the model"' in form
    # An overdue action keeps its day when only its words change; moving it into the past is refused.
    kept = coordinator.post(f"/policy/follow-ups/{follow_up.id}/edit", data={
        "version": "1", "description": "Send the costed model", "owner_id": str(users["lead"].id),
        "due_on": _day(follow_up.due_on)})
    assert kept.status_code == 302
    moved = coordinator.post(f"/policy/follow-ups/{follow_up.id}/edit", data={
        "version": "2", "description": "Send it", "owner_id": str(users["lead"].id),
        "due_on": _day(uk_today() - timedelta(days=10))})
    assert moved.status_code == 400 and "The due date must be today or in the future" in page_text(moved)
    later = uk_today() + timedelta(days=7)
    stale = coordinator.post(f"/policy/follow-ups/{follow_up.id}/edit", data={
        "version": "1", "description": "Old page", "owner_id": str(users["other_lead"].id), "due_on": _day(later)})
    assert stale.status_code == 409 and 'value="Old page"' in stale.get_data(as_text=True)
    ok = coordinator.post(f"/policy/follow-ups/{follow_up.id}/edit", data={
        "version": "2", "description": "Send the costed model", "owner_id": str(users["other_lead"].id),
        "due_on": _day(later)})
    assert ok.status_code == 302
    db.session.expire_all()
    saved = db.session.get(FollowUp, follow_up.id)
    assert saved is not None and (saved.description, saved.owner_id, saved.due_on, saved.version) == (
        "Send the costed model", users["other_lead"].id, later, 3)
    history = page_text(coordinator.get(f"/policy/engagements/{row.id}"))
    assert "Changed the follow-up: Send the costed model" in history
    assert as_user("contributor").get(f"/policy/follow-ups/{follow_up.id}/edit").status_code == 403


def test_a_follow_up_is_deleted_after_a_confirmation(as_user, users) -> None:  # type: ignore[no-untyped-def]
    row = _engagement(users)
    follow_up = engagements.add_follow_up(users["coordinator"], row, description="Circulate the note",
                                          owner_id=users["lead"].id, due_on=uk_today() + timedelta(days=2))
    db.session.commit()
    coordinator = as_user("coordinator")
    confirm = coordinator.get(f"/policy/follow-ups/{follow_up.id}/delete")
    assert confirm.status_code == 200 and "Circulate the note" in page_text(confirm)
    assert db.session.get(FollowUp, follow_up.id) is not None  # the confirmation page deletes nothing
    assert as_user("contributor").post(f"/policy/follow-ups/{follow_up.id}/delete",
                                       data={"version": "1"}).status_code == 403
    assert coordinator.post(f"/policy/follow-ups/{follow_up.id}/delete", data={"version": "0"}).status_code == 409
    gone = coordinator.post(f"/policy/follow-ups/{follow_up.id}/delete", data={"version": "1"})
    assert gone.status_code == 302
    db.session.expire_all()
    assert db.session.get(FollowUp, follow_up.id) is None
    assert "Deleted the follow-up: Circulate the note" in page_text(coordinator.get(f"/policy/engagements/{row.id}"))
