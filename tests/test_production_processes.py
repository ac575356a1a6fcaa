"""The production processes of the Procfile, as they would run: gunicorn, a Celery worker and beat,
with TRACKER_ENV=production, against the test database (PostgreSQL in CI) and the real Redis. An
admin made with `flask create-user` signs in over HTTP (setting up the second factor production
requires of admins), and beat's own sweep sends a deadline
reminder through the worker to a real SMTP server."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shlex
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import pyotp
import pytest
from flask import Flask
from honcho.environ import parse_procfile

from tests import factories
from tests.reminders.conftest import Inbox, free_port, smtp, smtp_server  # noqa: F401 - the SMTP fixtures
from tests.reminders.processes import PROCESS_DEADLINE
from tracker.extensions import db
from tracker.models import Status, User
from tracker.timeutil import add_working_days, uk_today

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def _start(command: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # Procfile lines are shell lines ($PORT and friends): run them as a process manager would.
    return subprocess.Popen(  # noqa: S603 - our own Procfile, run by the shell as honcho would
        ["/bin/sh", "-c", f"exec {command}"], cwd=ROOT, env=env, stdout=log.open("w"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )


def _wait(condition, what: str, timeout: float = PROCESS_DEADLINE) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting for {what}")


def _get(port: int, path: str, cookie: str = "") -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PROCESS_DEADLINE)
    conn.request("GET", path, headers={"Host": "tracker.keycities.test", "Cookie": cookie})
    response = conn.getresponse()
    return response.status, response.read().decode(), (response.getheader("Set-Cookie") or "").split(";")[0]


def _post(port: int, path: str, data: dict[str, str], cookie: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PROCESS_DEADLINE)
    conn.request("POST", path, body=urlencode(data), headers={
        "Host": "tracker.keycities.test", "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    return conn.getresponse()


def _session_cookie(response: http.client.HTTPResponse) -> str:
    """The session cookie a response sets (a sign-in also sets the device cookie, auth/devices.py)."""
    [cookie] = [c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("session=")]
    return cookie


def _up(port: int) -> bool:
    try:
        return _get(port, "/healthz/web")[0] == 200
    except OSError:
        return False


@pytest.mark.long
@pytest.mark.committed  # gunicorn, worker and beat processes read and commit through their own connections
def test_procfile_processes_serve_sign_in_and_send_reminders(
        app: Flask, smtp: Inbox, redis_url: str, database_url: str, lead: User,  # noqa: F811 - the fixture
        tmp_path: Path) -> None:
    consultation = factories.make_consultation(
        Status.DRAFTING, lead=lead, internal_deadline=add_working_days(uk_today(), 1), closes_in_days=20,
        title="Production processes end to end")
    db.session.commit()
    port = free_port()
    password = "moorland ferry lantern orchard"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "TRACKER_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BASE_URL": "https://tracker.keycities.test",
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "TRACKER_INSTANCE_DIR": str(tmp_path),
        "REMINDER_SWEEP_SECONDS": "2",
        "MAIL_BACKEND": "smtp",
        "MAIL_SMTP_HOST": "127.0.0.1",
        "MAIL_SMTP_PORT": str(app.config["MAIL_SMTP_PORT"]),
        "LOG_LEVEL": "INFO",
        "XDG_RUNTIME_DIR": str(tmp_path),  # gunicorn's control socket: its own, beside other tests' gunicorns
    }
    created = subprocess.run(  # noqa: S603 - our own CLI
        [str(BIN / "flask"), "--app", "wsgi", "create-user", "--role", "admin", "--email", "first.admin@council.test",
         "--name", "First Admin", "--password", password],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=PROCESS_DEADLINE,
    )
    assert created.returncode == 0, created.stdout + created.stderr

    processes = parse_procfile((ROOT / "Procfile").read_text()).processes
    assert set(processes) == {"web", "worker", "beat"}
    running = {name: _start(command, env, tmp_path / f"{name}.log") for name, command in processes.items()}
    try:
        _wait(lambda: _up(port), "gunicorn to answer")
        status, page, cookie = _get(port, "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert status == 200 and token
        password_done = _post(port, "/login", {"csrf_token": token.group(1), "email": "first.admin@council.test",
                                               "password": password}, cookie)
        # Production requires a second factor of admins: set up before any page.
        assert password_done.status == 302, password_done.status
        assert password_done.getheader("Location") == "/login/set-up-second-factor"
        half_way = _session_cookie(password_done)
        status, page, _ = _get(port, f"/consultations/{consultation.id}", half_way)
        assert status == 302  # not signed in yet
        status, page, with_csrf = _get(port, "/login/set-up-second-factor", half_way)
        key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert status == 200 and key and token
        signed_in = _post(port, "/login/set-up-second-factor",
                          {"csrf_token": token.group(1), "code": pyotp.TOTP(key.group(1).replace(" ", "")).now()},
                          with_csrf or half_way)
        assert signed_in.status == 200 and "Your recovery codes" in signed_in.read().decode()
        session_cookie = _session_cookie(signed_in)
        status, page, _ = _get(port, f"/consultations/{consultation.id}", session_cookie)
        assert status == 200 and "Production processes end to end" in page

        _wait(lambda: len(smtp.messages) >= 1, "beat's sweep to send the reminder through the worker")
        assert "Production processes end to end" in str(smtp.messages[0]["Subject"])
        assert smtp.messages[0]["To"] == lead.email
        assert "https://tracker.keycities.test/consultations/" in smtp.messages[0].get_body().get_content()
    finally:
        # What each wrote while it ran: a process stopped in the middle of a call (beat publishing
        # a due entry when SIGTERM raises SystemExit in it) logs that call's traceback as it goes.
        while_running = {name: (tmp_path / f"{name}.log").read_text() for name in running}
        for proc in running.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name, proc in running.items():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            assert name == "web" or "Traceback" not in while_running[name], shlex.quote(name)
