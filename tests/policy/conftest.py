"""Fixtures of the policy tests: asks owned by Hull (Transport) and Salford (Housing), and
responses at each point of their life."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime

import pytest

from tests import factories
from tracker.extensions import db
from tracker.models import Consultation, Status, User
from tracker.models.drafts import Outcome, Response, ResponseVersion, Submission
from tracker.models.policy import PolicyAsk
from tracker.policy import services
from tracker.timeutil import utcnow


@pytest.fixture
def make_ask(coordinator: User) -> Callable[..., PolicyAsk]:
    def _make(title: str = "Five-year bus funding", area: str = "Transport", city: str = "Hull",
              text: str = "Multi-year funding for buses.") -> PolicyAsk:
        ask = services.create_ask(coordinator, work_area_id=factories.work_area(area).id,
                                  lead_city_id=factories.city(city).id, title=title, text=text)
        db.session.commit()
        return ask

    return _make


@pytest.fixture
def hull_ask(make_ask: Callable[..., PolicyAsk]) -> PolicyAsk:
    return make_ask()


@pytest.fixture
def salford_ask(make_ask: Callable[..., PolicyAsk]) -> PolicyAsk:
    return make_ask("Fund decent homes enforcement", area="Housing", city="Salford", text="A ring-fenced grant.")


@pytest.fixture
def make_response(users: dict[str, User]) -> Callable[..., Consultation]:
    """make_response(status, submitted_at=..., area=...) -> a consultation led by Hull with one
    version; submitted ones have a submission at ``submitted_at`` (default now)."""

    def _make(status: Status | str = Status.DRAFTING, *, submitted_at: datetime | None = None,
              title: str | None = None, area: str = "Transport", outcome: bool = False) -> Consultation:
        status = Status(status)
        consultation = factories.make_consultation(status, lead=users["lead"], title=title, area=area,
                                                   city_name="Hull")
        response = Response(consultation_id=consultation.id, mode="free", current_number=1)
        db.session.add(response)
        db.session.flush()
        version = ResponseVersion(response_id=response.id, number=1, author_id=users["lead"].id, body="Our view.",
                                  answers={}, search_text="Our view.", note="v1")
        db.session.add(version)
        db.session.flush()
        if status in (Status.SUBMITTED, Status.OUTCOME_PUBLISHED):
            response.approved_number = 1
            db.session.add(Submission(consultation_id=consultation.id, version_id=version.id, method="email",
                                      submitted_at=submitted_at or utcnow(), reference="",
                                      recorded_by_id=users["coordinator"].id))
        if outcome:
            db.session.add(Outcome(consultation_id=consultation.id, url="", published_on=utcnow().date(),
                                   taken_up="partly", notes="", recorded_by_id=users["coordinator"].id))
        db.session.commit()
        return consultation

    return _make


def page_text(response: object) -> str:
    """The page's text without its tags, runs of whitespace made one space (what a reader sees)."""
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))
    return re.sub(r" ([,.;:)])", r"\1", text)


# The reminders' real SMTP server (aiosmtpd) and eager sends, for the follow-up reminders.
from tests.reminders.conftest import _our_celery_app, eager, smtp, smtp_server  # noqa: E402,F401
