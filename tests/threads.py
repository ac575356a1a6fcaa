"""Running a function in several threads at the same instant, each with its own app context and
database session (so each has its own connection), for the tests of races."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import Flask

from tracker.extensions import db

T = TypeVar("T")


def at_once(app: Flask, fn: Callable[[], T], n: int, timeout: float = 60) -> list[T]:
    """``fn``'s results from ``n`` threads released together by a barrier; any exception in a
    thread fails the test."""
    barrier = threading.Barrier(n)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait()
                results.append(fn())
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not errors, errors
    return results
