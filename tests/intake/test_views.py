"""Inbox, item, rules and runs pages: what each role sees, and what the buttons do."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.intake.govuk_server import make_item
from tracker.extensions import db
from tracker.intake import queries, services
from tracker.models import ActivityLog, Consultation, Status
from tracker.models.intake import ImportRun, IntakeItem, ItemState, OrganisationRule, WorkAreaKeywords


@pytest.fixture
def imported(govuk, run_import):  # type: ignore[no-untyped-def]
    govuk.add(*make_item(1, title="Soonest closing bus plan", org="DfT"))
    govuk.add(*make_item(2, title="Latest closing care plan", org="DHSC"))
    govuk.add(*make_item(3, title="Scottish ferries", org="DfT",
                         nations={"england": False, "wales": False, "scotland": True, "northern_ireland": False}))
    run_import()
    items = {i.title: i for i in db.session.scalars(select(IntakeItem))}
    # Make the order unambiguous.
    base = items["Soonest closing bus plan"].closes_at
    from datetime import timedelta

    items["Latest closing care plan"].closes_at = base + timedelta(days=40)
    items["Scottish ferries"].closes_at = base + timedelta(days=20)
    db.session.commit()
    return items


PAGES = ["/intake/", "/intake/rules", "/intake/runs"]


@pytest.mark.parametrize("who", ["lead", "other_lead", "contributor"])
def test_others_get_403_everywhere(as_user, imported, who):
    client = as_user(who)
    item = imported["Soonest closing bus plan"]
    for url in [*PAGES, f"/intake/items/{item.id}", "/intake/rules/keywords/1"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/intake/items/{item.id}/accept", data={"work_area_id": 0}).status_code == 403
    assert client.post(f"/intake/items/{item.id}/dismiss", data={"reason": "x"}).status_code == 403
    assert client.post("/intake/rules/organisations", data={"organisation": "X", "work_area_id": 1}).status_code == 403
    db.session.expire_all()
    assert db.session.get(IntakeItem, item.id).state == ItemState.PENDING
    assert db.session.scalar(select(func.count(Consultation.id))) == 0


def test_anonymous_is_sent_to_sign_in(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_coordinator_sees_inbox_but_not_admin_pages(as_user, imported):
    client = as_user("coordinator")
    assert client.get("/intake/").status_code == 200
    assert client.get("/intake/rules").status_code == 403
    assert client.get("/intake/feeds").status_code == 403
    # The inbox tells coordinators of each run: they can read the runs page it links to.
    runs = client.get("/intake/runs")
    assert runs.status_code == 200 and "Import runs" in runs.get_data(as_text=True)
    assert 'href="/intake/runs"' in client.get("/intake/").get_data(as_text=True)
    admin = as_user("admin")
    for url in PAGES:
        assert admin.get(url).status_code == 200, url


def test_inbox_lists_pending_soonest_closing_first_with_flags(as_user, imported):
    page = as_user("coordinator").get("/intake/").get_data(as_text=True)
    latest = page.index("Latest closing care plan")
    middle = page.index("Scottish ferries")
    soonest = page.index("Soonest closing bus plan")
    assert soonest < middle < latest  # the decision needed soonest on top
    assert "soonest closing date first" in page
    assert "Not England or Wales" in page
    assert "found 3, new 3" in page
    # The nav shows the inbox to coordinators.
    assert 'href="/intake/"' in page


def test_item_page_shows_the_suggestion_and_why(as_user, imported):
    item = imported["Scottish ferries"]
    page = as_user("coordinator").get(f"/intake/items/{item.id}").get_data(as_text=True)
    assert "Transport" in page
    assert "Issued by Department for Transport" in page
    assert "Applies to Scotland only" in page
    assert "does not apply to England or Wales" in page


def test_accept_from_the_page_with_another_work_area(as_user, imported):
    item = imported["Soonest closing bus plan"]
    area = factories.work_area("Towns and Urban Centres")
    response = as_user("coordinator").post(
        f"/intake/items/{item.id}/accept", data={"work_area_id": area.id}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "is now tracked as a new consultation" in response.get_data(as_text=True)
    consultation = db.session.scalar(select(Consultation))
    assert response.request.path == f"/consultations/{consultation.id}"  # on to triage it
    assert consultation.status == Status.NEW and consultation.work_area_id == area.id
    db.session.expire_all()
    assert db.session.get(IntakeItem, item.id).state == ItemState.ACCEPTED
    # Accepting twice is refused with a message, not a 500.
    again = as_user("coordinator").post(
        f"/intake/items/{item.id}/accept", data={"work_area_id": area.id}, follow_redirects=True
    )
    assert "already accepted" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Consultation.id))) == 1


def test_dismiss_needs_a_reason_and_is_remembered(as_user, imported):
    item = imported["Latest closing care plan"]
    client = as_user("coordinator")
    empty = client.post(f"/intake/items/{item.id}/dismiss", data={"reason": "  "})
    assert empty.status_code == 400
    assert "Give a reason for dismissing it" in empty.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(IntakeItem, item.id).state == ItemState.PENDING

    done = client.post(f"/intake/items/{item.id}/dismiss", data={"reason": "LGA is responding"},
                       follow_redirects=True)
    assert "It will not come back" in done.get_data(as_text=True)
    db.session.expire_all()
    row = db.session.get(IntakeItem, item.id)
    assert row.state == ItemState.DISMISSED and row.dismissal_reason == "LGA is responding"
    assert db.session.scalar(select(ActivityLog).where(ActivityLog.action == "govuk_dismiss")) is not None
    dismissed_tab = client.get("/intake/?state=dismissed").get_data(as_text=True)
    assert "Latest closing care plan" in dismissed_tab and "LGA is responding" in dismissed_tab
    assert "Latest closing care plan" not in client.get("/intake/").get_data(as_text=True)


def test_unknown_tab_and_item_are_clear_errors(as_user, imported):
    client = as_user("coordinator")
    assert client.get("/intake/?state=nonsense").status_code == 400
    assert client.get("/intake/items/99999").status_code == 404


def test_admin_edits_organisation_rules_and_keywords(as_user, imported, govuk, run_import):
    client = as_user("admin")
    assert "Department for Transport" in client.get("/intake/rules").get_data(as_text=True)
    culture = factories.work_area("Culture")
    response = client.post("/intake/rules/organisations",
                           data={"organisation": "Arts Council England", "work_area_id": culture.id},
                           follow_redirects=True)
    assert "will now suggest Culture" in response.get_data(as_text=True)
    duplicate = client.post("/intake/rules/organisations",
                            data={"organisation": "arts council england", "work_area_id": culture.id})
    assert duplicate.status_code == 400 and "already points at Culture" in duplicate.get_data(as_text=True)
    blank = client.post("/intake/rules/organisations", data={"organisation": "", "work_area_id": culture.id})
    assert blank.status_code == 400

    transport = factories.work_area("Transport")
    client.post(f"/intake/rules/keywords/{transport.id}", data={"keywords": "Ferries\nbus\nbus\n"})
    row = db.session.scalar(select(WorkAreaKeywords).where(WorkAreaKeywords.work_area_id == transport.id))
    db.session.refresh(row)
    assert row.keyword_list == ["ferries", "bus"]

    rule = db.session.scalar(select(OrganisationRule).where(OrganisationRule.organisation == "Arts Council England"))
    client.post(f"/intake/rules/organisations/{rule.id}/delete")
    assert db.session.scalar(
        select(OrganisationRule).where(OrganisationRule.organisation == "Arts Council England")) is None


def test_runs_page_shows_counts_and_errors(as_user, govuk, run_import):
    bad = make_item(9, title="Bad")
    bad[1]["details"]["closing_date"] = "not a date"
    bad[0]["end_date"] = "nope"
    govuk.add(*bad)
    govuk.add(*make_item(10))
    run_import()
    page = as_user("admin").get("/intake/runs").get_data(as_text=True)
    assert db.session.scalar(select(func.count(ImportRun.id))) == 1
    assert "1 error" in page and "is not a date" in page


def _render_as(app, user, template, panel):  # type: ignore[no-untyped-def]
    """Render one of the panels other pages include, as that user would see it."""
    from flask import render_template
    from flask_login import login_user

    with app.test_request_context("/"):
        login_user(user)
        return render_template(template, intake_panel=panel(user))


def test_consultation_panel_shows_govuk_facts(app, users, imported, coordinator):
    consultation = services.accept_item(coordinator, imported["Scottish ferries"])
    db.session.commit()
    html = _render_as(app, users["lead"], "intake/_consultation_panel.html",
                      lambda user: queries.consultation_panel(user, consultation))
    assert "From GOV.UK" in html and "Applies to Scotland only" in html
    assert "Issued by Department for Transport" in html and "Suggested work area" in html
    manual = factories.make_consultation(Status.NEW)
    db.session.commit()
    assert "From GOV.UK" not in _render_as(app, users["lead"], "intake/_consultation_panel.html",
                                           lambda user: queries.consultation_panel(user, manual))


def test_dashboard_panel_counts_the_inbox_for_coordinators_only(app, users, imported):
    html = _render_as(app, users["coordinator"], "intake/_dashboard_panel.html", queries.dashboard_panel)
    assert 'data-kc-intake-count="3"' in html and "3 imported items wait for triage" in html
    assert "data-kc-intake-count" not in _render_as(app, users["lead"], "intake/_dashboard_panel.html", queries.dashboard_panel)


def test_csrf_is_required_on_accept(app, as_user, imported, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    item = imported["Soonest closing bus plan"]
    response = as_user("coordinator").post(f"/intake/items/{item.id}/accept", data={"work_area_id": 0})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(IntakeItem, item.id).state == ItemState.PENDING


def test_item_page_has_no_duplicate_element_ids(as_user, imported):
    import re
    from collections import Counter

    item = imported["Scottish ferries"]
    page = as_user("coordinator").get(f"/intake/items/{item.id}").get_data(as_text=True)
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [name for name, n in ids.items() if n > 1] == []


def test_the_inbox_tabs_reuse_their_counts_until_an_item_is_decided(as_user, imported, reused_counts):  # type: ignore[no-untyped-def]
    client = as_user("coordinator")
    assert "To triage (3)" in client.get("/intake/").get_data(as_text=True)
    reused_counts.clear()
    page = client.get("/intake/").get_data(as_text=True)
    assert "To triage (3)" in page and "Dismissed (0)" in page
    assert [s for s in reused_counts if "GROUP BY intake_item.state" in s] == []  # reused
    item = imported["Latest closing care plan"]
    client.post(f"/intake/items/{item.id}/dismiss", data={"reason": "LGA is responding"})
    page = client.get("/intake/").get_data(as_text=True)  # the decision committed here is seen at once
    assert "To triage (2)" in page and "Dismissed (1)" in page
