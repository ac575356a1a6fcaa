"""Celery, per Flask's "Background Tasks with Celery" pattern."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask


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
        }
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
