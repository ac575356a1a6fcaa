"""Who works on a response and who signs it off, as the response page lists them: its
contributors, each by name and city, and the cities that support it with the member cities a
coordinator may still choose, read as plain rows; and the officers who may still be added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    and_,
    bindparam,
    cast,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.models import City, Consultation, User
from tracker.models.drafts import CitySupport, Contributor, Response
from tracker.models.types import UTCDateTime


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class Person:
    """Someone as the response page names them (its author macro): their name and city, read as
    columns of a row rather than loaded as a user and a city for each comment or contributor."""

    name: str
    city: Named | None


def _named(name: str | None) -> Named | None:
    return None if name is None else Named(name)


def person(name: str | None, city: str | None) -> Person | None:
    return None if name is None else Person(name, _named(city))


@dataclass(frozen=True)
class ContributorRow:
    id: int
    user: Person


@dataclass(frozen=True)
class CityRow:
    """A city as the response page names it (in its supporters and the choices of a city)."""

    id: int
    name: str


@dataclass(frozen=True)
class Team:
    """Who works on a response and who signs it off: its contributors, in the order they were
    added; the cities that support it, and the member cities, by name."""

    contributors: list[ContributorRow]
    supports: list[CityRow]
    members: list[CityRow]


# Every member city with whether it supports the consultation (and any other city that does),
# then the response's contributors, in one statement of plain rows: the response page's
# supporters, a coordinator's choices and its list of people, one round trip.
_TEAM: CompoundSelect[Any] = union_all(
    select(literal("city").label("part"), City.id.label("id"), City.name.label("name"), null().label("city"),
           City.is_member.label("is_member"),
           CitySupport.id.label("support_id"), City.name.label("sort_name"),
           cast(null(), UTCDateTime).label("added"))
    .outerjoin(CitySupport, and_(CitySupport.city_id == City.id, CitySupport.consultation_id == bindparam("id")))
    .where(or_(City.is_member.is_(True), CitySupport.id.is_not(None))),
    select(literal("contributor"), Contributor.id, User.name, City.name, null(), null(), null(),
           Contributor.created_at)
    .join(User, User.id == Contributor.user_id).outerjoin(City, City.id == User.city_id)
    .where(Contributor.response_id == bindparam("response")),
).order_by(*(literal_column(name) for name in ("part", "sort_name", "added", "id")))


def of(consultation: Consultation, response: Response | None) -> Team:
    """The response's team (no contributors before there is a response)."""
    found = Team([], [], [])
    for r in db.session.execute(_TEAM, {"id": consultation.id, "response": response.id if response else 0}):
        if r.part == "contributor":
            found.contributors.append(ContributorRow(r.id, Person(r.name, _named(r.city))))
            continue
        if r.support_id is not None:
            found.supports.append(CityRow(r.id, r.name))
        if r.is_member:
            found.members.append(CityRow(r.id, r.name))
    return found


def support_choices(user: User, supporters: list[CityRow], members: list[CityRow]) -> list[tuple[int, str]]:
    """The cities whose support the user may still record (the caller checked they may at all)."""
    taken = {c.id for c in supporters}
    if user.is_coordinator:
        return [(0, "Choose a city")] + [(c.id, c.name) for c in members if c.id not in taken]
    if user.city_id not in taken and user.city_id is not None and user.city is not None:
        return [(user.city_id, user.city.name)]
    return []


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
