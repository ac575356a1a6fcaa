"""A send's claim, renewed while the send is alive.

The claim's ``claimed_at`` is the worker's last sign of life. A thread of the sending
worker moves it on every REMINDER_SEND_HEARTBEAT_SECONDS for as long as the send runs,
however slow the mail server, so the lease (REMINDER_SEND_LEASE_SECONDS) can be short:
a dead worker's claim runs out soon, a live one's never does. Renewing only ever touches
the claim it was given (its token), and stops once that claim is gone (the sweep took it
back, or the attempt was settled); the fence in delivery.py still guards the message.

The thread uses a connection of its own and commits each renewal by itself. A renewal
that fails (the database is unreachable) is logged and tried again at the next beat.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db, rowcount
from tracker.models.messages import DigestRun, Message, State
from tracker.timeutil import utcnow

log = logging.getLogger(__name__)


def every() -> float:
    return float(current_app.config["REMINDER_SEND_HEARTBEAT_SECONDS"])


class Heartbeat:
    """``with Heartbeat(model, row_id, token):`` around the part of a send that takes time."""

    def __init__(self, model: type[Message] | type[DigestRun], row_id: int, token: str) -> None:
        self.app = current_app._get_current_object()  # type: ignore[attr-defined]
        self.model, self.row_id, self.token = model, row_id, token
        self.interval = every()
        self.renewals = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"claim-{model.__tablename__}-{row_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        # A renewal under way finishes first (it touches only a claim still "sending", so one that
        # lands after the attempt was settled changes nothing); one stuck on an unreachable database
        # is left to finish by itself.
        self._thread.join(timeout=self.interval)

    def _run(self) -> None:
        with self.app.app_context():
            failing = False
            while not self._stop.wait(self.interval):
                try:
                    with db.engine.begin() as conn:
                        renewed = rowcount(conn.execute(
                            update(self.model)
                            .where(self.model.id == self.row_id, self.model.claim_token == self.token,
                                   self.model.state == State.SENDING.value)
                            .values(claimed_at=utcnow())
                        ))
                except SQLAlchemyError as exc:
                    if not failing:
                        log.warning("%s %s: could not renew the claim of a send under way (%s); trying again",
                                    self.model.__tablename__, self.row_id, type(exc).__name__)
                    failing = True
                    continue
                failing = False
                if not renewed:
                    return  # settled, or taken back: nothing of ours left to renew
                self.renewals += 1
