"""Entry point for gunicorn, the flask CLI and Celery."""

from tracker import create_app

app = create_app()
celery_app = app.extensions["celery"]
