"""Views of the reminders feature."""

from tracker.reminders import bp  # noqa: F401
