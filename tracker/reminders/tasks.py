"""Celery tasks of the reminders feature: thin, take ids, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

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
    summary = {
        "candidates": result.candidates,
        "created": result.created,
        "queued": len(result.queued),
        "requeued": result.requeued,
        "digests": len(result.digests),
        "missed": len(result.missed),
        "stuck": result.stuck,
    }
    if result.created or result.digests or result.missed or result.stuck:
        log.info("reminder sweep: %s", summary)
    return summary


@shared_task(name="tracker.reminders.tasks.send_reminder", bind=True, ignore_result=True, max_retries=None)
def send_reminder(self, reminder_id: int) -> str:  # type: ignore[no-untyped-def]
    outcome = delivery.deliver(reminder_id)
    if outcome.status == "retry":
        log.warning("reminder %s: transient failure, retrying in %.0fs: %s", reminder_id, outcome.delay,
                    outcome.reason)
        raise self.retry(countdown=outcome.delay)
    if outcome.status == "failed":
        log.error("reminder %s failed: %s", reminder_id, outcome.reason)
    return outcome.status


@shared_task(name="tracker.reminders.tasks.send_batch", ignore_result=True)
def send_batch(reminder_ids: list[int]) -> dict[str, int]:
    """Several immediate reminders in one task; each is claimed and sent on its own, and
    one that meets a transient fault is handed to send_reminder to retry with backoff."""
    counts: dict[str, int] = {}
    for reminder_id in reminder_ids:
        outcome = delivery.deliver(int(reminder_id))
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        if outcome.status == "retry":
            send_reminder.apply_async((reminder_id,), countdown=outcome.delay)
        elif outcome.status == "failed":
            log.error("reminder %s failed: %s", reminder_id, outcome.reason)
    return counts


@shared_task(name="tracker.reminders.tasks.send_digest", bind=True, ignore_result=True, max_retries=None)
def send_digest(self, run_id: int) -> str:  # type: ignore[no-untyped-def]
    outcome = delivery.deliver_digest(run_id)
    if outcome.status == "retry":
        log.warning("digest %s: transient failure, retrying in %.0fs: %s", run_id, outcome.delay, outcome.reason)
        raise self.retry(countdown=outcome.delay)
    return outcome.status
