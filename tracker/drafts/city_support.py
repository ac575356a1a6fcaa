"""Who records a city's support for a response: its policy leads, and its contributors when the
city's policy leads allow them (a setting of the city, changed here and logged), with the
response page's account of it for the reader's own city.

The verb checks the actor, changes the row, logs and flushes; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from tracker import activity
from tracker.drafts.permissions import SUPPORT_STATUSES, support_cities_for
from tracker.errors import DomainError, PermissionDenied, Stale
from tracker.extensions import db
from tracker.models import ActivityLog, City, Consultation, Role, Status, User
from tracker.models.drafts import CitySupport
from tracker.timeutil import format_uk

if TYPE_CHECKING:
    from tracker.drafts.team import CityRow


def may_set(user: User | None, city_id: int) -> bool:
    """The city's own policy leads decide whether its contributors may record its support."""
    return (user is not None and user.is_enabled and user.role == Role.POLICY_LEAD.value
            and user.city_id is not None and user.city_id == city_id)


def set_contributors_record_support(actor: User, city_id: int, *, allow: bool, shown: bool) -> City:
    """Allow (or stop) the city's contributors recording its support, as of the value the page
    showed: of two leads changing it at once, the second is told what the first did."""
    if not may_set(actor, city_id):
        raise PermissionDenied("Only the city's own policy leads can choose whether its contributors record support.")
    city = db.session.get(City, city_id)
    assert city is not None  # the actor's own city
    if allow == shown:
        raise DomainError("Reload the page and try again.")
    result = db.session.execute(
        update(City).where(City.id == city_id, City.contributors_record_support.is_(shown))
        .values(contributors_record_support=allow).execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        db.session.refresh(city)
        raise Stale(f"{_last_changed_by(city)} changed this setting after you opened the page: contributors from "
                    f"{city.name} {'can' if city.contributors_record_support else 'cannot'} record its support now. "
                    "Nothing was changed.")
    db.session.refresh(city)
    activity.record(
        "city_contributors_support", actor=actor, subject_type="city", subject_id=city.id,
        message=f"{'Allowed' if allow else 'Stopped'} {city.name}'s contributors recording its support",
        before={"contributors_record_support": shown}, after={"contributors_record_support": allow},
    )
    db.session.flush()
    return city


def _last_changed_by(city: City) -> str:
    entry = db.session.scalar(
        select(ActivityLog).where(ActivityLog.action == "city_contributors_support", ActivityLog.subject_type == "city",
                                  ActivityLog.subject_id == city.id).order_by(ActivityLog.id.desc()).limit(1))
    return entry.actor.display_name if entry is not None and entry.actor is not None else "Someone else"


@dataclass
class Panel:
    """What the support panel says to the reader about their own city."""

    city_id: int | None = None
    city_name: str = ""
    lines: list[str] = field(default_factory=list)
    # The setting, for the city's policy leads: whether it is on, and whether they may change it.
    contributors_allowed: bool = False
    may_set: bool = False


def panel(user: User, consultation: Consultation, supporters: Sequence[CityRow]) -> Panel:
    """Two statements at most: the reader's city's support with who recorded it, and its leads."""
    if user.is_coordinator or user.city_id is None or user.city is None:
        return Panel()
    city = user.city
    result = Panel(city_id=city.id, city_name=city.name, contributors_allowed=city.contributors_record_support,
                   may_set=may_set(user, city.id))
    if not any(c.id == city.id for c in supporters) and Status(consultation.status) not in SUPPORT_STATUSES:
        return result
    own = db.session.execute(
        select(CitySupport.created_at, User.name)
        .outerjoin(User, User.id == CitySupport.recorded_by_id)
        .where(CitySupport.consultation_id == consultation.id, CitySupport.city_id == city.id)
    ).first()
    if own is not None:
        who = own[1] or "a former user"
        result.lines.append(f"{city.name} supports this response: recorded by {who} on {format_uk(own[0])}.")
    elif support_cities_for(user, consultation):
        if user.role == Role.CONTRIBUTOR.value:
            result.lines.append(f"{city.name}'s policy leads allow its contributors to record its support: you can "
                                "record it below once your city agrees.")
    else:
        result.lines.append(f"{city.name} has not recorded its support yet.")
        leads = list(db.session.scalars(
            select(User.name).where(User.role == Role.POLICY_LEAD.value, User.city_id == city.id,
                                    User.is_enabled.is_(True)).order_by(User.name)))
        if leads:
            result.lines.append(f"Your city's policy leads can record support: {', '.join(leads)}.")
        else:
            result.lines.append(f"{city.name} has no policy lead in the tracker: a coordinator can record its support.")
    return result
