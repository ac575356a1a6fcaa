"""Reminders fixtures: a real SMTP server (aiosmtpd) on a free localhost port, and
helpers that run the queued sends the way a worker would."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from flask import Flask

from tracker.celery import celery_init_app  # noqa: F401 - app already has it

if TYPE_CHECKING:
    from tests.reminders.processes import RedisServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    """What the SMTP server received; ``fail_next`` makes it answer DATA with an error.

    ``stall_rcpt`` / ``stall_data`` hold delays (seconds) for the next RCPT / DATA
    answers: a server that stalls before it has the message, or after it has received
    all of it but before it says so. ``release`` ends every stall at once; ``stalled``
    is set while one is under way.

    ``hang_up`` makes the next DATA sessions hang up: "asked" on the DATA command, before
    the go-ahead; "writing" right after the go-ahead, while the message is being written.
    ``on_received`` runs once per message, in order, when it has been received in full and
    before the server answers (e.g. to make the database unreachable at that moment).
    """

    messages: list[Message] = field(default_factory=list)
    fail_next: list[str] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stall_rcpt: list[float] = field(default_factory=list)
    stall_data: list[float] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    stalled: threading.Event = field(default_factory=threading.Event)
    hang_up: list[str] = field(default_factory=list)
    on_received: list[Callable[[], None]] = field(default_factory=list)

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.fail_next.clear()
            self.stall_rcpt.clear()
            self.stall_data.clear()
            self.hang_up.clear()
            self.on_received.clear()
            self.attempts = 0
        self.release.clear()
        self.stalled.clear()

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def _stall(self, delays: list[float]) -> None:
        with self.inbox.lock:
            delay = delays.pop(0) if delays else 0.0
        if not delay:
            return
        self.inbox.stalled.set()
        loop = asyncio.get_running_loop()
        until = loop.time() + delay
        while loop.time() < until and not self.inbox.release.is_set():
            await asyncio.sleep(0.02)
        self.inbox.stalled.clear()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        await self._stall(self.inbox.stall_rcpt)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self.inbox.lock:
            self.inbox.attempts += 1
            if self.inbox.fail_next:
                return self.inbox.fail_next.pop(0)
            # Received in full: whatever happens to the answer, the server has it.
            self.inbox.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            then = self.inbox.on_received.pop(0) if self.inbox.on_received else None
        if then is not None:
            then()
        await self._stall(self.inbox.stall_data)
        return "250 Message accepted for delivery"


class _SMTP(SMTP):
    """aiosmtpd's server, hanging up at the DATA command when the inbox says so."""

    def __init__(self, handler: _Handler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.inbox = handler.inbox

    async def smtp_DATA(self, arg: str) -> None:
        with self.inbox.lock:
            hang_up = self.inbox.hang_up.pop(0) if self.inbox.hang_up else None
        if hang_up == "writing":
            await self.push("354 End data with <CR><LF>.<CR><LF>")
        if hang_up is not None and self.transport is not None:
            self.transport.close()
            return
        await super().smtp_DATA(arg)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _SMTP(self.handler, **self.SMTP_kwargs)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = _Controller(_Handler(inbox), hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def smtp(app: Flask, smtp_server: tuple[Inbox, int]) -> Iterator[Inbox]:
    inbox, port = smtp_server
    inbox.reset()
    saved = {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_SMTP_HOST", "MAIL_SMTP_PORT", "MAIL_SMTP_TIMEOUT")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port, MAIL_SMTP_TIMEOUT=5)
    yield inbox
    inbox.release.set()  # a stalled session must not hold up the next test
    app.config.update(saved)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own, on a free port: stopping it touches nothing shared."""
    from tests.reminders.processes import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _our_celery_app(app: Flask) -> None:
    """Tasks resolve to the current Celery app: make it the test app's (another test may
    have built an app of its own, and create_app() makes its Celery app the default)."""
    celery = app.extensions["celery"]
    celery.set_default()
    celery.set_current()


@pytest.fixture
def eager(app: Flask) -> Iterator[None]:
    """Run queued tasks in-process (the send tasks queued after commit run at once).

    Not propagating: Celery only re-runs a retried eager task when it does not
    re-raise; the tests assert on the rows and the mailbox instead.
    """
    conf = app.extensions["celery"].conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, False
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved
