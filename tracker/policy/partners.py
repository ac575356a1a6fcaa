"""Changing and removing a partner network (admins), each on the version the page showed and
recorded in the activity log. A network already named on responses or engagements is retired
(no longer offered, kept on those records) rather than deleted. Flush, never commit."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker import activity
from tracker.errors import DomainError, one_line
from tracker.extensions import db
from tracker.models import User
from tracker.models.policy import ConsultationPartner, EngagementPartner, PartnerNetwork
from tracker.policy import locking, permissions
from tracker.policy.services import MAX_PARTNER_DESCRIPTION, MAX_PARTNER_NAME

SUBJECT = "partner_network"
_REFUSAL = "Only admins can change partner networks."


def uses(partner: PartnerNetwork) -> int:
    """How many responses and engagements name the network."""
    return sum(db.session.scalar(select(func.count()).select_from(model).where(model.partner_id == partner.id)) or 0
               for model in (ConsultationPartner, EngagementPartner))


def edit_partner(actor: User, partner: PartnerNetwork, *, name: str, description: str, offered: bool,
                 seen_version: int) -> PartnerNetwork:
    permissions.require(permissions.can_manage_partners(actor), _REFUSAL)
    name = one_line(name, field="name", missing="Enter the partner network's name", limit=MAX_PARTNER_NAME,
                    too_long=f"Name must be {MAX_PARTNER_NAME} characters or fewer")
    description = description.strip()
    if len(description) > MAX_PARTNER_DESCRIPTION:
        raise DomainError(f"Description must be {MAX_PARTNER_DESCRIPTION:,} characters or fewer", field="description")
    taken = db.session.scalar(select(PartnerNetwork.id).where(PartnerNetwork.name.ilike(name),
                                                              PartnerNetwork.id != partner.id))
    if taken is not None:
        raise DomainError(f"There is already a partner network called {name}", field="name")
    before = {"name": partner.name, "description": partner.description, "offered": partner.is_active}
    version = locking.claim(partner, seen_version, subject_type=SUBJECT, what="this partner network")
    partner.name, partner.description, partner.is_active = name, description, offered
    old, new = activity.changes(before, {"name": name, "description": description, "offered": offered})
    activity.record("partner_edited", actor=actor, subject_type=SUBJECT, subject_id=partner.id,
                    message=f"Changed the partner network {name}", before=old, after={**new, "version": version})
    db.session.flush()
    return partner


def remove_partner(actor: User, partner: PartnerNetwork, seen_version: int) -> str:
    """Deletes the network, or retires it when records name it; returns what was done, in words."""
    permissions.require(permissions.can_manage_partners(actor), _REFUSAL)
    version = locking.claim(partner, seen_version, subject_type=SUBJECT, what="this partner network")
    if uses(partner):
        partner.is_active = False
        said = f"{partner.name} is no longer offered; the responses and engagements that name it keep it."
        activity.record("partner_retired", actor=actor, subject_type=SUBJECT, subject_id=partner.id,
                        message=f"Retired the partner network {partner.name}",
                        before={"offered": True}, after={"offered": False, "version": version})
    else:
        said = f"{partner.name} removed."
        activity.record("partner_removed", actor=actor, subject_type=SUBJECT, subject_id=partner.id,
                        message=f"Removed the partner network {partner.name}",
                        before={"name": partner.name, "description": partner.description})
        db.session.delete(partner)
    db.session.flush()
    return said
