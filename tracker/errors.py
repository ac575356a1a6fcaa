"""Domain errors raised by services; views turn them into form errors, flashes, 403s or 409s.

``field`` names the form field a refusal is about, so a view puts the message on that
field (and the error summary links to it) instead of guessing from the message's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class DomainError(Exception):
    """A rule of the tracker was broken; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def one_line(value: str, *, field: str, missing: str, limit: int, too_long: str) -> str:
    """Typed text as one line (runs of spaces made one), or a refusal on its field when it is
    empty or longer than ``limit``."""
    text = " ".join(value.split())
    if not text:
        raise DomainError(missing, field=field)
    if len(text) > limit:
        raise DomainError(too_long, field=field)
    return text


class NotAllowed(DomainError):
    status_code = 403


# The name the services used first; the same kind.
PermissionDenied = NotAllowed


class InvalidTransition(DomainError):
    status_code = 409


class NotFound(DomainError):
    status_code = 404


class AlreadyThere(DomainError):
    """What was entered names something the tracker already has (``existing_id``): the page
    offers a link to it instead of a second copy."""

    def __init__(self, message: str, field: str | None = None, *, existing_id: int) -> None:
        super().__init__(message, field)
        self.existing_id = existing_id


@dataclass(frozen=True)
class Change:
    """One change someone else made since the page was drawn: who, when, what."""

    who: str
    when: datetime
    what: str


class Stale(DomainError):
    """The page was made on an older version of the row than the one there now.

    Nothing was changed. ``changes`` says what happened since (from the activity log),
    ``version`` is the version now, so the view can redraw the form on top of it with
    the user's input kept: submitting again is then a deliberate choice.
    """

    status_code = 409

    def __init__(self, message: str, *, changes: list[Change] | None = None, version: int | None = None) -> None:
        super().__init__(message)
        self.changes = list(changes or [])
        self.version = version
