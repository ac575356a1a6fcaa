"""One reminder sweep over 10,000 open consultations and 500 users: time and query count.

    .venv/bin/python benchmarks/sweep.py                # SQLite in a temporary file
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<db> .venv/bin/python benchmarks/sweep.py

(TEST_DATABASE_URL is used when BENCH_DATABASE_URL is not set; the database is emptied.)
The sweep must issue a fixed number of queries whatever the number of consultations.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time as clock
from datetime import time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, insert, select  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import City, Consultation, Role, Status, User, WorkArea  # noqa: E402
from tracker.models.reminders import Notification, Reminder  # noqa: E402
from tracker.reminders import services  # noqa: E402
from tracker.seed import seed_reference_data  # noqa: E402
from tracker.timeutil import add_working_days, uk_instant, uk_today, utcnow  # noqa: E402

CONSULTATIONS = 10_000
USERS = 500
ACTIVE = [Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW, Status.APPROVED]


def build(n_consultations: int, n_users: int) -> None:
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
    for uid, city_id in db.session.execute(select(User.id, User.city_id).where(User.role == Role.POLICY_LEAD.value)):
        leads_by_city.setdefault(city_id, []).append(uid)
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
    for start in range(0, len(rows), 2000):
        db.session.execute(insert(Consultation), rows[start : start + 2000])
    db.session.commit()


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    if not url:
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
    app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": tmp.name,
                                        "SQLALCHEMY_RECORD_QUERIES": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        t0 = clock.perf_counter()
        build(CONSULTATIONS, USERS)
        print(f"database: {db.engine.dialect.name}; built {CONSULTATIONS} consultations and {USERS} users "
              f"in {clock.perf_counter() - t0:.1f}s")

        counter = {"statements": 0, "round_trips": 0}

        def on_execute(conn, clauseelement, multiparams, params, execution_options):  # type: ignore[no-untyped-def]
            counter["statements"] += 1

        def on_cursor(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            counter["round_trips"] += 1

        event.listen(db.engine, "before_execute", on_execute)
        event.listen(db.engine, "before_cursor_execute", on_cursor)
        # Sends are queued to the in-memory broker and not run: this measures the sweep itself.
        for label in ("first sweep (creates the reminders)", "second sweep (nothing new)"):
            counter.update(statements=0, round_trips=0)
            t0 = clock.perf_counter()
            result = services.sweep()
            t1 = clock.perf_counter()
            db.session.commit()  # the outbox queues the sends here
            t2 = clock.perf_counter()
            print(f"{label}: {t1 - t0:.2f}s sweep + {t2 - t1:.2f}s commit and queue; "
                  f"{counter['statements']} statements, {counter['round_trips']} database round trips; "
                  f"{result.candidates} candidate consultations, {result.created} reminders created, "
                  f"{len(result.queued)} sends queued")
        reminders = db.session.scalar(select(func.count()).select_from(Reminder))
        notes = db.session.scalar(select(func.count()).select_from(Notification))
        print(f"rows: {reminders} reminders, {notes} notifications")
        db.session.remove()
        db.drop_all()
    tmp.cleanup()


if __name__ == "__main__":
    main()
