"""The reminder sweep at several sizes: time, statements and time per 1,000 open consultations.

    .venv/bin/python benchmarks/sweep.py                                # 10,000 consultations, SQLite
    .venv/bin/python benchmarks/sweep.py --scale 1000,10000,50000       # each size in turn
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<db> .venv/bin/python benchmarks/sweep.py

(TEST_DATABASE_URL is used when BENCH_DATABASE_URL is not set; the database is emptied.) SQLite
gets a fresh file in a temporary directory for each size.

For each size it builds a network of 500 users (10 coordinators, 390 policy leads spread over the
25 cities, 100 contributors; one in five reads reminders in a daily digest) and N open
consultations, each with a lead city and policy lead, and those being drafted with a response
and one to three contributors from other cities; on PostgreSQL it then analyses them, as
autovacuum would have on a live database (not the reminders the sweep writes). Then it runs a
first sweep (which creates the reminders) and a re-sweep (nothing new), each timed with its
commit (the sends are queued to the in-memory broker there, and not run). A small untimed sweep first pays the one-off costs
(compiling statements, filling the bank-holiday calendar), so that the smallest size is not
charged for them.

The summary compares the time per 1,000 open consultations at the largest size with that at the
smallest: a sweep that is linear in the data gives about 1.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time as clock
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask  # noqa: E402
from sqlalchemy import event, func, insert, select, text  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import City, Consultation, Role, Status, User, WorkArea  # noqa: E402
from tracker.models.drafts import Contributor, Response  # noqa: E402
from tracker.models.messages import Delivery, Message, Notification, ReminderPreference  # noqa: E402
from tracker.reminders import services  # noqa: E402
from tracker.seed import seed_reference_data  # noqa: E402
from tracker.timeutil import add_working_days, uk_instant, uk_today, utcnow  # noqa: E402

USERS = 500
ACTIVE = [Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW, Status.APPROVED]
WITH_DRAFT = {Status.DRAFTING, Status.IN_REVIEW, Status.APPROVED}
CHUNK = 2000


def build(n_consultations: int, n_users: int = USERS) -> None:
    rnd = random.Random(2026)
    seed_reference_data()
    db.session.commit()
    cities = db.session.scalars(select(City)).all()
    areas = db.session.scalars(select(WorkArea)).all()
    now = utcnow()
    users = []
    for i in range(n_users):
        role = Role.COORDINATOR if i < 10 else (Role.POLICY_LEAD if i < 400 else Role.CONTRIBUTOR)
        users.append({
            "email": f"user{i}@bench.test", "name": f"User {i}", "job_title": "", "password_hash": "x",
            "role": role.value, "city_id": None if role == Role.COORDINATOR else cities[i % len(cities)].id,
            "is_enabled": True, "created_at": now,
        })
    db.session.execute(insert(User), users)
    leads_by_city: dict[int, list[int]] = {}
    helpers_by_city: dict[int, list[int]] = {}
    everyone = list(db.session.execute(select(User.id, User.city_id, User.role)).tuples())
    for uid, city_id, role_name in everyone:
        if city_id is None:
            continue
        if role_name == Role.POLICY_LEAD.value:
            leads_by_city.setdefault(city_id, []).append(uid)
        helpers_by_city.setdefault(city_id, []).append(uid)
    db.session.execute(insert(ReminderPreference), [
        {"user_id": uid, "delivery": Delivery.DIGEST.value, "digest_time": None, "points": None, "events": None,
         "updated_at": now}
        for uid, _, _ in everyone[::5]
    ])
    today = uk_today()
    rows = []
    for i in range(n_consultations):
        city = cities[i % len(cities)]
        close_day = today + timedelta(days=rnd.randint(1, 90))
        closes = uk_instant(close_day, time(23, 59))
        internal = min(add_working_days(today, rnd.randint(-10, 60)), close_day)
        rows.append({
            "title": f"Benchmark consultation {i}", "issuing_organisation": "Department for Benchmarks",
            "url": "", "summary": "", "source": "manual", "external_id": None, "opened_at": None,
            "closes_at": closes, "status": rnd.choice(ACTIVE).value, "decision": "respond", "decision_reason": "",
            "work_area_id": areas[i % len(areas)].id, "lead_city_id": city.id,
            "policy_lead_id": rnd.choice(leads_by_city[city.id]), "internal_deadline": internal,
            "created_by_id": None, "created_at": now, "updated_at": now,
        })
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(Consultation), rows[start : start + CHUNK])
    drafted = [
        (cid, city_id) for cid, city_id, status in db.session.execute(
            select(Consultation.id, Consultation.lead_city_id, Consultation.status).order_by(Consultation.id))
        if Status(status) in WITH_DRAFT
    ]
    responses = [{"consultation_id": cid, "mode": "free", "current_number": 1, "approved_number": None,
                  "created_at": now, "updated_at": now} for cid, _ in drafted]
    for start in range(0, len(responses), CHUNK):
        db.session.execute(insert(Response), responses[start : start + CHUNK])
    response_of = dict(db.session.execute(select(Response.consultation_id, Response.id)).tuples().all())
    other_cities = [c.id for c in cities]
    contributors: list[dict[str, Any]] = []
    for cid, city_id in drafted:
        helpers: set[int] = set()
        for _ in range(rnd.randint(1, 3)):
            other = rnd.choice([c for c in other_cities if c != city_id])
            helpers.add(rnd.choice(helpers_by_city[other]))
        contributors.extend({"response_id": response_of[cid], "user_id": uid, "added_by_id": None, "created_at": now}
                            for uid in helpers)
    for start in range(0, len(contributors), CHUNK):
        db.session.execute(insert(Contributor), contributors[start : start + CHUNK])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # The statistics autovacuum keeps on a live database (it has not caught up a few seconds
        # after a bulk load). The reminders the sweep writes are left as they are.
        db.session.execute(text("ANALYZE"))
        db.session.commit()


@dataclass
class Run:
    seconds: float
    sweep_seconds: float
    statements: int
    round_trips: int
    candidates: int
    created: int
    queued: int


class Counter:
    def __init__(self) -> None:
        self.statements = 0
        self.round_trips = 0

    def on_execute(self, *args: Any) -> None:
        self.statements += 1

    def on_cursor(self, *args: Any) -> None:
        self.round_trips += 1


def timed_sweep(counter: Counter) -> Run:
    counter.statements = counter.round_trips = 0
    t0 = clock.perf_counter()
    result = services.sweep()
    t1 = clock.perf_counter()
    db.session.commit()  # the outbox queues the sends here
    t2 = clock.perf_counter()
    return Run(t2 - t0, t1 - t0, counter.statements, counter.round_trips, result.candidates, result.created,
               len(result.queued))


def make_app(url: str, instance: str) -> Flask:
    return create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": instance,
                                         "SQLALCHEMY_RECORD_QUERIES": False, "LOG_LEVEL": "ERROR"})


def one_size(url: str, instance: str, n: int, *, quiet: bool = False) -> tuple[Run, Run]:
    app = make_app(url, instance)
    with app.app_context():
        db.drop_all()
        db.create_all()
        t0 = clock.perf_counter()
        build(n)
        built = clock.perf_counter() - t0
        counter = Counter()
        event.listen(db.engine, "before_execute", counter.on_execute)
        event.listen(db.engine, "before_cursor_execute", counter.on_cursor)
        first = timed_sweep(counter)
        again = timed_sweep(counter)
        event.remove(db.engine, "before_execute", counter.on_execute)
        event.remove(db.engine, "before_cursor_execute", counter.on_cursor)
        reminders = db.session.scalar(select(func.count()).select_from(Message))
        notes = db.session.scalar(select(func.count()).select_from(Notification))
        if not quiet:
            print(f"{n} open consultations (built in {built:.1f}s): {first.candidates} near a deadline; "
                  f"{reminders} reminders, {notes} notifications")
            for label, run in (("first sweep", first), ("re-sweep   ", again)):
                print(f"  {label} {run.seconds:7.2f}s ({run.sweep_seconds:.2f}s sweep + "
                      f"{run.seconds - run.sweep_seconds:.2f}s commit and queue); {run.statements} statements, "
                      f"{run.round_trips} round trips; {run.created} created, {run.queued} sends queued; "
                      f"{1000 * run.seconds / n:.3f}s per 1,000 open consultations")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="10000", help="comma-separated numbers of open consultations")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.scale.split(",") if s.strip()]
    base_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    with tempfile.TemporaryDirectory() as tmp:
        def url_for(label: str) -> str:
            return base_url or f"sqlite:///{Path(tmp) / f'bench-{label}.sqlite'}"

        one_size(url_for("warm-up"), tmp, 200, quiet=True)
        dialect = "postgresql" if base_url.startswith("postgresql") else "sqlite"
        print(f"database: {dialect}; {USERS} users")
        runs = {n: one_size(url_for(str(n)), tmp, n) for n in sizes}
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)

        def ratio(i: int) -> float:
            return (runs[large][i].seconds / large) / (runs[small][i].seconds / small)

        print(f"summary: time per 1,000 open consultations at {large} / at {small}: "
              f"first sweep {ratio(0):.2f}x, re-sweep {ratio(1):.2f}x (linear: about 1)")


if __name__ == "__main__":
    main()
