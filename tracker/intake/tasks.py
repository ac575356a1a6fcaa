"""Celery tasks of the intake feature."""

from __future__ import annotations

from celery import shared_task

from tracker.extensions import db


@shared_task(name="tracker.intake.tasks.import_govuk")
def import_govuk() -> dict[str, int]:
    """Hourly (GOVUK_IMPORT_SECONDS). Safe to run twice: the import is idempotent on content_id."""
    from tracker.intake import services

    try:
        result = services.run_import(services.make_api_source(), trigger="beat")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {
        "found": result.found,
        "new": result.new,
        "updated": result.updated,
        "skipped": result.skipped,
        "errors": len(result.errors),
    }
