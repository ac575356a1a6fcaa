"""Who may do what in the policy feature. Roles and city come from the user's row, never from
the request; every verb checks again (services.py)."""

from __future__ import annotations

from tracker.drafts import permissions as drafts_permissions
from tracker.errors import PermissionDenied
from tracker.models import Consultation, Role, Status, User
from tracker.models.drafts import Response
from tracker.models.policy import Engagement, FollowUp, PolicyAsk

# Once a response is approved its asks are settled; coordinators may still correct the record.
TEAM_STATUSES = frozenset({Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW})
# Government's take-up is known from submission on.
TAKE_UP_STATUSES = frozenset({Status.SUBMITTED, Status.OUTCOME_PUBLISHED})


def _enabled(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_enabled


def can_create_ask(user: User | None) -> bool:
    return _enabled(user) and user is not None and user.is_coordinator


def can_edit_ask(user: User | None, ask: PolicyAsk) -> bool:
    """Coordinators and admins, and the policy leads of the city that owns the ask."""
    if not _enabled(user) or user is None:
        return False
    if user.is_coordinator:
        return True
    return user.role == Role.POLICY_LEAD and user.city_id is not None and user.city_id == ask.lead_city_id


def can_choose_asks(user: User | None, consultation: Consultation, response: Response | None) -> bool:
    """The drafting team (lead city's leads, the policy lead, invited contributors) while the draft
    is with them; coordinators at any point of the response's life."""
    if not _enabled(user) or user is None:
        return False
    if user.is_coordinator:
        return Status(consultation.status) in TEAM_STATUSES | TAKE_UP_STATUSES | {Status.APPROVED}
    if Status(consultation.status) not in TEAM_STATUSES:
        return False
    return drafts_permissions.on_the_team(user, consultation, response)


def can_record_take_up(user: User | None, consultation: Consultation) -> bool:
    """Coordinators record what government did, as they record the outcome."""
    return (_enabled(user) and user is not None and user.is_coordinator
            and Status(consultation.status) in TAKE_UP_STATUSES)


def can_set_partners(user: User | None, consultation: Consultation) -> bool:
    """Who worked with us on a response: coordinators, and the lead city's leads and the named
    policy lead (the people who arrange joint work on it)."""
    return _enabled(user) and drafts_permissions.may_edit_people(user, consultation)


def can_record_engagement(user: User | None) -> bool:
    """Coordinators, admins and policy leads log the network's meetings and briefings."""
    return _enabled(user) and user is not None and (user.is_coordinator or user.role == Role.POLICY_LEAD)


def can_edit_engagement(user: User | None, engagement: Engagement) -> bool:
    """Coordinators, whoever recorded it, and the policy leads of the city leading its work area."""
    if not _enabled(user) or user is None:
        return False
    if user.is_coordinator or (engagement.created_by_id is not None and engagement.created_by_id == user.id):
        return True
    area = engagement.work_area
    return (user.role == Role.POLICY_LEAD and area is not None and area.lead_city_id is not None
            and user.city_id == area.lead_city_id)


def can_close_follow_up(user: User | None, follow_up: FollowUp) -> bool:
    """Its owner, and whoever may edit the engagement."""
    if not _enabled(user) or user is None:
        return False
    return follow_up.owner_id == user.id or can_edit_engagement(user, follow_up.engagement)


def can_manage_partners(user: User | None) -> bool:
    return _enabled(user) and user is not None and user.is_admin


def can_edit_report(user: User | None) -> bool:
    return _enabled(user) and user is not None and user.is_coordinator


def require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)
