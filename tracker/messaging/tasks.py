"""Messaging's Celery tasks: thin, take ids, safe to run twice (delivery.py decides)."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from flask import Flask

from tracker.celery import add_periodic, committed
from tracker.messaging import delivery, recovery
from tracker.timeutil import utcnow

log = logging.getLogger(__name__)


def warn_uncertain(what: str, uncertain: int) -> None:
    if uncertain:
        log.warning("%s: the workers of %d sends stopped after they had started handing the message to the mail "
                    "server; they are listed for coordinators as 'may not have been delivered'", what, uncertain)


@shared_task(name="tracker.messaging.tasks.recover", ignore_result=True)
def recover() -> dict[str, int]:
    """Beat runs this every REMINDER_RECOVER_SECONDS, more often than the sweep: a send whose worker
    stopped goes back in the queue soon after its lease runs out (recovery.py)."""
    out = committed(lambda: recovery.recover(utcnow()))
    summary = {
        "recorded": out.recorded,
        "retried": len(out.retried) + out.digests_retried,
        "gave_up": out.gave_up,
        "uncertain": out.uncertain + out.digests_uncertain,
        "requeued": out.requeued + out.digests_requeued,
    }
    if any(summary.values()):
        log.info("message recovery: %s", summary)
    warn_uncertain("message recovery", summary["uncertain"])
    return summary


def schedule(app: Flask) -> None:
    """Messaging's beat entry: the recovery of cut-off sends, every REMINDER_RECOVER_SECONDS; a run
    not started by the next one is dropped."""
    every = app.config["REMINDER_RECOVER_SECONDS"]
    add_periodic(app, "messaging-recover", recover.name, every, expires=every)


@shared_task(name="tracker.messaging.tasks.send_message", bind=True, ignore_result=True, max_retries=None)
def send_message(self: Task, message_id: int) -> str:
    outcome = delivery.deliver(message_id)
    if outcome.status == "retry":
        log.warning("message %s: transient failure, retrying in %.0fs: %s", message_id, outcome.delay,
                    outcome.reason)
        raise self.retry(countdown=outcome.delay)
    if outcome.status in ("failed", "uncertain", "unrecorded"):
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
    if outcome.status in ("failed", "uncertain", "unrecorded"):
        log.error("digest %s %s: %s", run_id, outcome.status, outcome.reason)
    return outcome.status
