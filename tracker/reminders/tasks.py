"""Celery tasks of the reminders feature: thin, take ids, safe to run twice."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from tracker import health
from tracker.extensions import db
from tracker.reminders import delivery, recovery, services
from tracker.timeutil import utcnow

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
        "recorded": result.recorded,
    }
    if (result.created or result.digests or result.missed or result.stuck or result.requeued or result.briefings
            or result.recorded):
        log.info("reminder sweep: %s", summary)
    _warn_uncertain("reminder sweep", result.uncertain)
    return summary


def _warn_uncertain(what: str, uncertain: int) -> None:
    if uncertain:
        log.warning("%s: the workers of %d sends stopped after they had started handing the message to the mail "
                    "server; they are listed for coordinators as 'may not have been delivered'", what, uncertain)


@shared_task(name="tracker.reminders.tasks.recover", ignore_result=True)
def recover() -> dict[str, int]:
    """Beat runs this every REMINDER_RECOVER_SECONDS, more often than the sweep: a send whose worker
    stopped goes back in the queue soon after its lease runs out (recovery.py)."""
    try:
        out = recovery.recover(utcnow())
        db.session.commit()  # the outbox queues the sends after this commit
    except Exception:
        db.session.rollback()
        raise
    summary = {
        "recorded": out.recorded,
        "retried": len(out.retried) + out.digests_retried,
        "gave_up": out.gave_up,
        "uncertain": out.uncertain + out.digests_uncertain,
        "requeued": out.requeued + out.digests_requeued,
    }
    if any(summary.values()):
        log.info("reminder recovery: %s", summary)
    _warn_uncertain("reminder recovery", summary["uncertain"])
    return summary


@shared_task(name="tracker.reminders.tasks.send_reminder", bind=True, ignore_result=True, max_retries=None)
def send_reminder(self: Task, reminder_id: int) -> str:
    outcome = delivery.deliver(reminder_id)
    if outcome.status == "retry":
        log.warning("reminder %s: transient failure, retrying in %.0fs: %s", reminder_id, outcome.delay,
                    outcome.reason)
        raise self.retry(countdown=outcome.delay)
    if outcome.status in ("failed", "uncertain", "unrecorded"):
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
    if outcome.status in ("failed", "uncertain", "unrecorded"):
        log.error("digest %s %s: %s", run_id, outcome.status, outcome.reason)
    return outcome.status
