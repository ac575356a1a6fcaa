"""Celery tasks of the reminders feature: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="tracker.reminders.tasks.send_reminder", bind=True, max_retries=None)
def send_reminder(self, reminder_id: int) -> str:  # type: ignore[no-untyped-def]
    return "not-yet"
