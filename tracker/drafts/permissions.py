"""Who may do what to a consultation's response: edit, comment, review, change its structure."""

from __future__ import annotations

from sqlalchemy import select

from tracker.errors import PermissionDenied
from tracker.extensions import db
from tracker.models import Consultation, Role, Status, User
from tracker.models.drafts import Contributor, Response

# A draft's text can change only while the work is with the drafting team.
EDITABLE_STATUSES = frozenset({Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW})
# Cities can sign off on a text that exists and is not yet sent.
SUPPORT_STATUSES = frozenset({Status.DRAFTING, Status.IN_REVIEW, Status.APPROVED})


def _is_lead_city_lead(user: User, consultation: Consultation) -> bool:
    return (
        user.role == Role.POLICY_LEAD
        and consultation.lead_city_id is not None
        and user.city_id == consultation.lead_city_id
    )


def is_contributor(user: User, response: Response | None) -> bool:
    if response is None or response.id is None:
        return False
    return (
        db.session.scalar(
            select(Contributor.id).where(
                Contributor.response_id == response.id, Contributor.user_id == user.id
            )
        )
        is not None
    )


def _contributes(user: User, consultation: Consultation) -> bool:
    """is_contributor for a caller that has not looked the response up."""
    return (
        db.session.scalar(
            select(Contributor.id)
            .join(Response, Response.id == Contributor.response_id)
            .where(Response.consultation_id == consultation.id, Contributor.user_id == user.id)
        )
        is not None
    )


def may_edit_people(user: User | None, consultation: Consultation) -> bool:
    """The consultation's own policy lead, any lead of the lead city, coordinators."""
    if user is None or not user.is_enabled:
        return False
    if user.is_coordinator or _is_lead_city_lead(user, consultation):
        return True
    return consultation.policy_lead_id is not None and consultation.policy_lead_id == user.id


def is_editable(consultation: Consultation) -> bool:
    return Status(consultation.status) in EDITABLE_STATUSES


def on_the_team(user: User, consultation: Consultation, response: Response | None) -> bool:
    """Someone who could edit the draft while it is editable, whatever its state now."""
    return may_edit_people(user, consultation) or is_contributor(user, response)


class _NotLookedUp:
    """The caller did not look the response up: None would mean it did, and there is none."""


_NOT_LOOKED_UP = _NotLookedUp()


def can_edit(user: User | None, consultation: Consultation,
             response: Response | None | _NotLookedUp = _NOT_LOOKED_UP) -> bool:
    if user is None or not is_editable(consultation):
        return False
    if may_edit_people(user, consultation):
        return True
    # A response the caller already looked up (even none) is not looked up again.
    if isinstance(response, _NotLookedUp):
        return _contributes(user, consultation)
    return is_contributor(user, response)


def can_comment(user: User | None, consultation: Consultation) -> bool:
    return user is not None and user.is_enabled


def can_manage_contributors(user: User | None, consultation: Consultation) -> bool:
    if user is None or not is_editable(consultation):
        return False
    return user.is_coordinator or _is_lead_city_lead(user, consultation)


def can_manage_questions(user: User | None, consultation: Consultation) -> bool:
    return can_manage_contributors(user, consultation)


def support_cities_for(user: User | None, consultation: Consultation) -> bool:
    """Whether the user may record a city's support at all (own city, or any for coordinators):
    a city's policy leads, and its contributors when those leads allow them."""
    if user is None or not user.is_enabled or Status(consultation.status) not in SUPPORT_STATUSES:
        return False
    if user.is_coordinator:
        return True
    if user.city_id is None:
        return False
    if user.role == Role.POLICY_LEAD:
        return True
    return user.role == Role.CONTRIBUTOR and user.city is not None and user.city.contributors_record_support


def speaks_for(user: User, city_id: int) -> bool:
    """Whose support the user may record or withdraw: their own city's, or (coordinators) any."""
    return user.is_coordinator or user.city_id == city_id


def is_frozen(consultation: Consultation) -> bool:
    return Status(consultation.status) in (Status.SUBMITTED, Status.OUTCOME_PUBLISHED)


def require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)
