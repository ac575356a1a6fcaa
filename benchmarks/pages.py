"""Requests per second for the dashboard, the list and a consultation page with 10,000 consultations.

Not a test: run it by hand and read the figures.

    .venv/bin/python benchmarks/pages.py [--rows 10000] [--requests 2000] [--server gunicorn|werkzeug]

It builds a SQLite database in a temporary directory (migrations, reference data, demo
users, then ``--rows`` consultations spread over every status, city and closing date),
serves the app on 127.0.0.1 (gunicorn with 4 sync workers, or werkzeug's threaded server),
signs in through the real form, and fires a bounded number of requests per page from a
few client processes. It also prints the SQL queries each page issues (counted in-process
with Flask-SQLAlchemy's recorded queries). Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COORDINATOR = ("coordinator@keycities.test", "coordinator-demo-2026")
LEAD = ("lead.hull@keycities.test", "lead-demo-2026")
STATUSES = ["new", "triaged", "monitoring", "declined", "assigned", "drafting", "in_review", "approved",
            "submitted", "outcome_published", "missed", "withdrawn"]
ASSIGNED = {"assigned", "drafting", "in_review", "approved", "submitted", "outcome_published", "missed"}


def build_database(url: str, rows: int) -> int:
    """Migrate, seed, insert ``rows`` consultations; return the id of one with a long history."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import ActivityLog, City, Consultation, Role, User, WorkArea
    from tracker.seed import seed_demo_users, seed_reference_data

    app = create_app("development", overrides={"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        seed_reference_data()
        seed_demo_users()
        db.session.commit()
        cities = db.session.scalars(select(City)).all()
        areas = db.session.scalars(select(WorkArea)).all()
        leads = db.session.scalars(select(User).where(User.role == Role.POLICY_LEAD.value)).all()
        leads_by_city: dict[int, list[int]] = {}
        for lead in leads:
            leads_by_city.setdefault(lead.city_id, []).append(lead.id)
        rng = random.Random(2026)
        now = datetime.now(UTC)
        batch = []
        for i in range(rows):
            status = STATUSES[i % len(STATUSES)]
            closes = now + timedelta(days=rng.randint(-60, 120), minutes=rng.randint(0, 1440))
            area = rng.choice(areas)
            row = {
                "title": f"Consultation {i}: {rng.choice(['bus', 'housing', 'skills', 'net zero', 'culture'])} reform",
                "issuing_organisation": rng.choice(["Department for Transport", "HM Treasury",
                                                    "Ministry of Housing, Communities and Local Government"]),
                "url": f"https://www.gov.uk/government/consultations/c-{i}",
                "summary": "Seeking views.",
                "source": "manual",
                "opened_at": closes - timedelta(days=56),
                "closes_at": closes,
                "status": status,
                "decision_reason": "",
                "work_area_id": area.id,
                "created_at": now,
                "updated_at": now,
            }
            if status in ASSIGNED:
                city = rng.choice(cities)
                row["lead_city_id"] = city.id
                row["policy_lead_id"] = rng.choice(leads_by_city.get(city.id, [None]))
                row["internal_deadline"] = (closes - timedelta(days=7)).date()
                row["decision"] = "respond"
            batch.append(row)
        db.session.execute(insert(Consultation), batch)
        target = db.session.scalar(select(Consultation.id).where(Consultation.status == "drafting").limit(1))
        db.session.execute(insert(ActivityLog), [
            {"consultation_id": target, "subject_type": "consultation", "subject_id": target, "action": "edit",
             "message": f"Edit {n}", "before": {"title": "a"}, "after": {"title": "b"}, "created_at": now}
            for n in range(30)
        ])
        db.session.commit()
        return int(target)


def query_counts(url: str, paths: dict[str, str]) -> dict[str, tuple[str, int]]:
    from flask import request_finished
    from flask_sqlalchemy.record_queries import get_recorded_queries
    from sqlalchemy import select

    from tracker import create_app
    from tracker.models import User

    app = create_app("development", overrides={"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_RECORD_QUERIES": True,
                                               "WTF_CSRF_ENABLED": False})
    out = {}
    for who, email in (("coordinator", COORDINATOR[0]), ("lead", LEAD[0])):
        client = app.test_client()
        with app.app_context():
            from tracker.extensions import db

            user = db.session.scalar(select(User).where(User.email == email))
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
        for name, path in paths.items():
            captured: list[int] = []

            def _count(sender, response, captured=captured, **extra):  # type: ignore[no-untyped-def]
                captured.append(len(get_recorded_queries()))

            request_finished.connect(_count, app)
            response = client.get(path)
            request_finished.disconnect(_count, app)
            out[f"{name} ({who})"] = (str(response.status_code), captured[0] if captured else -1)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 30, path: str = "/healthz") -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def sign_in(port: int, email: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert token, "no CSRF token on the login page"
    from urllib.parse import urlencode

    body = urlencode({"csrf_token": token.group(1), "email": email, "password": password})
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"sign-in failed: {response.status}"
    return response.getheader("Set-Cookie", "").split(";")[0]


def _client(port: int, path: str, cookie: str, n: int) -> tuple[int, int]:
    ok = errors = 0
    for _ in range(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status == 200:
            ok += 1
        else:
            errors += 1
    return ok, errors


def measure(port: int, path: str, cookie: str, requests: int, clients: int) -> tuple[float, int]:
    with ProcessPoolExecutor(clients) as pool:
        list(pool.map(_client, [port] * clients, [path] * clients, [cookie] * clients, [10] * clients))  # warm
        start = time.perf_counter()
        results = list(pool.map(_client, [port] * clients, [path] * clients, [cookie] * clients,
                                [requests // clients] * clients))
        elapsed = time.perf_counter() - start
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    return ok / elapsed, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2000, help="per page")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--server", choices=["gunicorn", "werkzeug"], default="gunicorn")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kc-bench-"))
    url = f"sqlite:///{workdir / 'bench.sqlite'}"
    os.environ["TRACKER_INSTANCE_DIR"] = str(workdir)
    t0 = time.perf_counter()
    target = build_database(url, args.rows)
    print(f"database: {args.rows} consultations in {time.perf_counter() - t0:.1f}s ({url})")

    paths = {
        "healthz (floor: 1 query, no page)": "/healthz",
        "dashboard": "/",
        "list": "/consultations/",
        "list filtered": "/consultations/?status=open&closing=30",
        "consultation page": f"/consultations/{target}",
    }
    print("\nSQL queries per page (in-process):")
    for name, (code, n) in query_counts(url, paths).items():
        print(f"  {name:45s} HTTP {code}  {n} queries")

    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "TRACKER_ENV": "development", "LOG_LEVEL": "WARNING"}
    if args.server == "gunicorn":
        cmd = [str(ROOT / ".venv/bin/gunicorn"), "-w", "4", "-k", "sync", "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "wsgi:app"]
    else:
        cmd = [sys.executable, "-c",
               "from werkzeug.serving import run_simple; from wsgi import app; "
               f"run_simple('127.0.0.1', {port}, app, threaded=True)"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # DESIGN.md's floor: a one-query ORM + Jinja table page, served the same way in the same run.
    ref_port = free_port()
    ref_cmd = [str(ROOT / ".venv/bin/gunicorn"), "-w", "4", "-k", "sync", "-b", f"127.0.0.1:{ref_port}",
               "--log-level", "warning", "benchmarks.reference_app:app"]
    reference = subprocess.Popen(ref_cmd, cwd=ROOT, env={**env, "REFERENCE_DB": url},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
        wait_for(ref_port, path="/")
        ref_rate, _ = measure(ref_port, "/", "", args.requests, args.clients)
        print(f"\nfloor reference (one ORM query + Jinja table, gunicorn 4 workers): {ref_rate:.0f} req/s;"
              f" target for each page: {ref_rate / 2:.0f} req/s")
        reference.terminate()
        reference.wait(timeout=10)
        print(f"\n{args.server} on 127.0.0.1:{port}; {args.requests} requests per page, {args.clients} client processes")
        for who, (email, password) in (("coordinator", COORDINATOR), ("lead", LEAD)):
            cookie = sign_in(port, email, password)
            for name, path in paths.items():
                if who == "lead" and name.startswith(("healthz", "list")):
                    continue
                rate, errors = measure(port, path, cookie, args.requests, args.clients)
                print(f"  {name + ' (' + who + ')':45s} {rate:8.0f} req/s  {100 * rate / ref_rate:4.0f}% of floor"
                      + (f"  {errors} errors" if errors else ""))
    finally:
        for process in (server, reference):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
