"""Celery tasks of the intake feature."""
