"""Domain errors raised by services; views turn them into flashes, 403s or 400s."""


class DomainError(Exception):
    """A rule of the tracker was broken; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    status_code = 403


class InvalidTransition(DomainError):
    status_code = 409


class NotFound(DomainError):
    status_code = 404
