"""What every call to a service outside the tracker shares (GOV.UK's APIs and assets, the
Committees API): a polite pace."""

from __future__ import annotations

import time
from collections.abc import Callable


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
