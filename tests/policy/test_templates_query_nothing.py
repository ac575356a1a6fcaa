"""The policy pages, and the panels it adds to the response, outcome and consultation pages, run
no SQL while their templates render: the views load everything they show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from tests import factories
from tests.drafts.test_templates_query_nothing import _statements_while_rendering
from tracker.extensions import db
from tracker.models import Status
from tracker.models.policy import ConsultationPartner, PartnerNetwork, ResponseAsk
from tracker.policy import engagements, services
from tracker.timeutil import uk_today


@pytest.fixture
def pages(make_response, hull_ask, salford_ask, users) -> dict[str, str]:  # type: ignore[no-untyped-def]
    drafting = make_response(Status.DRAFTING, title="Bus services")
    submitted = make_response(Status.SUBMITTED, title="Pavement parking")
    db.session.add_all([ResponseAsk(consultation_id=drafting.id, ask_id=hull_ask.id),
                        ResponseAsk(consultation_id=submitted.id, ask_id=salford_ask.id, taken_up="part")])
    partner = db.session.query(PartnerNetwork).first()
    assert partner is not None
    db.session.add(ConsultationPartner(consultation_id=submitted.id, partner_id=partner.id, role="partner"))
    engagement = engagements.create_engagement(users["coordinator"], engagements.EngagementInput(
        occurred_on=uk_today() - timedelta(days=1), kind="minister", title="Buses Minister", attendees="Minister",
        work_area_id=factories.work_area("Transport").id, notes="Notes.", ask_ids=[hull_ask.id],
        consultation_ids=[submitted.id], partner_ids=[partner.id]))
    engagements.add_follow_up(users["coordinator"], engagement, description="Send the model",
                              owner_id=users["lead"].id, due_on=uk_today())
    services.edit_ask(users["coordinator"], hull_ask, seen_version=1, title="Bus funding", text=hull_ask.text,
                      status="active", lead_city_id=hull_ask.lead_city_id, work_area_id=hull_ask.work_area_id)
    db.session.commit()
    return {
        "asks": "/policy/asks",
        "ask": f"/policy/asks/{hull_ask.id}",
        "engagements": "/policy/engagements",
        "engagement": f"/policy/engagements/{engagement.id}",
        "report": "/policy/report",
        "consultation": f"/consultations/{submitted.id}",
        "response": f"/consultations/{drafting.id}/response",
        "submitted response": f"/consultations/{submitted.id}/response",
        "outcome form": f"/consultations/{submitted.id}/outcome",
        "library": "/consultations/library",
    }


@pytest.mark.parametrize("role", ["coordinator", "lead", "contributor"])
def test_no_statement_runs_while_a_policy_page_renders(app: Flask, as_user, pages: dict[str, str], role: str) -> None:  # type: ignore[no-untyped-def]
    client = as_user(role)
    for name, path in pages.items():
        if name == "outcome form" and role != "coordinator":
            continue
        db.session.expunge_all()
        with _statements_while_rendering(app) as seen:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        assert seen == [], f"{name} ({path}) as {role} queried while rendering:\n" + "\n".join(seen)
