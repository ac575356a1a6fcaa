"""Celery tasks of the reminders feature."""
