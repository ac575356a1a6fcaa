"""The admins' Atom and RSS feeds: adding, editing, disabling and enabling one. Like every service
here they check, change, log and flush; the views commit. Reading a feed is feeds.py's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tracker import activity, locking
from tracker.auth.permissions import require
from tracker.documents.fetch import origin
from tracker.errors import DomainError, Stale, one_line
from tracker.extensions import db
from tracker.models import ActivityLog, IssuerType, User, WorkArea
from tracker.models.intake import FeedSource
from tracker.urls import link_key


def _facts(feed: FeedSource) -> dict[str, object]:
    """What the activity log keeps of a feed, as people read it (the work area by its name)."""
    return {"url": feed.url, "issuer_name": feed.issuer_name, "issuer_type": feed.issuer_type,
            "work_area": feed.default_work_area.name if feed.default_work_area else None, "enabled": feed.enabled}


@dataclass
class FeedData:
    url: str
    issuer_name: str
    issuer_type: str
    default_work_area: WorkArea | None = None


def _checked(data: FeedData, feed: FeedSource | None) -> tuple[str, str, str, IssuerType]:
    """(address, host, issuer's name, issuer type), or the refusal on its field."""
    url = data.url.strip()
    if not url:
        raise DomainError("Enter the feed's address.", field="url")
    where = origin(url)
    if where is None or len(url) > 500:
        raise DomainError("Enter the feed's address as http:// or https:// and a host, with no user name or "
                          "password, in 500 characters or fewer.", field="url")
    host = where[1] if where[2] in (80, 443) else f"{where[1]}:{where[2]}"
    others = select(FeedSource.id, FeedSource.url)
    if feed is not None:
        others = others.where(FeedSource.id != feed.id)
    if any(link_key(row.url) == link_key(url) for row in db.session.execute(others)):
        raise DomainError("This feed is already a source: edit that one instead.", field="url")
    name = one_line(data.issuer_name, field="issuer_name", limit=200, missing="Enter the issuer's name.",
                    too_long="Keep the issuer's name to 200 characters or fewer.")
    try:
        kind = IssuerType(data.issuer_type)
    except ValueError:
        raise DomainError("Choose who issues what the feed lists.", field="issuer_type") from None
    return url, host, name, kind


def add_feed(actor: User, data: FeedData) -> FeedSource:
    require(actor, "admins", "add intake sources")
    url, host, name, kind = _checked(data, None)
    feed = FeedSource(url=url, host=host, issuer_name=name, issuer_type=kind.value,
                      default_work_area=data.default_work_area, enabled=True)
    db.session.add(feed)
    db.session.flush()
    activity.record("feed_add", actor=actor, subject_type="feed_source", subject_id=feed.id,
                    message=f"Added the feed of {name} ({url}) as an intake source",
                    after={**_facts(feed), "version": feed.version})
    return feed


def _claim(feed: FeedSource, seen_version: int | None) -> None:
    if seen_version is None or not locking.move_version(feed, seen_version):
        changes = [c for e, c in locking.latest_changes(ActivityLog.subject_type == "feed_source",
                                                        ActivityLog.subject_id == feed.id)
                   if int((e.after or {}).get("version") or 0) > (seen_version or 0)]
        db.session.expire(feed, ["version"])
        raise Stale(f"{locking.who_changed(changes)} changed this feed after you opened the page, so your change "
                    "was not saved. Check it against what is shown now and save again if it is still right.",
                    changes=changes, version=db.session.scalar(select(FeedSource.version)
                                                                .where(FeedSource.id == feed.id)))
    feed.version = seen_version + 1


def edit_feed(actor: User, feed: FeedSource, data: FeedData, *, seen_version: int | None) -> None:
    require(actor, "admins", "change intake sources")
    url, host, name, kind = _checked(data, feed)
    _claim(feed, seen_version)
    before = _facts(feed)
    feed.url, feed.host, feed.issuer_name, feed.issuer_type = url, host, name, kind.value
    feed.default_work_area = data.default_work_area
    db.session.flush()
    old, new = activity.changes(before, _facts(feed))
    activity.record("feed_edit", actor=actor, subject_type="feed_source", subject_id=feed.id,
                    message=f"Edited the feed of {name}", before=old, after={**new, "version": feed.version})


def set_enabled(actor: User, feed: FeedSource, enabled: bool, *, seen_version: int | None) -> None:
    """A disabled feed is not read (its items stay in the inbox); enabling it reads it again."""
    require(actor, "admins", "change intake sources")
    _claim(feed, seen_version)
    feed.enabled = enabled
    db.session.flush()
    activity.record("feed_enable" if enabled else "feed_disable", actor=actor, subject_type="feed_source",
                    subject_id=feed.id,
                    message=f"{'Enabled' if enabled else 'Disabled'} the feed of {feed.issuer_name}",
                    before={"enabled": not enabled}, after={"enabled": enabled, "version": feed.version})
