"""The verbs of saved searches and follows: each person's own, checked against the row's owner
and version. Flush, never commit."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, func, select

from tracker.consultations import queries as list_queries
from tracker.consultations.filters import parse_filters
from tracker.errors import DomainError, NotFound, Stale, one_line
from tracker.extensions import db, get_where
from tracker.locking import move_version
from tracker.models import Consultation, IssuerType, User
from tracker.models.alerts import AlertDelivery, Follow, FollowTarget, SavedSearch
from tracker.models.policy import PolicyAsk
from tracker.timeutil import utcnow

MAX_NAME = 100
MAX_SEARCHES = 50
MAX_COMMITTEE = 200


def checked_filters(owner: User, args: Mapping[str, str]) -> dict[str, str]:
    """The list's filters, read by the list's own parser as ``owner``'s ("my work" is theirs): the
    arguments to keep, or a refusal."""
    work_areas, cities = list_queries.filter_choices()
    filters, errors = parse_filters(args, work_areas, cities, owner)
    if errors:
        raise DomainError(errors[0]["text"], field="name")
    return filters.as_args()


def _delivery(value: str) -> str:
    if value not in {d.value for d in AlertDelivery}:
        raise DomainError("Choose when to be told of new matches", field="delivery")
    return value


def _name(owner: User, value: str, exclude: int | None = None) -> str:
    name = one_line(value, field="name", missing="Enter a name for the search", limit=MAX_NAME,
                    too_long=f"The name must be {MAX_NAME} characters or fewer")
    clash = select(SavedSearch.id).where(SavedSearch.user_id == owner.id, func.lower(SavedSearch.name) == name.lower())
    if exclude is not None:
        clash = clash.where(SavedSearch.id != exclude)
    if db.session.scalar(clash) is not None:
        raise DomainError(f"You already have a saved search called “{name}”: choose another name", field="name")
    return name


def save_search(owner: User, *, name: str, args: Mapping[str, str], delivery: str) -> SavedSearch:
    kept = checked_filters(owner, args)
    count = db.session.scalar(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == owner.id))
    if (count or 0) >= MAX_SEARCHES:
        raise DomainError(f"You have {MAX_SEARCHES} saved searches, the most one person may keep: delete one first",
                          field="name")
    search = SavedSearch(user_id=owner.id, name=_name(owner, name), args=kept, delivery=_delivery(delivery),
                         created_at=utcnow(), updated_at=utcnow())
    db.session.add(search)
    db.session.flush()
    return search


def own_search(owner: User, search_id: int) -> SavedSearch:
    """One of ``owner``'s saved searches; anyone else's is not found, as if it did not exist."""
    return get_where(SavedSearch, search_id, "You have no saved search with that number.", user_id=owner.id)


def _claim(search: SavedSearch, seen_version: int) -> None:
    if not move_version(search, seen_version):
        db.session.expire(search, ["version"])
        current = db.session.scalar(select(SavedSearch.version).where(SavedSearch.id == search.id))
        raise Stale("This saved search was changed (in another tab or window) after you opened the page, so your "
                    "change was not saved. Check what it is now and save again if your change is still right.",
                    version=current)


def update_search(owner: User, search_id: int, *, name: str, delivery: str, seen_version: int) -> SavedSearch:
    search = own_search(owner, search_id)
    new_name, new_delivery = _name(owner, name, exclude=search.id), _delivery(delivery)
    _claim(search, seen_version)
    search.name, search.delivery = new_name, new_delivery
    db.session.flush()
    return search


def delete_search(owner: User, search_id: int, *, seen_version: int) -> str:
    search = own_search(owner, search_id)
    _claim(search, seen_version)
    name = search.name
    db.session.delete(search)
    db.session.flush()
    return name


def _target(target: str, ident: str) -> tuple[str, dict[str, object]]:
    """The follow's key and its columns; the thing followed must exist."""
    if target == FollowTarget.CONSULTATION and ident.isdecimal() and len(ident) < 12:
        if db.session.get(Consultation, int(ident)) is not None:
            return f"consultation:{int(ident)}", {"consultation_id": int(ident)}
        raise NotFound("There is no consultation with that number.")
    if target == FollowTarget.ASK and ident.isdecimal() and len(ident) < 12:
        if db.session.get(PolicyAsk, int(ident)) is not None:
            return f"ask:{int(ident)}", {"ask_id": int(ident)}
        raise NotFound("There is no ask with that number.")
    if target == FollowTarget.COMMITTEE:
        name = " ".join(ident.split())
        known = db.session.scalar(select(Consultation.id).where(
            Consultation.issuer_type == IssuerType.SELECT_COMMITTEE.value,
            Consultation.issuing_organisation == name).limit(1))
        if name and len(name) <= MAX_COMMITTEE and known is not None:
            return f"committee:{name}", {"committee": name}
        raise NotFound("The tracker has nothing from a select committee of that name.")
    raise NotFound("There is nothing of that kind to follow.")


def follow(user: User, target: str, ident: str) -> Follow:
    """Follow a consultation, an ask or a committee; following it again changes nothing."""
    key, columns = _target(target, ident)
    found = db.session.scalar(select(Follow).where(Follow.user_id == user.id, Follow.target_key == key))
    if found is not None:
        return found
    row = Follow(user_id=user.id, target=target, target_key=key, created_at=utcnow(), **columns)
    db.session.add(row)
    db.session.flush()
    return row


def unfollow(user: User, target: str, ident: str) -> None:
    """Stop following; a second click (nothing followed any more) changes nothing."""
    key, _columns = _target(target, ident)
    db.session.execute(delete(Follow).where(Follow.user_id == user.id, Follow.target_key == key))
    db.session.flush()
