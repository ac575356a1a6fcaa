"""The reports at scale: the time and statement count of report() for the last 12 months and for
ten years, and the time of the consultation downloads (CSV streamed, Excel up to its row limit).

Not a test: run it by hand against a database built by `flask seed --scale N` and read the figures.

    DATABASE_URL=sqlite:////tmp/kc_100k.sqlite .venv/bin/flask --app wsgi db upgrade
    DATABASE_URL=sqlite:////tmp/kc_100k.sqlite .venv/bin/flask --app wsgi seed --scale 100000
    DATABASE_URL=sqlite:////tmp/kc_100k.sqlite .venv/bin/python benchmarks/reports.py
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TRACKER_ENV", "development")

from sqlalchemy import event, func, select  # noqa: E402

from tracker import create_app, exports  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Consultation, Role, User  # noqa: E402
from tracker.reports import periods, queries, rows  # noqa: E402
from tracker.timeutil import uk_today  # noqa: E402

RUNS = 5


def _timed(run: Any) -> tuple[float, int]:
    """Median seconds of ``run`` over RUNS, and the statements one run issued."""
    statements = [0]

    def count(*args: Any) -> None:
        statements[0] += 1

    times = []
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for _ in range(RUNS):
            statements[0] = 0
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return statistics.median(times), statements[0]


def main() -> None:
    app = create_app()
    with app.app_context(), app.test_request_context():
        total = db.session.scalar(select(func.count()).select_from(Consultation))
        print(f"{total:,} consultations on {db.engine.dialect.name}")
        people = {role: db.session.scalar(select(User).where(User.role == role.value).order_by(User.id).limit(1))
                  for role in (Role.COORDINATOR, Role.POLICY_LEAD)}
        today = uk_today()
        cases = [("last 12 months", periods.last_12_months(today)),
                 ("ten years", periods.custom_period(date(today.year - 9, 1, 1), today))]
        for role, user in people.items():
            if user is None:
                continue
            for label, period in cases:
                seconds, statements = _timed(lambda p=period, u=user: queries.report(p, u))
                received = queries.report(period, user).total.received
                print(f"report, {label}, as {role.value}: {seconds * 1000:8.1f} ms, {statements} statements, "
                      f"{received:,} received")

        def csv_all() -> None:
            for _ in exports._csv_lines(exports.Table("c", rows.COLUMNS, rows.consultation_rows([]))):
                pass

        start = time.perf_counter()
        csv_all()
        print(f"CSV of all {total:,}: {time.perf_counter() - start:.1f} s")
        limit = exports.xlsx_max_rows()
        start = time.perf_counter()
        data = exports.workbook_bytes([exports.Table("c", rows.COLUMNS,
                                                     itertools.islice(rows.consultation_rows([]), limit))])
        print(f"Excel of {min(limit, total):,} (its row limit): {time.perf_counter() - start:.1f} s, "
              f"{len(data) // 1024:,} KB")


if __name__ == "__main__":
    main()
