"""The calendar feeds at scale: statements, size and time of each feed. Not a test: run it by hand.

    .venv/bin/python benchmarks/feeds.py --scale 100000
    .venv/bin/python benchmarks/feeds.py --scale 100000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/kc_bench

It builds the schema in the database given (a temporary SQLite file by default; a PostgreSQL one is
emptied first), seeds it with ``seed_scale`` (years of closed consultations, a few hundred open),
gives a policy lead feed addresses, and reads each feed through the app in-process, printing the
statements each ran, the events and bytes it returned, the time of the first read (the feed drawn)
and the median of the next ones (drawn once per process for the same data).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reads", type=int, default=5, help="at least 2")
    args = parser.parse_args()

    from flask_sqlalchemy.record_queries import get_recorded_queries
    from sqlalchemy import select

    from tracker import create_app
    from tracker.account import services, tokens
    from tracker.extensions import db
    from tracker.models import City, Role, User
    from tracker.scale import seed_scale

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/feeds.sqlite"
    app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_RECORD_QUERIES": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        seed_scale(args.scale, echo=lambda _: None)
        db.session.commit()
        print(f"seeded {args.scale} consultations in {time.perf_counter() - started:.0f} s")
        lead = db.session.scalars(select(User).where(User.role == Role.POLICY_LEAD).order_by(User.id)).first()
        assert lead is not None and lead.city_id is not None
        city = db.session.get(City, lead.city_id)
        assert city is not None
        feed = services.set_up_feeds(lead)
        db.session.commit()
        token = tokens.unseal(feed.token_sealed)
        client = app.test_client()
        for name, path in (("mine", f"/calendar/mine/{token}.ics"),
                           (f"city ({city.name})", f"/calendar/city/{city.slug}/{token}.ics"),
                           ("network", f"/calendar/network/{token}.ics")):
            times = []
            for _ in range(args.reads):
                db.session.expunge_all()
                before = len(get_recorded_queries())
                t0 = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t0)
                statements = len(get_recorded_queries()) - before
            assert response.status_code == 200, (path, response.status_code)
            events = response.data.count(b"BEGIN:VEVENT")
            print(f"{name:>20}: {statements} statements, {events} events, {len(response.data) / 1024:.0f} KiB, "
                  f"first read {times[0] * 1000:.0f} ms (drawn), then median {statistics.median(times[1:]) * 1000:.0f} ms")
        db.session.remove()
        if not args.database_url:
            db.drop_all()


if __name__ == "__main__":
    main()
