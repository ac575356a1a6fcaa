"""Celery, per Flask's "Background Tasks with Celery" pattern.

The reminders feature owns this module; other features add their periodic
tasks to ``beat_schedule()``.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask


def beat_schedule(app: Flask) -> dict[str, dict[str, Any]]:
    return {
        "reminders-sweep": {
            "task": "tracker.reminders.tasks.sweep",
            "schedule": float(app.config["REMINDER_SWEEP_SECONDS"]),
        },
        "intake-import-govuk": {
            "task": "tracker.intake.tasks.import_govuk",
            "schedule": float(app.config["GOVUK_IMPORT_SECONDS"]),
        },
    }


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(
        {
            "broker_url": app.config["REDIS_URL"] or "memory://",
            "task_ignore_result": True,
            "task_serializer": "json",
            "accept_content": ["json"],
            "beat_schedule": beat_schedule(app),
            "imports": ["tracker.reminders.tasks", "tracker.intake.tasks"],
        }
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
