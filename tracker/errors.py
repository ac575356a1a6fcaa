"""Domain errors raised by services; views show them on the form field they name, or as 403/404/409."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the tracker was broken; the message is shown to the user, on ``field`` if given."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    status_code = 403


class InvalidTransition(DomainError):
    status_code = 409


class NotFound(DomainError):
    status_code = 404
