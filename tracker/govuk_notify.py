"""GOV.UK Notify as the mail backend (MAIL_BACKEND=notify): POST /v2/notifications/email with the
template of the email's kind, its personalisation (the same subject, text and facts the SMTP email
is written from) and its reference (the message's key), through notifications-python-client.

Faults are sorted as mail.py sorts SMTP's:

- permanent: 400 (a bad request: a team-only key's recipient, a missing personalisation field) and
  403 (the key is refused), and other 4xx, with Notify's own reason;
- transient: 429 (the rate limit) and 5xx, and a connection that never opened: retried with the
  sender's backoff;
- uncertain: the request went and no answer came (a read timeout, the connection broken after the
  request was written): Notify may have the email, so a person decides ("may not have been delivered").

``before_data`` runs just before the request goes, as for SMTP before the message itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping

import requests
from flask import current_app
from notifications_python_client.errors import HTTPError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient
from urllib3.exceptions import NewConnectionError

log = logging.getLogger(__name__)

# The kinds every installation that sends through Notify needs a template for.
NEEDED = ("message", "digest", "briefing", "invitation")


def template_ids(setting: str) -> dict[str, str]:
    """NOTIFY_TEMPLATE_IDS ("kind=template-id,...") as a mapping."""
    found: dict[str, str] = {}
    for pair in setting.split(","):
        kind, _, template = pair.partition("=")
        if kind.strip() and template.strip():
            found[kind.strip().lower()] = template.strip()
    return found


def settings_problem(api_key: str, setting: str) -> str | None:
    """Why these settings cannot send through Notify (production refuses to start); None if they can."""
    if len(api_key) < 74:
        return "NOTIFY_API_KEY is not set to a GOV.UK Notify API key"
    missing = [k for k in NEEDED if k not in template_ids(setting)]
    if missing:
        return f"NOTIFY_TEMPLATE_IDS has no template for {', '.join(missing)}"
    return None


class NotifyError(Exception):
    """A failed send, sorted as mail.MailError sorts them (mail.py turns one into the other)."""

    def __init__(self, message: str, *, transient: bool, uncertain: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.uncertain = uncertain


def _error(text: str, *, transient: bool, uncertain: bool = False) -> NotifyError:
    return NotifyError(text, transient=transient, uncertain=uncertain)


def _reasons(exc: HTTPError) -> str:
    said = exc.message
    if isinstance(said, list):
        return "; ".join(str(e.get("message") or e.get("error") or e) if isinstance(e, dict) else str(e)
                         for e in said)
    return str(said)


def _sorted(exc: HTTPError, base_url: str, timeout: float) -> NotifyError:
    """What a failed request means for the sender."""
    if exc.response is not None:
        status = exc.response.status_code
        reasons = _reasons(exc)
        if status == 429:
            return _error(f"GOV.UK Notify is limiting the rate of sending (429): {reasons}", transient=True)
        if status >= 500:
            return _error(f"GOV.UK Notify had a fault ({status}): {reasons}", transient=True)
        if status == 403:
            return _error(f"GOV.UK Notify refused the API key (403): {reasons}", transient=False)
        return _error(f"GOV.UK Notify refused the email ({status}): {reasons}", transient=False)
    cause = exc.__cause__
    if isinstance(cause, requests.ConnectTimeout):
        return _error(f"Cannot reach GOV.UK Notify at {base_url}: no connection within {timeout:g}s", transient=True)
    if isinstance(cause, requests.ReadTimeout):
        return _error(f"The request to GOV.UK Notify was sent and no answer came within {timeout:g}s, so it may or "
                      "may not have the email", transient=False, uncertain=True)
    if isinstance(cause, requests.ConnectionError):
        reason = getattr(cause.args[0], "reason", None) if cause.args else None
        if isinstance(reason, NewConnectionError):
            return _error(f"Cannot reach GOV.UK Notify at {base_url}: {reason}", transient=True)
        return _error(f"The connection to GOV.UK Notify broke before it answered ({cause}), so it may or may not "
                      "have the email", transient=False, uncertain=True)
    return _error(f"The request to GOV.UK Notify could not be made: {cause or exc}", transient=False)


def send(*, to: str, kinds: Iterable[str], personalisation: Mapping[str, str], reference: str,
         before_data: Callable[[], None] | None) -> str:
    """Send one email; returns Notify's id for it. Raises NotifyError."""
    cfg = current_app.config
    templates = template_ids(cfg["NOTIFY_TEMPLATE_IDS"])
    wanted = list(kinds)
    template = next((templates[k] for k in wanted if k in templates), None)
    if template is None:
        raise _error(f"No GOV.UK Notify template for {wanted[0]!r} emails: add one to NOTIFY_TEMPLATE_IDS",
                     transient=False)
    base_url, timeout = cfg["NOTIFY_BASE_URL"], float(cfg["NOTIFY_TIMEOUT"])
    try:
        client = NotificationsAPIClient(cfg["NOTIFY_API_KEY"], base_url=base_url, timeout=timeout)
    except AssertionError as exc:
        raise _error("NOTIFY_API_KEY is not a GOV.UK Notify API key", transient=False) from exc
    if before_data is not None:
        before_data()
    try:
        answer = client.send_email_notification(
            email_address=to, template_id=template, personalisation=dict(personalisation), reference=reference[:1000])
    except InvalidResponse as exc:
        # A 2xx whose body could not be read: Notify has the email.
        log.warning("GOV.UK Notify accepted the email for %s but its answer could not be read: %s", reference, exc)
        return ""
    except HTTPError as exc:
        raise _sorted(exc, base_url, timeout) from exc
    return str((answer or {}).get("id", ""))
