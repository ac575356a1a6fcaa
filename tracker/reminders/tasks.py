"""Celery tasks of the reminders feature: thin, take ids, safe to run twice."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from tracker import health
from tracker.extensions import db
from tracker.reminders import delivery, services

log = logging.getLogger(__name__)


@shared_task(name="tracker.reminders.tasks.sweep", ignore_result=True)
def sweep() -> dict[str, int]:
    """Beat runs this every few minutes; it decides from the data what is due."""
    try:
        result = services.sweep()
        db.session.commit()  # the outbox queues the sends after this commit
    except Exception:
        db.session.rollback()
        raise
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
    }
    if result.created or result.digests or result.missed or result.stuck or result.requeued or result.briefings:
        log.info("reminder sweep: %s", summary)
    if result.uncertain:
        log.warning("reminder sweep: %d sends were cut off while the mail server received them; "
                    "they are listed for coordinators as 'may not have been delivered'", result.uncertain)
    return summary


@shared_task(name="tracker.reminders.tasks.send_reminder", bind=True, ignore_result=True, max_retries=None)
def send_reminder(self: Task, reminder_id: int) -> str:
    outcome = delivery.deliver(reminder_id)
    if outcome.status == "retry":
        log.warning("reminder %s: transient failure, retrying in %.0fs: %s", reminder_id, outcome.delay,
                    outcome.reason)
        raise self.retry(countdown=outcome.delay)
    if outcome.status in ("failed", "uncertain"):
        log.error("reminder %s %s: %s", reminder_id, outcome.status, outcome.reason)
    return outcome.status


@shared_task(name="tracker.reminders.tasks.send_batch", ignore_result=True)
def send_batch(reminder_ids: list[int]) -> int:
    """Fan a batch out into one send task each, so that one slow or stuck send holds up only
    itself (the sweep publishes batches because publishing one message per row is slow)."""
    task = send_reminder
    with task.app.producer_or_acquire() as producer:
        for reminder_id in reminder_ids:
            task.apply_async((int(reminder_id),), producer=producer)
    return len(reminder_ids)


@shared_task(name="tracker.reminders.tasks.send_digest", bind=True, ignore_result=True, max_retries=None)
def send_digest(self: Task, run_id: int) -> str:
    outcome = delivery.deliver_digest(run_id)
    if outcome.status == "retry":
        log.warning("digest %s: transient failure, retrying in %.0fs: %s", run_id, outcome.delay, outcome.reason)
        raise self.retry(countdown=outcome.delay)
    if outcome.status in ("failed", "uncertain"):
        log.error("digest %s %s: %s", run_id, outcome.status, outcome.reason)
    return outcome.status
