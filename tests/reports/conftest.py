"""A small network with hand-computed report numbers (see NETWORK_Q2 in test_numbers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from tests import factories
from tracker.extensions import db
from tracker.models import Consultation, Role, Status, User
from tracker.models.drafts import CitySupport, Contributor, Outcome, Response, Submission


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


CLOSES = utc(2026, 6, 20, 22, 59)


@dataclass
class Network:
    by_name: dict[str, Consultation]
    newport: list[User]


def _make(name: str, status: Status, *, created: datetime, area: str | None = "Transport",
          closes: datetime = CLOSES, deadline: date | None = None,
          submitted: datetime | None = None, supporters: tuple[str, ...] = (),
          taken_up: str | None = None, city: str | None = None) -> Consultation:
    c = factories.make_consultation(status, title=f"Consultation {name}", area=area, closes_at=closes,
                                    internal_deadline=deadline, city_name=city)
    c.created_at = created
    if submitted is not None:
        db.session.add(Submission(consultation_id=c.id, method="email", submitted_at=submitted))
    for city in supporters:
        db.session.add(CitySupport(consultation_id=c.id, city_id=factories.city(city).id))
    if taken_up is not None:
        db.session.add(Outcome(consultation_id=c.id, published_on=date(2026, 9, 1), taken_up=taken_up))
    db.session.flush()
    return c


@pytest.fixture
def network() -> Network:
    """Consultations A to I (Transport is led by Hull, Housing by Salford)."""
    made = {
        # 00:30 BST on 1 April: Q2 in UK time though 31 March in UTC. Submitted at 00:30 BST
        # on the day after its internal deadline (23:30 UTC on the deadline day): late.
        "A": _make("A", Status.SUBMITTED, created=utc(2026, 3, 31, 23, 30), deadline=date(2026, 5, 10),
                   closes=utc(2026, 5, 20, 22, 59), submitted=utc(2026, 5, 10, 23, 30),
                   supporters=("Hull", "Salford", "Newport")),
        # 23:30 BST on 31 March: Q1.
        "B": _make("B", Status.NEW, created=utc(2026, 3, 31, 22, 30)),
        "C": _make("C", Status.OUTCOME_PUBLISHED, area="Housing", created=utc(2026, 4, 15, 10),
                   deadline=date(2026, 6, 1), closes=utc(2026, 6, 10, 22, 59),
                   submitted=utc(2026, 5, 31, 12), supporters=("Salford",), taken_up="partly"),
        "D": _make("D", Status.MONITORING, created=utc(2026, 5, 1, 9)),
        # 23:59 BST on 30 June: still Q2.
        "E": _make("E", Status.MISSED, created=utc(2026, 6, 30, 22, 59), deadline=date(2026, 6, 10),
                   city="Hull"),
        # Midnight BST, 1 July: Q3.
        "F": _make("F", Status.NEW, created=utc(2026, 6, 30, 23, 0)),
        "G": _make("G", Status.DECLINED, area="Housing", created=utc(2026, 5, 5, 9)),
        "H": _make("H", Status.NEW, area=None, created=utc(2026, 5, 6, 9)),
        # Submitted an hour after it closed, after its internal deadline.
        "I": _make("I", Status.OUTCOME_PUBLISHED, created=utc(2026, 4, 20, 9), deadline=date(2026, 6, 1),
                   closes=utc(2026, 6, 10, 22, 59), submitted=utc(2026, 6, 10, 23, 59), taken_up="no"),
    }
    assert made["A"].lead_city is not None and made["A"].lead_city.name == "Hull"
    assert made["C"].lead_city is not None and made["C"].lead_city.name == "Salford"
    # Two Newport officers on A's response (A counts once for Newport), one on C's.
    newport = [factories.make_user(Role.CONTRIBUTOR, city_name="Newport") for _ in range(2)]
    for key, people in (("A", newport), ("C", newport[:1])):
        response = Response(consultation_id=made[key].id)
        db.session.add(response)
        db.session.flush()
        for person in people:
            db.session.add(Contributor(response_id=response.id, user_id=person.id))
    db.session.commit()
    return Network(made, newport)
