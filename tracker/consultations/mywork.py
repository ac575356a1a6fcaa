"""The list's "my work" filters: assigned to me, my city leads, I contribute to, and waiting for
me (drafts in review for coordinators; drafts returned for changes for policy leads, of their
city, and for contributors, of theirs). Each is a condition of the list's one statement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, exists, false, select

from tracker.models import ActivityLog, Consultation, Status, User
from tracker.models.drafts import Contributor, Response

# The query string's values, in the order the menu offers them.
MINE = ("assigned", "city", "contributing", "waiting")
# A draft being written again after a coordinator's review: returned for changes, or reopened.
RETURNED_BY = ("return_to_drafting", "reopen")


@dataclass(frozen=True)
class Me:
    """Who "me" is, as the filters need it (plain values: part of the list's cache key)."""

    user_id: int
    city_id: int | None
    coordinator: bool
    policy_lead: bool


def me(user: User) -> Me:
    return Me(user.id, user.city_id, bool(user.is_coordinator), bool(user.is_policy_lead))


def choices(who: Me) -> list[tuple[str, str]]:
    """The menu's options for this person: "assigned to me" only for policy leads (no one else
    can be named the policy lead), "my city leads" only for someone of a member city."""
    waiting = ("Waiting for me: drafts in review" if who.coordinator
               else "Waiting for me: drafts returned for changes")
    options = [("assigned", "Assigned to me"), ("city", "My city leads"),
               ("contributing", "I contribute to"), ("waiting", waiting)]
    offered = {"assigned": who.policy_lead, "city": who.city_id is not None}
    return [(value, text) for value, text in options if offered.get(value, True)]


def shape(mine: str, who: Me) -> tuple[str, dict[str, Any]]:
    """The condition's name in the list's statement shape, and its values."""
    if mine == "assigned":
        return "mine assigned", {"me": who.user_id}
    if mine == "city":
        return ("mine city", {"my_city": who.city_id}) if who.city_id is not None else ("mine none", {})
    if mine == "contributing":
        return "mine contributing", {"me": who.user_id}
    if mine == "waiting":
        if who.coordinator:
            return "waiting review", {}
        if who.policy_lead and who.city_id is not None:
            return "waiting returned city", {"my_city": who.city_id}
        return "waiting returned contributing", {"me": who.user_id}
    raise ValueError(mine)


_CONTRIBUTING = Consultation.id.in_(
    select(Response.consultation_id).join(Contributor, Contributor.response_id == Response.id)
    .where(Contributor.user_id == bindparam("me"))
)
_RETURNED = (Consultation.status == Status.DRAFTING.value) & exists(
    select(ActivityLog.id).where(ActivityLog.consultation_id == Consultation.id,
                                 ActivityLog.action.in_(RETURNED_BY))
)


def conditions(part: str) -> list[ColumnElement[bool]] | None:
    """The conditions of one part of a shape, or None when the part is not one of these."""
    if part == "mine assigned":
        return [Consultation.policy_lead_id == bindparam("me")]
    if part == "mine city":
        return [Consultation.lead_city_id == bindparam("my_city")]
    if part == "mine none":
        return [false()]
    if part == "mine contributing":
        return [_CONTRIBUTING]
    if part == "waiting review":
        return [Consultation.status == Status.IN_REVIEW.value]
    if part == "waiting returned city":
        return [_RETURNED, Consultation.lead_city_id == bindparam("my_city")]
    if part == "waiting returned contributing":
        return [_RETURNED, _CONTRIBUTING]
    return None
