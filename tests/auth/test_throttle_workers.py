"""The sign-in throttle holds across gunicorn workers: its counts live in Redis, not in a worker.

A real gunicorn with two workers against the test database and the real Redis. Each worker is
replaced after a few requests (--max-requests), so the attempts are spread over many worker
processes, none of which could have counted them in its own memory (the access log names the
worker of each attempt).
Fails, never skips, when Redis is missing and CI is set.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.factories import PASSWORD
from tests.reminders.processes import PROCESS_DEADLINE
from tracker.models import User

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _attempt(port: int, email: str, password: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PROCESS_DEADLINE)
    conn.request("GET", "/login")
    page = conn.getresponse()
    html = page.read().decode()
    cookie = (page.getheader("Set-Cookie") or "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token, "no CSRF token on the sign-in page"
    conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PROCESS_DEADLINE)
    body = urlencode({"csrf_token": token.group(1), "email": email, "password": password})
    conn.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


@pytest.mark.long
@pytest.mark.committed  # gunicorn workers read and commit through their own connections
def test_twenty_wrong_passwords_lock_the_account_on_two_workers(
        lead: User, redis_url: str, database_url: str, tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "TRACKER_ENV": "development", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "RATELIMIT_KEY_PREFIX": f"kc-test-{uuid.uuid4().hex}", "TRACKER_INSTANCE_DIR": str(tmp_path),
           "LOG_LEVEL": "WARNING", "XDG_RUNTIME_DIR": str(tmp_path)}  # its own gunicorn control socket
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "--max-requests", "8", "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(log),
         "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + PROCESS_DEADLINE
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/login")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (
                server.stderr.read() if server.stderr and server.poll() is not None else "gunicorn did not start")
            time.sleep(0.3)

        statuses = [_attempt(port, lead.email, "not-the-password") for _ in range(20)]
        assert statuses == [401] * 10 + [429] * 10
        assert _attempt(port, lead.email, PASSWORD) == 429  # the right password too, for a while

        refused_by = {line.split()[0] for line in log.read_text().splitlines() if " POST /login 401" in line}
        assert len(refused_by) >= 2, f"the failed attempts were not spread over workers: {refused_by}"
    finally:
        server.terminate()
        server.wait(timeout=PROCESS_DEADLINE)
