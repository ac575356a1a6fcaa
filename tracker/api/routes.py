"""Views of the api feature."""

from tracker.api import bp  # noqa: F401
