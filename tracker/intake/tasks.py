"""Celery tasks of the intake feature."""

from __future__ import annotations

import logging

from celery import shared_task

from tracker.extensions import db
from tracker.intake.lock import one_import_at_a_time

log = logging.getLogger(__name__)


@shared_task(name="tracker.intake.tasks.import_govuk")
def import_govuk() -> dict[str, int]:
    """Hourly (GOVUK_IMPORT_SECONDS). One at a time: a run that finds another under way is
    skipped (the next one catches up; the import is idempotent on content_id)."""
    from tracker.intake import importer, sources

    with one_import_at_a_time("beat") as lock:
        if not lock.acquired:
            assert lock.held_by is not None
            log.info("GOV.UK import skipped: %s", lock.held_by.describe())
            return {"skipped_run": 1}
        try:
            result = importer.run_import(sources.make_api_source(), trigger="beat")
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    if result.errors:
        log.warning("GOV.UK import: %d items or pages could not be read or saved", len(result.errors))
    return {
        "found": result.found,
        "new": result.new,
        "updated": result.updated,
        "skipped": result.skipped,
        "errors": len(result.errors),
    }
