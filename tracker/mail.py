"""Email backends: SMTP in production, .eml files under instance/mail/ in development.

Faults are sorted into transient (try again later) and permanent (give up) so
that the send task knows whether to retry.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


class MailError(Exception):
    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def build_message(*, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="keycities.invalid")
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send(msg: EmailMessage) -> None:
    """Send with the configured backend; raises MailError."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(msg)
    elif backend == "file":
        _send_file(msg)
    else:
        raise MailError(f"Unknown MAIL_BACKEND {backend!r} (use smtp or file)", transient=False)


def _send_file(msg: EmailMessage) -> None:
    folder = Path(current_app.config["INSTANCE_DIR"]) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{formatdate(localtime=False)[5:25].replace(' ', '-').replace(':', '')}-{uuid.uuid4().hex[:8]}.eml"
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(bytes(msg))
    tmp.rename(folder / name)  # readers never see half a file


def _send_smtp(msg: EmailMessage) -> None:
    cfg = current_app.config
    host, port, timeout = cfg["MAIL_SMTP_HOST"], cfg["MAIL_SMTP_PORT"], cfg["MAIL_SMTP_TIMEOUT"]
    try:
        if cfg["MAIL_SMTP_SSL"]:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if cfg["MAIL_SMTP_STARTTLS"] and not cfg["MAIL_SMTP_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if cfg["MAIL_SMTP_USERNAME"]:
                smtp.login(cfg["MAIL_SMTP_USERNAME"], cfg["MAIL_SMTP_PASSWORD"])
            refused = smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{addr}: {code} {resp.decode(errors='replace')}" for addr, (code, resp) in exc.recipients.items())
        raise MailError(f"Recipient refused: {text}", transient=all(400 <= c < 500 for c in codes)) from exc
    except smtplib.SMTPResponseException as exc:
        reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise MailError(f"SMTP {exc.smtp_code} {reply}", transient=400 <= exc.smtp_code < 500) from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise MailError(f"SMTP server disconnected: {exc}", transient=True) from exc
    except TimeoutError as exc:
        raise MailError(f"SMTP timed out after {timeout}s: {exc}", transient=True) from exc
    except ssl.SSLError as exc:
        raise MailError(f"TLS error: {exc}", transient=False) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"SMTP server does not support this: {exc}", transient=False) from exc
    except (ConnectionError, OSError) as exc:
        # Refused, reset, unreachable: the server may come back.
        raise MailError(f"Cannot reach SMTP server {host}:{port}: {exc}", transient=True) from exc
    except smtplib.SMTPException as exc:
        raise MailError(f"SMTP error: {exc}", transient=True) from exc
    if refused:
        # Partial refusal with one recipient per message means it was refused.
        raise MailError(f"Recipient refused: {refused}", transient=False)
