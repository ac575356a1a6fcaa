"""Celery tasks of the intake feature: one hourly import per source (every feed in one task),
each under its own lock."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task

from tracker.celery import committed
from tracker.extensions import db
from tracker.intake import lock
from tracker.intake.adapter import SourceAdapter

log = logging.getLogger(__name__)


def _run(adapter: Callable[[], SourceAdapter], lock_name: str, label: str) -> dict[str, int]:
    """One at a time per source: a run that finds another under way is skipped (the next one
    catches up; the import is idempotent on each source's ids)."""
    from tracker.intake import importer

    with lock.one_import_at_a_time("beat", name=lock_name) as held:
        if not held.acquired:
            assert held.held_by is not None
            log.info("%s import skipped: %s", label, held.held_by.describe())
            return {"skipped_run": 1}
        result = committed(lambda: importer.run_import(adapter(), trigger="beat"))
    if result.errors:
        log.warning("%s import: %d items or pages could not be read or saved", label, len(result.errors))
    if result.incomplete:
        log.warning("%s import: %s", label, result.incomplete)
    return {
        "found": result.found,
        "new": result.new,
        "updated": result.updated,
        "skipped": result.skipped,
        "errors": len(result.errors),
        "known_bad": len(result.known_bad),
        "incomplete": 1 if result.incomplete else 0,
    }


@shared_task(name="tracker.intake.tasks.import_govuk")
def import_govuk() -> dict[str, int]:
    """Hourly (GOVUK_IMPORT_SECONDS)."""
    from tracker.intake import sources

    return _run(lambda: sources.adapter_for(sources.make_api_source()), lock.NAME, "GOV.UK")


@shared_task(name="tracker.intake.tasks.import_committees")
def import_committees() -> dict[str, int]:
    """Hourly (COMMITTEES_IMPORT_SECONDS), beside the GOV.UK one."""
    from tracker.intake import sources

    return _run(sources.make_committees_api_source, lock.COMMITTEES, "Committees")


@shared_task(name="tracker.intake.tasks.import_feeds")
def import_feeds() -> dict[str, int]:
    """Hourly (FEEDS_IMPORT_SECONDS): each enabled feed in turn, each under its own lock and in its
    own transaction, so one feed that cannot be read does not stop the others."""
    from sqlalchemy import select

    from tracker.intake.feeds import FeedAdapter
    from tracker.models.intake import FeedSource

    totals: dict[str, int] = {}
    ids = list(db.session.scalars(select(FeedSource.id).where(FeedSource.enabled.is_(True)).order_by(FeedSource.id)))
    db.session.rollback()
    for feed_id in ids:
        feed = db.session.get(FeedSource, feed_id)
        if feed is None or not feed.enabled:
            continue
        try:
            counts = _run(lambda feed=feed: FeedAdapter(feed), feed.lock_name, f"Feed {feed.id}")  # type: ignore[misc]
        except Exception:  # a fault of this feed's run (rolled back): the next feeds are still read
            log.exception("Feed %d import failed", feed_id)
            counts = {"failed_feeds": 1}
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    return totals
