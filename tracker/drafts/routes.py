"""Views of the drafts feature."""

from tracker.drafts import bp  # noqa: F401
