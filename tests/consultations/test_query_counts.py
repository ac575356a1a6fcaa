"""Pages issue a fixed number of SQL queries whatever the number of rows."""

from __future__ import annotations

import pytest
from flask_sqlalchemy.record_queries import get_recorded_queries

from tests import factories
from tracker.consultations import services
from tracker.extensions import db
from tracker.models import User

AREAS = ["Transport", "Housing", "Culture", "Climate Emergency", "Health and Social Care", "Brexit and Trade",
         "Community Cohesion", "Towns and Urban Centres", "Young People, Skills and Education"]
CITIES = ["Hull", "Salford", "Exeter", "Preston", "Coventry", "Bradford", "Lincoln", "Medway"]
STATUSES = ["new", "triaged", "assigned", "drafting", "in_review", "approved", "submitted", "missed"]


def _fill(n: int, lead_id: int, coordinator_id: int) -> int:
    lead, coordinator = db.session.get(User, lead_id), db.session.get(User, coordinator_id)
    last = None
    for i in range(n):
        status = STATUSES[i % len(STATUSES)]
        # Closing from a week ago to next month, half overdue, some assigned to the lead.
        last = factories.make_consultation(
            status,
            closes_in_days=(i % 40) - 7,
            lead=lead if status in ("assigned", "drafting") and i % 3 == 0 else None,
            city_name=CITIES[i % len(CITIES)] if status in ("assigned", "drafting", "in_review") else None,
            area=AREAS[i % len(AREAS)],
        )
        if last.lead_city_id is not None and last.policy_lead is None and i % 3 == 1:
            # Distinct policy leads too, so a lazy load per row would show.
            last.policy_lead = factories.make_user("policy_lead", city_name=last.lead_city.name)
        services.update_consultation(coordinator, last, services.ConsultationData(
            title=last.title + " (edited)", issuing_organisation=last.issuing_organisation,
            closes_at=last.closes_at, url=last.url))
    db.session.commit()
    return last.id  # type: ignore[union-attr]


def _count_queries(client, path: str) -> int:  # type: ignore[no-untyped-def]
    client.get(path)  # warm up: the first request may load things once
    # Tests share the app context's session with the views: empty its identity map so a
    # lazy load per row shows up as a query, as it would in production.
    db.session.expunge_all()
    start = len(get_recorded_queries())
    response = client.get(path)
    assert response.status_code == 200, path
    return len(get_recorded_queries()) - start


PAGES = ["/", "/consultations/", "/consultations/?status=open&closing=30", "/consultations/{last}"]


@pytest.mark.parametrize("role", ["coordinator", "lead", "contributor"])
@pytest.mark.parametrize("path", PAGES)
def test_same_queries_for_5_and_50(as_user, lead, coordinator, role: str, path: str) -> None:
    client = as_user(role)
    lead_id, coordinator_id = lead.id, coordinator.id
    last = _fill(5, lead_id, coordinator_id)
    few = _count_queries(client, path.format(last=last))
    last = _fill(45, lead_id, coordinator_id)
    many = _count_queries(client, path.format(last=last))
    assert few == many, f"{path} as {role}: {few} queries for 5 rows, {many} for 50"
    # Other features' panels add their own (fixed) queries to these pages.
    assert 2 <= many <= 20
