"""What every call to a service outside the tracker shares (GOV.UK's APIs and assets, the
Committees API, feeds): a polite pace, and a client's session, timeouts and retries."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests


class RateLimiter:
    """At most ``per_second`` calls, spaced evenly (GOV.UK asks for politeness)."""

    def __init__(self, per_second: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.sleep = sleep
        self._next = 0.0

    def wait(self) -> None:
        now = time.monotonic()
        if now < self._next:
            self.sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


class PoliteClient:
    """A client of one outside service: a session with our User-Agent and ``headers``, the polite
    pace, timeouts, how often to try again and how long to wait between tries, and a count of the
    requests made (the import runs record it)."""

    def __init__(self, *, user_agent: str, headers: dict[str, str], per_second: float,
                 timeout: tuple[float, float], max_retries: int, backoff: float,
                 sleep: Callable[[float], None]) -> None:
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.sleep = sleep
        self.limiter = RateLimiter(per_second, sleep)
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": user_agent, **headers})
        self.requests_made = 0
