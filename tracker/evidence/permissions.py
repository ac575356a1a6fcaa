"""Who may do what with evidence requests.

The lead (the lead city's policy leads and coordinators, as for the draft's structure) asks and
closes; an asked city's policy leads and contributors reply for their own city only; whoever may
edit the draft may quote a reply into it; every signed-in member may read replies and download
their attachments (reading is open inside the network).
"""

from __future__ import annotations

from tracker.drafts import permissions as drafts_permissions
from tracker.errors import PermissionDenied
from tracker.models import Consultation, Role, User
from tracker.models.evidence import EvidenceReply, EvidenceRequest

ASK_REFUSAL = "Only the lead city's policy leads and coordinators can ask member cities for evidence."
CLOSE_REFUSAL = "Only the lead city's policy leads and coordinators can close a request for evidence."
REPLY_ROLES = frozenset({Role.POLICY_LEAD.value, Role.CONTRIBUTOR.value})


def is_asker(user: User | None, consultation: Consultation) -> bool:
    """The lead: coordinators and the lead city's policy leads, whatever the draft's state."""
    if user is None or not user.is_enabled or consultation.lead_city_id is None:
        return False
    return user.is_coordinator or (user.role == Role.POLICY_LEAD and user.city_id == consultation.lead_city_id)


def can_ask(user: User | None, consultation: Consultation) -> bool:
    """The lead, while the draft is being written."""
    return is_asker(user, consultation) and drafts_permissions.is_editable(consultation)


def is_open(request: EvidenceRequest, consultation: Consultation) -> bool:
    """Replies can be sent and changed until the lead closes the request, and while the draft is
    still being written."""
    return request.closed_at is None and drafts_permissions.is_editable(consultation)


def speaks_for(user: User | None, reply: EvidenceReply) -> bool:
    """The asked city's own policy leads and contributors; nobody else, coordinators included."""
    return (user is not None and user.is_enabled and user.role in REPLY_ROLES
            and user.city_id is not None and user.city_id == reply.city_id)


def can_quote(user: User | None, consultation: Consultation) -> bool:
    return drafts_permissions.can_edit(user, consultation)


def require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)
