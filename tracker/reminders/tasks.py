"""The reminders' Celery task: the sweep, which beat runs (the sends are messaging's tasks)."""

from __future__ import annotations

import logging

from celery import shared_task

from tracker import health
from tracker.celery import committed
from tracker.messaging.tasks import warn_uncertain
from tracker.reminders import services

log = logging.getLogger(__name__)


@shared_task(name="tracker.reminders.tasks.sweep", ignore_result=True)
def sweep() -> dict[str, int]:
    """Beat runs this every few minutes; it decides from the data what is due."""
    result = committed(services.sweep)
    health.record_sweep()
    summary = {
        "candidates": result.candidates,
        "created": result.created,
        "queued": len(result.queued),
        "requeued": result.requeued,
        "digests": len(result.digests),
        "missed": len(result.missed),
        "stuck": result.stuck,
        "uncertain": result.uncertain,
        "briefings": len(result.briefings),
        "recorded": result.recorded,
    }
    if (result.created or result.digests or result.missed or result.stuck or result.requeued or result.briefings
            or result.recorded):
        log.info("reminder sweep: %s", summary)
    warn_uncertain("reminder sweep", result.uncertain)
    return summary
