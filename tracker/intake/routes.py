"""Views of the intake feature."""

from tracker.intake import bp  # noqa: F401
