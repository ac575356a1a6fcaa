"""Saved searches' alerts: new consultations, and items imported but not yet triaged, that match
a person's saved search, told once per search and item.

A search is matched with the list's own filters (consultations/filters.py and queries.matching),
so an alert and the list agree. What existed when the search was saved is never told: only what
was made (or first imported) since, within ``LOOKBACK`` of the scan. An item of the inbox and the
consultation later accepted from it are one thing: its key names the item, so it is told once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from tracker.consultations import queries as list_queries
from tracker.consultations.filters import parse_filters
from tracker.extensions import db
from tracker.messaging.notify import notify
from tracker.models import Consultation, Status, User, WorkArea
from tracker.models.alerts import AlertDelivery, SavedSearch
from tracker.models.intake import IntakeItem, ItemState
from tracker.models.messages import Delivery, Event, Message
from tracker.timeutil import end_of_uk_day, format_uk, uk_today
from tracker.urls import external_url

# How far back a scan looks: a scan missed for longer (the sweep stopped) tells nothing older.
LOOKBACK = timedelta(days=2)
# Matches told per search per scan; the next scan tells the rest.
PER_SEARCH = 100
# Items of the inbox looked at per scan.
ITEMS = 1000


@dataclass(frozen=True)
class Match:
    key: str
    title: str
    organisation: str
    closes_at: datetime | None
    consultation: Consultation | None
    item_id: int | None


def _consultations(search: SavedSearch, filters: list_queries.ListFilters, since: datetime) -> list[Match]:
    conditions, params = list_queries.matching(filters)
    rows = db.session.execute(
        select(Consultation, IntakeItem.id, IntakeItem.first_seen_at)
        .outerjoin(IntakeItem, IntakeItem.consultation_id == Consultation.id)
        .where(*conditions, Consultation.created_at >= bindparam("since"))
        .order_by(Consultation.id).limit(PER_SEARCH),
        {**params, "since": since},
    ).all()
    found = []
    for consultation, item_id, first_seen in rows:
        if item_id is not None and first_seen is not None and first_seen < search.created_at:
            continue  # in the inbox before the search was saved
        key = f"search:{search.id}:item:{item_id}" if item_id else f"search:{search.id}:consultation:{consultation.id}"
        found.append(Match(key, consultation.title, consultation.issuing_organisation, consultation.closes_at,
                           consultation, item_id))
    return found


def item_matches(item: IntakeItem, filters: list_queries.ListFilters, now: datetime) -> bool:
    """Whether an item not yet triaged would be in the list with these filters once accepted: as a
    new consultation, in its suggested work area (led by that area's city)."""
    if filters.mine or filters.status not in ("", list_queries.OPEN_FILTER, Status.NEW.value):
        return False  # no one's work before triage
    area: WorkArea | None = item.suggested_work_area
    if filters.work_area_id and item.suggested_work_area_id != filters.work_area_id:
        return False
    if filters.city_id and (area is None or area.lead_city_id != filters.city_id):
        return False
    if filters.q and filters.q.lower() not in f"{item.title}\n{item.organisation_text}".lower():
        return False
    closes = item.closes_at
    if filters.window in ("7", "14", "30"):
        until = end_of_uk_day(uk_today(now) + timedelta(days=int(filters.window)))
        return closes is not None and now <= closes <= until
    if filters.window == "open":
        return closes is None or closes >= now
    if filters.window == "closed":
        return closes is not None and closes < now
    return filters.window != "overdue"  # no internal deadline before triage


def _items(search: SavedSearch, filters: list_queries.ListFilters, items: Sequence[IntakeItem],
           now: datetime) -> list[Match]:
    return [Match(f"search:{search.id}:item:{item.id}", item.title, item.organisation_text, item.closes_at, None,
                  item.id)
            for item in items if item.first_seen_at >= search.created_at and item_matches(item, filters, now)]


def _body(search: SavedSearch, match: Match, owner: User) -> str:
    closing = f"It closes on {format_uk(match.closes_at)} (UK time)." if match.closes_at else "Its closing date is not known yet."
    if match.consultation is not None:
        where = f"Open it: {external_url('consultations.detail', consultation_id=match.consultation.id)}"
    elif owner.is_coordinator and match.item_id is not None:
        where = f"It is waiting in the triage inbox: {external_url('intake.item', item_id=match.item_id)}"
    else:
        where = "It was imported and is waiting for the coordinators to triage it; it will be in the list once accepted."
    return (f"“{match.title}” ({match.organisation}) is new and matches your saved search “{search.name}”. "
            f"{closing}\n\n{where}\n\nChange or stop these alerts: {external_url('alerts.searches')}")


Due = list[tuple[SavedSearch, list[Match]]]


def due(now: datetime) -> Due:
    """Each saved search with the new matches its owner has not been told of (reads only)."""
    searches = db.session.scalars(
        select(SavedSearch).options(joinedload(SavedSearch.user))
        .where(SavedSearch.delivery != AlertDelivery.NONE.value).order_by(SavedSearch.id)).all()
    if not searches:
        return []
    floor = now - LOOKBACK
    items = db.session.scalars(
        select(IntakeItem).options(joinedload(IntakeItem.suggested_work_area))
        .where(IntakeItem.state == ItemState.PENDING.value, IntakeItem.first_seen_at >= floor)
        .order_by(IntakeItem.id).limit(ITEMS)).all()
    work_areas, cities = list_queries.filter_choices()
    found: Due = []
    for search in searches:
        if not search.user.is_enabled:
            continue
        filters, errors = parse_filters(search.args or {}, work_areas, cities, search.user)
        if errors:
            continue  # a work area or city since removed: the search no longer means what it said
        since = max(search.created_at, floor)
        untold = _untold(search, _consultations(search, filters, since) + _items(search, filters, items, now))
        if untold:
            found.append((search, untold))
    return found


def tell(found: Due) -> int:
    """Tell each owner of each match (flushes); how many were told."""
    return sum(_tell(search, matches) for search, matches in found)


def _untold(search: SavedSearch, matches: list[Match]) -> list[Match]:
    if not matches:
        return []
    keys = {m.key for m in matches}
    known = set(db.session.scalars(select(Message.event_key).where(
        Message.recipient_id == search.user_id, Message.event_key.in_(keys))))
    unique: dict[str, Match] = {}
    for match in matches:
        if match.key not in known:
            unique.setdefault(match.key, match)
    return list(unique.values())


def _tell(search: SavedSearch, matches: list[Match]) -> int:
    delivery: Any = Delivery.DIGEST.value if search.delivery == AlertDelivery.DIGEST else None
    for match in matches:
        notify([search.user], kind=Event.SEARCH_ALERT.value, key=match.key, delivery=delivery,
               subject=f"New for your search “{search.name}”: {match.title}",
               body=_body(search, match, search.user), consultation=match.consultation)
    return len(matches)
