"""The people around a response: contributors and the cities that sign off on it (comments are
the conversation's: drafts/conversation.py).

As everywhere in drafts, the verbs check the actor, change rows, log and flush; the caller commits.
"""

from __future__ import annotations

from sqlalchemy import select

from tracker import activity
from tracker.drafts import notices
from tracker.drafts.conversation import add_comment  # noqa: F401 - where callers found it first
from tracker.drafts.permissions import (
    can_manage_contributors,
    is_contributor,
    require,
    speaks_for,
    support_cities_for,
)
from tracker.drafts.queries import get_response
from tracker.drafts.versions import ensure_response
from tracker.errors import DomainError, NotFound, PermissionDenied
from tracker.extensions import add_if_first, db
from tracker.models import City, Consultation, User
from tracker.models.drafts import CitySupport, Contributor


def add_contributor(actor: User, consultation: Consultation, user_id: int) -> Contributor:
    require(can_manage_contributors(actor, consultation),
            "Only the lead city's policy leads and coordinators can add contributors.")
    if not user_id:
        raise DomainError("Choose an officer to add.", field="user_id")
    user = db.session.get(User, user_id)
    if user is None or not user.is_enabled or user.city_id is None:
        raise DomainError("Choose an officer of a member city.", field="user_id")
    response = ensure_response(consultation)
    if is_contributor(user, response):
        raise DomainError(f"{user.display_name} is already a contributor.", field="user_id")
    contributor = Contributor(response_id=response.id, user_id=user.id, added_by_id=actor.id)
    db.session.add(contributor)
    db.session.flush()
    activity.record(
        "add_contributor", actor=actor, consultation=consultation, message=f"Added {user.display_name} as a contributor",
        after={"user_id": user.id}, subject_type="response", subject_id=response.id,
    )
    notices.contributor_added(actor, consultation, user, contributor.id)
    return contributor


def add_invited_contributor(user: User, consultation: Consultation, *, invited_by: User | None) -> Contributor | None:
    """Someone a lead invited to this response has accepted: they become a contributor. The lead's
    permission was checked when the invitation was made (tracker/invitations/); None when they are one
    already."""
    response = ensure_response(consultation)
    if is_contributor(user, response):
        return None
    contributor = Contributor(response_id=response.id, user_id=user.id, added_by_id=invited_by.id if invited_by else None)
    db.session.add(contributor)
    db.session.flush()
    activity.record(
        "add_contributor", actor=user, consultation=consultation,
        message=f"{user.display_name} joined as a contributor, invited by {invited_by.name if invited_by else 'a lead'}",
        after={"user_id": user.id}, subject_type="response", subject_id=response.id,
    )
    return contributor


def remove_contributor(actor: User, consultation: Consultation, contributor_id: int) -> None:
    require(can_manage_contributors(actor, consultation),
            "Only the lead city's policy leads and coordinators can remove contributors.")
    response = get_response(consultation)
    contributor = db.session.get(Contributor, contributor_id)
    if contributor is None or response is None or contributor.response_id != response.id:
        raise NotFound("That person is not a contributor to this draft.")
    activity.record(
        "remove_contributor", actor=actor, consultation=consultation,
        message=f"Removed {contributor.user.display_name} as a contributor",
        before={"user_id": contributor.user_id}, subject_type="response", subject_id=response.id,
    )
    db.session.delete(contributor)
    db.session.flush()


def _require_speaks_for(actor: User, consultation: Consultation, city_id: int, *, withdrawing: bool) -> None:
    require(support_cities_for(actor, consultation),
            f"You cannot {'change' if withdrawing else 'record'} support for this response now.")
    if not speaks_for(actor, city_id):
        raise PermissionDenied(f"You can {'withdraw' if withdrawing else 'record'} support only for your own city.")


def record_support(actor: User, consultation: Consultation, city_id: int) -> CitySupport:
    if not city_id:
        raise DomainError("Choose a city.", field="city_id")
    _require_speaks_for(actor, consultation, city_id, withdrawing=False)
    city = db.session.get(City, city_id)
    if city is None or not city.is_member:
        raise DomainError("Choose a member city.", field="city_id")
    exists = db.session.scalar(
        select(CitySupport.id).where(CitySupport.consultation_id == consultation.id, CitySupport.city_id == city.id)
    )
    if exists is not None:
        raise DomainError(f"{city.name} already supports this response.", field="city_id")
    support = CitySupport(consultation_id=consultation.id, city_id=city.id, recorded_by_id=actor.id)
    if not add_if_first(support):
        raise DomainError(f"{city.name} already supports this response.", field="city_id")
    activity.record(
        "city_support", actor=actor, consultation=consultation, message=f"{city.name} supports this response",
        after={"city_id": city.id}, subject_type="city_support", subject_id=support.id,
    )
    return support


def withdraw_support(actor: User, consultation: Consultation, city_id: int) -> None:
    _require_speaks_for(actor, consultation, city_id, withdrawing=True)
    support = db.session.scalar(
        select(CitySupport).where(CitySupport.consultation_id == consultation.id, CitySupport.city_id == city_id)
    )
    if support is None:
        raise NotFound("That city has not recorded support.")
    activity.record(
        "city_support_withdrawn", actor=actor, consultation=consultation,
        message=f"{support.city.name} withdrew its support", before={"city_id": city_id},
        subject_type="city_support", subject_id=support.id,
    )
    db.session.delete(support)
    db.session.flush()
