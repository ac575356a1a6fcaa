"""The account page's data and the calendar feeds' rows: plain data, a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, or_, select

from tracker.account import tokens
from tracker.consultations.calendar import Deadlines
from tracker.extensions import db
from tracker.models import City, Consultation, Role, User
from tracker.models.drafts import Contributor, Response
from tracker.models.feeds import CalendarFeed
from tracker.timeutil import utcnow
from tracker.urls import external_url

# A feed holds the consultations closing from this many days ago onwards: recent deadlines stay in
# view, and cancelled events stay long enough for every calendar app to read the cancellation.
FEED_PAST_DAYS = 90
# The most consultations one feed carries: a feed stays a small download whatever the tracker
# holds, and is far more than the network works on in a quarter. Past the limit the oldest go first.
FEED_MAX_CONSULTATIONS = 1000


@dataclass(frozen=True)
class Profile:
    name: str
    email: str
    role: str
    city: str | None


@dataclass(frozen=True)
class FeedAddress:
    key: str
    title: str
    description: str
    url: str


@dataclass(frozen=True)
class Feeds:
    """The person's feed addresses; ``addresses`` is empty when they cannot be shown any more.
    ``other_cities``: (name, address) of every other member city's feed."""

    issued_at: datetime
    addresses: list[FeedAddress]
    other_cities: list[tuple[str, str]]

    @property
    def unreadable(self) -> bool:
        return not self.addresses


def profile(user: User) -> Profile:
    return Profile(name=user.name, email=user.email, role=Role(user.role).label,
                   city=user.city.name if user.city else None)


def feeds(user: User) -> Feeds | None:
    """The addresses to show on the account page, or None before they are set up."""
    row = db.session.execute(
        select(CalendarFeed.token_sealed, CalendarFeed.issued_at, City.name, City.slug)
        .select_from(CalendarFeed)
        .join(User, User.id == CalendarFeed.user_id)
        .outerjoin(City, City.id == User.city_id)
        .where(CalendarFeed.user_id == user.id)
    ).first()
    if row is None:
        return None
    token = tokens.unseal(row.token_sealed)
    if token is None:
        return Feeds(issued_at=row.issued_at, addresses=[], other_cities=[])
    addresses = [FeedAddress(
        "mine", "Your deadlines",
        "Closing dates and internal deadlines of the consultations you are the policy lead for, that your "
        "city leads, or whose response you were added to as a contributor.",
        external_url("account.feed_mine", token=token))]
    if row.slug:
        addresses.append(FeedAddress(
            "city", f"{row.name}'s deadlines",
            f"Every consultation {row.name} leads for the network.",
            external_url("account.feed_city", token=token, city_slug=row.slug)))
    addresses.append(FeedAddress(
        "network", "All network deadlines",
        "Every consultation the tracker follows, whoever leads it.",
        external_url("account.feed_network", token=token)))
    cities = db.session.execute(
        select(City.name, City.slug).where(City.is_member.is_(True), City.slug != (row.slug or "")).order_by(City.name)
    ).all()
    other_cities = [(c.name, external_url("account.feed_city", token=token, city_slug=c.slug)) for c in cities]
    return Feeds(issued_at=row.issued_at, addresses=addresses, other_cities=other_cities)


def city_named(slug: str) -> City | None:
    if len(slug) > 120:
        return None
    return db.session.scalar(select(City).where(City.slug == slug))


def _deadlines(where: ColumnElement[bool] | None, now: datetime | None = None) -> list[Deadlines]:
    """One statement, bounded by date and by count (Consultation.closes_at's index), read from the
    latest closing backwards so that a full feed drops the oldest deadlines, never the coming ones."""
    since = (now or utcnow()) - timedelta(days=FEED_PAST_DAYS)
    stmt = (
        select(Consultation.id, Consultation.title, Consultation.issuing_organisation, Consultation.closes_at,
               Consultation.internal_deadline, City.name.label("lead_city_name"), Consultation.status,
               Consultation.calendar_sequence)
        .outerjoin(City, City.id == Consultation.lead_city_id)
        .where(Consultation.closes_at >= since)
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
        .limit(FEED_MAX_CONSULTATIONS)
    )
    if where is not None:
        stmt = stmt.where(where)
    rows = [
        Deadlines(id=r.id, title=r.title, issuing_organisation=r.issuing_organisation, closes_at=r.closes_at,
                  internal_deadline=r.internal_deadline, lead_city_name=r.lead_city_name, status=r.status,
                  sequence=r.calendar_sequence or 0)
        for r in db.session.execute(stmt)
    ]
    rows.reverse()  # soonest first, as a reader of the file would expect
    return rows


def my_deadlines(user: User, now: datetime | None = None) -> list[Deadlines]:
    """What the person leads (as policy lead, or their city as lead city) or contributes to."""
    contributed = (
        select(Response.consultation_id)
        .join(Contributor, Contributor.response_id == Response.id)
        .where(Contributor.user_id == user.id)
    )
    mine: list[ColumnElement[bool]] = [Consultation.policy_lead_id == user.id, Consultation.id.in_(contributed)]
    if user.city_id is not None:
        mine.append(Consultation.lead_city_id == user.city_id)
    return _deadlines(or_(*mine), now)


def city_deadlines(city: City, now: datetime | None = None) -> list[Deadlines]:
    return _deadlines(Consultation.lead_city_id == city.id, now)


def network_deadlines(now: datetime | None = None) -> list[Deadlines]:
    return _deadlines(None, now)


def feed_link(consultation_id: int) -> str:
    return external_url("consultations.detail", consultation_id=consultation_id)


def network_name() -> str:
    return str(current_app.config["NETWORK_NAME"])
