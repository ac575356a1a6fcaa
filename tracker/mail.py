"""Email backends: SMTP or GOV.UK Notify (govuk_notify.py) in production, .eml files under
instance/mail/ in development.

Faults are sorted into three kinds so that the sender knows what to do:

- transient: the server did not take the message and may later (try again);
- permanent: it did not take it and never will (give up, say why);
- uncertain: the whole message, with its end marker, went to the server, and the
  connection broke before the server answered, so it may or may not have it. Sending
  again could make a duplicate and not sending could lose it: a person decides (the
  coordinators' "may not have been delivered" list).

A break before the end marker went (the server had not said to go ahead, or the message
was still being written) is transient: a server takes a message only once it has read
its end (RFC 5321, 4.1.1.4), and a failed write means the end was never written.

``send(msg, before_data=...)`` calls ``before_data`` once the server has accepted the
sender and recipient and just before the message itself goes: after that moment a
worker that stops cannot tell what the server has. The caller records that stage there,
and may raise to abandon the send (it lost its claim); the server then never gets it.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from tracker import govuk_notify

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class MailError(Exception):
    def __init__(self, message: str, *, transient: bool, uncertain: bool = False) -> None:
        super().__init__(message)
        self.transient = transient and not uncertain
        self.uncertain = uncertain


def header_text(value: str, limit: int = 300) -> str:
    """One line of header text: line breaks and other control characters become spaces.

    A title pasted from a document may hold CR/LF; in a header that is either refused
    or, worse, a header injection.
    """
    cleaned = "".join(" " if (ord(ch) < 32 or ord(ch) == 127) else ch for ch in value)
    return " ".join(cleaned.split())[:limit]


class Email(EmailMessage):
    """An email and what GOV.UK Notify needs to send it from a template: the kinds whose template
    it takes (its own first), the personalisation and a reference (the message's key)."""

    notify_kinds: tuple[str, ...] = ("message",)
    personalisation: dict[str, str] = {}  # noqa: RUF012 - replaced per email, never changed in place
    reference: str = ""


def build_message(*, to: str, subject: str, text: str, html: str | None = None, notify_kinds: tuple[str, ...] = (),
                  personalisation: dict[str, str] | None = None, reference: str = "") -> Email:
    """Raises a permanent MailError for a header the email library refuses (it will never pass).
    ``personalisation`` gets the subject and text as ``subject`` and ``body`` too."""
    msg = Email()
    msg.notify_kinds = (*notify_kinds, "message")
    msg.personalisation = {"subject": header_text(subject), "body": text, **(personalisation or {})}
    msg.reference = reference
    try:
        msg["From"] = current_app.config["MAIL_FROM"]
        msg["To"] = to
        msg["Subject"] = header_text(subject)
    except (ValueError, TypeError, IndexError) as exc:
        raise MailError(f"The email cannot be built: bad header ({exc})", transient=False) from exc
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="keycities.invalid")
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send(msg: EmailMessage, *, before_data: Callable[[], None] | None = None) -> None:
    """Send with the configured backend; raises MailError."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(msg, before_data)
    elif backend == "notify":
        email = msg if isinstance(msg, Email) else Email()
        try:
            govuk_notify.send(to=str(msg["To"]), kinds=email.notify_kinds, personalisation=email.personalisation,
                              reference=email.reference, before_data=before_data)
        except govuk_notify.NotifyError as exc:
            raise MailError(str(exc), transient=exc.transient, uncertain=exc.uncertain) from exc
    elif backend == "file":
        if before_data is not None:
            before_data()
        _send_file(msg)
    else:
        raise MailError(f"Unknown MAIL_BACKEND {backend!r} (use smtp, notify or file)", transient=False)


def _send_file(msg: EmailMessage) -> None:
    folder = Path(current_app.config["INSTANCE_DIR"]) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{formatdate(localtime=False)[5:25].replace(' ', '-').replace(':', '')}-{uuid.uuid4().hex[:8]}.eml"
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(bytes(msg))
    tmp.rename(folder / name)  # readers never see half a file


# How far the message got (_SMTP.handover): the server was asked to take it (DATA), it said to
# go ahead (354) and the message was being written, or all of it and its end marker were written.
ASKED, WRITING, WRITTEN = "asked", "writing", "written"


class _SMTP(smtplib.SMTP):
    """smtplib's sendmail() sends MAIL and RCPT, then calls data(): the hook runs in between.

    data() sends DATA, reads the go-ahead, writes the message and its end marker in one
    send(), then reads the answer: send() and getreply() follow how far it got."""

    before_data: Callable[[], None] | None = None
    handover: str | None = None

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        if self.before_data is not None:
            self.before_data()
        self.handover = ASKED
        return super().data(msg)

    def getreply(self) -> tuple[int, bytes]:
        reply = super().getreply()
        if self.handover == ASKED and reply[0] == 354:
            self.handover = WRITING
        return reply

    def send(self, s: ReadableBuffer | str) -> None:
        super().send(s)
        if self.handover == WRITING:
            self.handover = WRITTEN


class _SMTPSSL(_SMTP, smtplib.SMTP_SSL):
    pass


def _send_smtp(msg: EmailMessage, before_data: Callable[[], None] | None) -> None:
    cfg = current_app.config
    host, port, timeout = cfg["MAIL_SMTP_HOST"], cfg["MAIL_SMTP_PORT"], cfg["MAIL_SMTP_TIMEOUT"]
    smtp: _SMTP | _SMTPSSL | None = None
    try:
        if cfg["MAIL_SMTP_SSL"]:
            smtp = _SMTPSSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = _SMTP(host, port, timeout=timeout)
        smtp.before_data = before_data
        if cfg["MAIL_SMTP_STARTTLS"] and not cfg["MAIL_SMTP_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["MAIL_SMTP_USERNAME"]:
            smtp.login(cfg["MAIL_SMTP_USERNAME"], cfg["MAIL_SMTP_PASSWORD"])
        refused = smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        _close(smtp)
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{addr}: {code} {resp.decode(errors='replace')}" for addr, (code, resp) in exc.recipients.items())
        raise MailError(f"Recipient refused: {text}", transient=all(400 <= c < 500 for c in codes)) from exc
    except smtplib.SMTPResponseException as exc:
        # A reply, even to the end of the message (SMTPDataError), is a clear "not taken".
        _close(smtp)
        reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise MailError(f"SMTP {exc.smtp_code} {reply}", transient=400 <= exc.smtp_code < 500) from exc
    except smtplib.SMTPNotSupportedError as exc:
        _close(smtp)
        raise MailError(f"SMTP server does not support this: {exc}", transient=False) from exc
    except OSError as exc:
        # Timeouts, resets, disconnects and the remaining SMTP faults (all OSErrors) before any reply.
        _close(smtp)
        handover = smtp.handover if smtp is not None else None
        if handover == WRITTEN:
            raise MailError(
                f"The connection to the mail server {host}:{port} broke after the message was sent and before "
                f"the server answered ({_why(exc)}), so the server may or may not have it",
                transient=False, uncertain=True,
            ) from exc
        if handover == WRITING:
            raise MailError(
                f"The connection to the mail server {host}:{port} broke while the message was being sent, "
                f"before its end had gone ({_why(exc)}); a server keeps no part of a message", transient=True,
            ) from exc
        if handover == ASKED:
            raise MailError(
                f"The mail server {host}:{port} was asked to take the message and stopped answering before it "
                f"said to go ahead ({_why(exc)}); it was not sent", transient=True,
            ) from exc
        if isinstance(exc, ssl.SSLError):
            raise MailError(f"TLS error: {exc}", transient=False) from exc
        if isinstance(exc, smtplib.SMTPException) and not isinstance(exc, smtplib.SMTPServerDisconnected):
            raise MailError(f"SMTP error: {exc}", transient=True) from exc
        if smtp is None:
            raise MailError(f"Cannot reach SMTP server {host}:{port}: {_why(exc)}", transient=True) from exc
        raise MailError(f"The mail server {host}:{port} stopped answering before it had the message "
                        f"({_why(exc)})", transient=True) from exc
    except UnicodeError as exc:
        _close(smtp)
        raise MailError(f"The address cannot be sent by this server: {exc}", transient=False) from exc
    except BaseException:
        _close(smtp)  # the caller abandoned the send (before_data raised): no QUIT wait, just hang up
        raise
    # The server has answered the message: the outcome is known whatever happens to the goodbye.
    try:
        smtp.quit()
    except OSError:
        smtp.close()
    if refused:
        # Partial refusal with one recipient per message means it was refused.
        raise MailError(f"Recipient refused: {refused}", transient=False)


def _why(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, OSError):
        exc = exc.__context__  # smtplib's "Server not connected" hides the socket's own error
    # smtplib reports a reply that never came as "Connection unexpectedly closed: timed out".
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return f"no answer within {current_app.config['MAIL_SMTP_TIMEOUT']}s"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        smtp.close()
