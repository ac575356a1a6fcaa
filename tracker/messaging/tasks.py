"""Messaging's Celery tasks: thin, take ids, safe to run twice (delivery.py decides)."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from tracker.messaging import delivery

log = logging.getLogger(__name__)


@shared_task(name="tracker.messaging.tasks.send_message", bind=True, ignore_result=True, max_retries=None)
def send_message(self: Task, message_id: int) -> str:
    outcome = delivery.deliver(message_id)
    if outcome.status == "retry":
        log.warning("message %s: transient failure, retrying in %.0fs: %s", message_id, outcome.delay,
                    outcome.reason)
        raise self.retry(countdown=outcome.delay)
    if outcome.status in ("failed", "uncertain"):
        log.error("message %s %s: %s", message_id, outcome.status, outcome.reason)
    return outcome.status


@shared_task(name="tracker.messaging.tasks.send_batch", ignore_result=True)
def send_batch(message_ids: list[int]) -> int:
    """Fan a batch out into one send task each, so that one slow or stuck send holds up only
    itself (the sweep publishes batches because publishing one message per row is slow)."""
    task = send_message
    with task.app.producer_or_acquire() as producer:
        for message_id in message_ids:
            task.apply_async((int(message_id),), producer=producer)
    return len(message_ids)


@shared_task(name="tracker.messaging.tasks.send_digest", bind=True, ignore_result=True, max_retries=None)
def send_digest(self: Task, run_id: int) -> str:
    outcome = delivery.deliver_digest(run_id)
    if outcome.status == "retry":
        log.warning("digest %s: transient failure, retrying in %.0fs: %s", run_id, outcome.delay, outcome.reason)
        raise self.retry(countdown=outcome.delay)
    if outcome.status in ("failed", "uncertain"):
        log.error("digest %s %s: %s", run_id, outcome.status, outcome.reason)
    return outcome.status
