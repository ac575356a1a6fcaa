"""The list's "my work" filters: assigned to me, my city leads, I contribute to, waiting for me
(in review for coordinators, drafts returned for changes for leads and contributors)."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tracker import activity
from tracker.consultations import mywork, queries
from tracker.consultations.filters import parse_filters
from tracker.drafts import versions
from tracker.extensions import db
from tracker.models import Consultation, Status, User
from tracker.models.drafts import Contributor


def _titles(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/consultations/\d+">([^<]+)</a>', html)


def _contribute(user: User, consultation: Consultation) -> None:
    response = versions.ensure_response(consultation)
    db.session.add(Contributor(response_id=response.id, user_id=user.id))


def _returned(consultation: Consultation) -> None:
    activity.record("return_to_drafting", actor=None, consultation=consultation, message="Returned for changes")


@pytest.fixture
def work(lead: User, other_lead: User, contributor: User) -> dict[str, Consultation]:
    made = {
        "mine": factories.make_consultation(Status.DRAFTING, title="Mine", lead=lead),
        "hull": factories.make_consultation(Status.ASSIGNED, title="Hull unassigned lead", city_name="Hull"),
        "salford": factories.make_consultation(Status.DRAFTING, title="Salford's", lead=other_lead),
        "review": factories.make_consultation(Status.IN_REVIEW, title="In review", lead=other_lead),
        "returned": factories.make_consultation(Status.DRAFTING, title="Returned to Hull", city_name="Hull"),
        "returned elsewhere": factories.make_consultation(Status.DRAFTING, title="Returned to Salford",
                                                          lead=other_lead),
        "new": factories.make_consultation(Status.NEW, title="Untriaged"),
    }
    _returned(made["returned"])
    _returned(made["returned elsewhere"])
    _contribute(contributor, made["salford"])
    _contribute(contributor, made["returned elsewhere"])
    db.session.commit()
    return made


def _filtered(user: User, mine: str) -> list[str]:
    work_areas, cities = queries.filter_choices()
    filters, errors = parse_filters({"mine": mine}, work_areas, cities, user)
    assert errors == []
    return sorted(row.title for row in queries.list_consultations(filters, 1, 50).items)


def test_each_filter_picks_that_persons_work(work, coordinator, lead, other_lead, contributor):
    assert _filtered(lead, "assigned") == ["Mine"]
    assert _filtered(lead, "city") == ["Hull unassigned lead", "Mine", "Returned to Hull"]
    assert _filtered(other_lead, "city") == ["In review", "Returned to Salford", "Salford's"]
    assert _filtered(contributor, "contributing") == ["Returned to Salford", "Salford's"]
    assert _filtered(lead, "contributing") == []
    # Waiting for me: coordinators review; leads redraft what came back to their city;
    # contributors, what came back of the drafts they write.
    assert _filtered(coordinator, "waiting") == ["In review"]
    assert _filtered(lead, "waiting") == ["Returned to Hull"]
    assert _filtered(other_lead, "waiting") == ["Returned to Salford"]
    assert _filtered(contributor, "waiting") == ["Returned to Salford"]


def test_a_returned_draft_sent_back_for_review_no_longer_waits_for_the_lead(work, lead):
    work["returned"].status = Status.IN_REVIEW.value
    db.session.commit()
    assert _filtered(lead, "waiting") == []


def test_unknown_or_impossible_choices_are_said_not_500(coordinator):
    work_areas, cities = queries.filter_choices()
    _, errors = parse_filters({"mine": "everything"}, work_areas, cities, coordinator)
    assert errors and errors[0]["href"] == "#mine"
    _, errors = parse_filters({"mine": "assigned"}, work_areas, cities, None)  # the API: no person
    assert errors
    # A coordinator of no city is not offered "my city leads", nor "assigned to me" (only
    # policy leads are named on a consultation).
    assert set(dict(mywork.choices(mywork.me(coordinator)))) == {"contributing", "waiting"}
    _, errors = parse_filters({"mine": "city"}, work_areas, cities, coordinator)
    assert errors


def test_the_list_page_filters_and_offers_the_menu(work, as_user):
    client = as_user("lead")
    page = client.get("/consultations/?mine=assigned").get_data(as_text=True)
    assert _titles(page) == ["Mine"]
    assert '<option value="assigned" selected>Assigned to me</option>' in page
    assert "Waiting for me: drafts returned for changes" in page
    waiting = as_user("coordinator").get("/consultations/?mine=waiting").get_data(as_text=True)
    assert _titles(waiting) == ["In review"]
    assert "Waiting for me: drafts in review" in waiting
    bad = client.get("/consultations/?mine=nonsense")
    assert bad.status_code == 400 and "is not one of your work" in bad.get_data(as_text=True)
    # Combined with the other filters, and kept by the pages' and downloads' links.
    combined = client.get("/consultations/?mine=city&status=assigned").get_data(as_text=True)
    assert _titles(combined) == ["Hull unassigned lead"]
    assert "mine=city" in combined.split("Download CSV")[0].rsplit("href=", 1)[1]


def test_the_download_holds_the_same_consultations(work, as_user):
    csv = as_user("lead").get("/consultations/download.csv?mine=city").get_data(as_text=True)
    assert "Returned to Hull" in csv and "Mine" in csv and "Salford" not in csv
