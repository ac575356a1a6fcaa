"""Alerts' reads: a person's saved searches in words, what they follow, and the follow button of
a page. A fixed number of statements each, bounded lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, cast, exists, literal, select
from sqlalchemy.orm import joinedload

from tracker.consultations import mywork
from tracker.consultations import queries as list_queries
from tracker.consultations.filters import parse_filters
from tracker.extensions import db
from tracker.models import STATUS_LABELS, Consultation, IssuerType, Status, User
from tracker.models.alerts import Follow, FollowTarget, SavedSearch

MAX_FOLLOWS_SHOWN = 200
TARGET_LABELS = {"consultation": "Consultation", "ask": "Ask", "committee": "Select committee"}


def describe(owner: User, args: Mapping[str, str], work_areas: Sequence[Any], cities: Sequence[Any]) -> str:
    """A search's filters as a person reads them: names and words, never ids or codes."""
    filters, _errors = parse_filters(args, work_areas, cities, owner)
    parts: list[str] = []
    if filters.mine and filters.me is not None:
        parts.append(dict(mywork.choices(filters.me))[filters.mine].lower())
    if filters.q:
        parts.append(f"words “{filters.q}”")
    if filters.status == list_queries.OPEN_FILTER:
        parts.append("status open (work to do)")
    elif filters.status:
        parts.append(f"status {STATUS_LABELS[Status(filters.status)].lower()}")
    names = {("area", a.id): a.name for a in work_areas} | {("city", c.id): c.name for c in cities}
    if filters.work_area_id:
        parts.append(f"work area {names[('area', filters.work_area_id)]}")
    if filters.city_id:
        parts.append(f"lead city {names[('city', filters.city_id)]}")
    if filters.window:
        parts.append(list_queries.WINDOWS[filters.window].lower())
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text else "Every consultation"


@dataclass(frozen=True)
class SearchRow:
    id: int
    name: str
    described: str
    delivery_label: str
    version: int
    args: dict[str, str]


def searches_of(user: User) -> list[SearchRow]:
    work_areas, cities = list_queries.filter_choices()
    rows = db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)
                              .order_by(SavedSearch.name, SavedSearch.id)).all()
    return [SearchRow(s.id, s.name, describe(user, s.args or {}, work_areas, cities), s.delivery_label, s.version,
                      dict(s.args or {})) for s in rows]


def described(owner: User, args: Mapping[str, str]) -> str:
    work_areas, cities = list_queries.filter_choices()
    return describe(owner, args, work_areas, cities)


@dataclass(frozen=True)
class FollowRow:
    kind: str
    title: str
    endpoint: str
    values: dict[str, Any]
    target: str
    ident: str


def follows_of(user: User) -> list[FollowRow]:
    """What a person follows, consultations first, each with the page it opens."""
    rows = db.session.scalars(
        select(Follow).where(Follow.user_id == user.id)
        .options(joinedload(Follow.consultation), joinedload(Follow.ask))
        .order_by(Follow.target, Follow.created_at.desc()).limit(MAX_FOLLOWS_SHOWN)).all()
    found: list[FollowRow] = []
    for row in rows:
        if row.consultation is not None:
            found.append(FollowRow(TARGET_LABELS["consultation"], row.consultation.title, "consultations.detail",
                                   {"consultation_id": row.consultation.id}, "consultation", str(row.consultation.id)))
        elif row.ask is not None:
            found.append(FollowRow(TARGET_LABELS["ask"], row.ask.title, "policy.ask", {"ask_id": row.ask.id},
                                   "ask", str(row.ask.id)))
        elif row.committee:
            found.append(FollowRow(TARGET_LABELS["committee"], row.committee, "consultations.index",
                                   {"q": row.committee}, "committee", row.committee))
    return found


@dataclass(frozen=True)
class FollowButton:
    target: str
    ident: str
    following: bool
    what: str  # "this consultation", "the Treasury Committee"


# Built once, bound at each execution: building them showed in the pages' profiles.
_FOLLOWING = select(Follow.id).where(Follow.user_id == bindparam("user"), Follow.target_key == bindparam("key"))
_FOLLOWED = select(Follow.target_key).where(Follow.user_id == bindparam("user"),
                                            Follow.target_key.in_(bindparam("keys", expanding=True)))


def follow_button(user: User, target: str, ident: str, what: str) -> FollowButton | None:
    """The follow or unfollow button of a page (one statement); None for no one signed in."""
    if not getattr(user, "is_authenticated", False):
        return None
    key = f"{FollowTarget(target).value}:{ident}"
    following = db.session.scalar(_FOLLOWING, {"user": user.id, "key": key})
    return FollowButton(target, ident, following is not None, what)


# Whether the user bound as "user" follows the consultation, and its issuer as a select committee:
# flags a page reads with the consultation (drafts.queries.page_statement), for the buttons below.
FOLLOWS_CONSULTATION = exists().where(
    Follow.user_id == bindparam("user"),
    Follow.target_key == literal(f"{FollowTarget.CONSULTATION.value}:") + cast(Consultation.id, String))
FOLLOWS_COMMITTEE = exists().where(
    Follow.user_id == bindparam("user"),
    Follow.target_key == literal(f"{FollowTarget.COMMITTEE.value}:") + Consultation.issuing_organisation)


def consultation_follows(user: User, consultation: Any,
                         following: tuple[bool, bool] | None = None) -> list[FollowButton]:
    """The consultation page's buttons: the consultation, and its select committee. One statement,
    or none when the page read ``following`` (FOLLOWS_CONSULTATION, FOLLOWS_COMMITTEE) already."""
    wanted = [FollowButton("consultation", str(consultation.id), False, "this consultation")]
    if consultation.issuer_type == IssuerType.SELECT_COMMITTEE:
        wanted.append(FollowButton("committee", consultation.issuing_organisation, False,
                                   f"the {consultation.issuing_organisation}"))
    if following is not None:
        return [FollowButton(b.target, b.ident, followed, b.what) for b, followed in zip(wanted, following, strict=False)]
    keys = {f"{b.target}:{b.ident}" for b in wanted}
    followed = set(db.session.scalars(_FOLLOWED, {"user": user.id, "keys": sorted(keys)}))
    return [FollowButton(b.target, b.ident, f"{b.target}:{b.ident}" in followed, b.what) for b in wanted]
