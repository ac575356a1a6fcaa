"""The alerts scan as a Celery task: queued after a commit that made alerts due (hooks.py); safe to
run twice, each alert having its key."""

from __future__ import annotations

from celery import shared_task

from tracker.alerts import scan as scanning
from tracker.celery import committed


@shared_task(name="tracker.alerts.tasks.scan", ignore_result=True)
def scan() -> int:
    return committed(scanning.plan)
