"""What the mail server accepted, kept outside the database until the database has it.

As soon as the server has answered a message with "accepted", the sending worker writes a
receipt to Redis, and only then records "sent" in the database. If the database cannot be
reached the worker keeps trying; if the worker dies too, the receipt survives it. The
recovery run (recovery.py) reads the receipts before it decides that an abandoned send
"may not have been delivered", and records those as sent instead: an accepted email is
never listed for a resend, and never sent twice by itself.

A receipt names its attempt (the claim token), so it can only ever settle that attempt.
It is removed once the database has the fact. All receipts live in one hash, so reading
them costs one round trip whatever the number of rows.

Without REDIS_URL (the in-memory broker of tests and `flask shell`) there are no receipts.
A Redis that does not answer is logged, and the send goes on: the worker still holds the
fact in memory and keeps trying the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import redis

from tracker.health import redis_client

log = logging.getLogger(__name__)

KEY = "kc:mail:accepted"

# Remove a receipt only if it is still the one we read (a later attempt's stays).
_FORGET = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
"""


@dataclass(frozen=True)
class Receipt:
    table: str  # "message" or "digest_run"
    row_id: int
    token: str
    sent_at: datetime

    @property
    def field(self) -> str:
        return f"{self.table}:{self.row_id}"

    @property
    def value(self) -> str:
        return f"{self.token} {self.sent_at.isoformat()}"


def keep(receipt: Receipt) -> bool:
    """Write the receipt; False when there is no Redis, or it did not answer."""
    client = redis_client()
    if client is None:
        return False
    try:
        client.hset(KEY, receipt.field, receipt.value)
    except redis.RedisError as exc:
        log.warning("%s %s was accepted by the mail server; its receipt could not be written to Redis (%s)",
                    receipt.table, receipt.row_id, exc)
        return False
    return True


def forget(receipt: Receipt) -> None:
    client = redis_client()
    if client is None:
        return
    try:
        client.eval(_FORGET, 1, KEY, receipt.field, receipt.value)
    except redis.RedisError as exc:  # a receipt left behind is only read and removed again later
        log.warning("could not remove the receipt of %s %s (%s)", receipt.table, receipt.row_id, exc)


def waiting() -> list[Receipt] | None:
    """Every receipt not yet removed; None when Redis is configured but cannot be read (then an
    accepted send cannot be told from an abandoned one)."""
    client = redis_client()
    if client is None:
        return []
    try:
        raw = client.hgetall(KEY)
    except redis.RedisError as exc:
        log.warning("could not read the mail server's receipts from Redis (%s)", exc)
        return None
    found = []
    for field, value in raw.items():
        try:
            table, _, row_id = _text(field).partition(":")
            token, _, stamp = _text(value).partition(" ")
            found.append(Receipt(table, int(row_id), token, datetime.fromisoformat(stamp)))
        except ValueError:  # UnicodeDecodeError is one
            log.warning("removing an unreadable receipt %r: %r", field, value)
            try:
                client.hdel(KEY, field)
            except redis.RedisError:
                pass  # tried again at the next read
    return found


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw
