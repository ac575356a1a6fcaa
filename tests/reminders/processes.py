"""Real processes for the fault tests: a Celery worker, and a redis-server of the test's own
(on a free port, so that stopping it touches nothing shared)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest
import redis
from celery import Celery
from flask import Flask

from tests.reminders.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


# How long a process may take to reach a state (start, send, sweep) on a loaded machine, the suite's
# other workers busy beside it: a deadline for the test to give up, never a timing to meet.
PROCESS_DEADLINE = 240.0


def wait_for(condition: Callable[[], object], timeout: float = PROCESS_DEADLINE, what: str = "condition",
             detail: Callable[[], str] | None = None) -> None:
    """Poll until true; fails with ``what`` (a state to reach, not a timing to meet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}" + (f"\n{detail()}" if detail else ""))


class Worker:
    def __init__(self, app: Flask, redis_url: str, tmp_path: Path, **env: str) -> None:
        self.log_path = tmp_path / f"worker-{time.monotonic_ns()}.log"
        self.log: IO[str] = self.log_path.open("w+")
        environment = dict(
            os.environ,
            TRACKER_ENV="development",
            DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
            REDIS_URL=redis_url,
            MAIL_BACKEND="smtp",
            MAIL_SMTP_HOST="127.0.0.1",
            MAIL_SMTP_PORT=str(app.config["MAIL_SMTP_PORT"]),
            MAIL_SMTP_TIMEOUT=str(app.config["MAIL_SMTP_TIMEOUT"]),
            TRACKER_INSTANCE_DIR=str(tmp_path),
            PYTHONUNBUFFERED="1",
        )
        environment.update(env)
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            [sys.executable, "-m", "celery", "-A", "wsgi.celery_app", "worker", "--pool", "solo",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine or a container dies."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(15)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class RedisServer:
    """A redis-server of our own; stop() and start() again on the same port."""

    def __init__(self, tmp_path: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is not installed (apt-get install redis-server)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.binary = binary
        self.port = free_port()
        self.dir = tmp_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - the installed binary, fixed arguments
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_for(lambda: _pings(client), 20, "our redis-server to answer")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)
        self.proc = None


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def run_sweep(url: str) -> None:
    """What beat does: put the sweep task on the broker."""
    client = Celery("test-beat", broker=url, set_as_current=False)
    client.conf.update(task_serializer="json", accept_content=["json"])
    client.send_task("tracker.reminders.tasks.sweep")
    client.close()


class Beat:
    """Sweeps every second while a test waits, as beat does every few minutes: the sweep that
    finds the abandoned claim is the first one after the lease has run out."""

    def __init__(self, url: str) -> None:
        self.url, self.last = url, 0.0

    def __call__(self) -> None:
        if time.monotonic() - self.last >= 1:
            run_sweep(self.url)
            self.last = time.monotonic()


def more_sweeps(worker: Worker, url: str, n: int = 2) -> None:
    """n more sweeps, run to the end (each logs "received" and "succeeded")."""
    done = worker.output().count("tasks.sweep[")
    for _ in range(n):
        run_sweep(url)
    wait_for(lambda: worker.output().count("tasks.sweep[") >= done + 2 * n, PROCESS_DEADLINE, f"{n} more sweeps")
