"""Who works on a response and who signs it off, as the response page lists them: its
contributors, each by name and city, and the cities that support it with the member cities a
coordinator may still choose, read as plain rows; and the officers who may still be added."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.models import City, Consultation, User
from tracker.models.drafts import CitySupport, Contributor, Response


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class Person:
    """Someone as the response page names them (its author macro): their name and city, read as
    columns of a row rather than loaded as a user and a city for each comment or contributor."""

    name: str
    city: Named | None


def person(name: str | None, city: str | None) -> Person | None:
    return None if name is None else Person(name, Named(city) if city is not None else None)


@dataclass(frozen=True)
class ContributorRow:
    id: int
    user: Person


_CONTRIBUTORS = (
    select(Contributor.id, User.name, City.name.label("city"))
    .join(User, User.id == Contributor.user_id).outerjoin(City, City.id == User.city_id)
    .where(Contributor.response_id == bindparam("id")).order_by(Contributor.created_at, Contributor.id)
)


def list_contributors(response: Response | None) -> list[ContributorRow]:
    if response is None:
        return []
    return [ContributorRow(r.id, Person(r.name, Named(r.city) if r.city is not None else None))
            for r in db.session.execute(_CONTRIBUTORS, {"id": response.id})]


def eligible_contributors(consultation: Consultation) -> list[User]:
    """Enabled member-city officers not yet contributing to the consultation's response."""
    taken = (
        select(Contributor.user_id)
        .join(Response, Response.id == Contributor.response_id)
        .where(Response.consultation_id == consultation.id)
    )
    return list(db.session.scalars(
        select(User)
        .options(joinedload(User.city))
        .where(User.is_enabled.is_(True), User.city_id.is_not(None), User.id.not_in(taken))
        .order_by(User.name)
    ))



@dataclass(frozen=True)
class CityRow:
    """A city as the response page names it (in its supporters and the choices of a city)."""

    id: int
    name: str


# Every member city, each with whether it supports the consultation (and any other city that
# does): the response page's supporters and a coordinator's choices in one statement, as plain
# rows (twenty-five cities as objects showed in its profile).
_CITIES_AND_SUPPORT = (
    select(City.id, City.name, City.is_member, CitySupport.id.label("support_id"))
    .outerjoin(CitySupport, and_(CitySupport.city_id == City.id, CitySupport.consultation_id == bindparam("id")))
    .where(or_(City.is_member.is_(True), CitySupport.id.is_not(None)))
    .order_by(City.name)
)


def support_of(consultation: Consultation) -> tuple[list[CityRow], list[CityRow]]:
    """(the cities that support the response, by name; the member cities)."""
    rows = db.session.execute(_CITIES_AND_SUPPORT, {"id": consultation.id}).all()
    return ([CityRow(r.id, r.name) for r in rows if r.support_id is not None],
            [CityRow(r.id, r.name) for r in rows if r.is_member])


def support_choices(user: User, supporters: list[CityRow], members: list[CityRow]) -> list[tuple[int, str]]:
    """The cities whose support the user may still record (the caller checked they may at all)."""
    taken = {c.id for c in supporters}
    if user.is_coordinator:
        return [(0, "Choose a city")] + [(c.id, c.name) for c in members if c.id not in taken]
    if user.city_id not in taken and user.city_id is not None and user.city is not None:
        return [(user.city_id, user.city.name)]
    return []
