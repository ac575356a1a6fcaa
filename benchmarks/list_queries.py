"""The consultation list's queries at scale: the median time of one page and its statement count,
for the filters people use, with the counts' cache off (every view counts) and on (a repeat view).

Not a test: run it by hand against a database built by `flask seed --scale N` and read the figures.

    DATABASE_URL=sqlite:////tmp/kc_100k.sqlite .venv/bin/flask --app wsgi db upgrade
    DATABASE_URL=sqlite:////tmp/kc_100k.sqlite .venv/bin/flask --app wsgi seed --scale 100000
    DATABASE_URL=sqlite:////tmp/kc_100k.sqlite .venv/bin/python benchmarks/list_queries.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TRACKER_ENV", "development")

from sqlalchemy import event, func, select  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.consultations import counts, queries  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Consultation  # noqa: E402

CASES: list[tuple[str, dict[str, Any], int]] = [
    ("all, page 1", {}, 1),
    ("all, page 40", {}, 40),
    ("open, page 1", {"status": "open"}, 1),
    ("drafting, page 1", {"status": "drafting"}, 1),
    ("one work area, page 1", {"work_area_id": 3}, 1),
    ("search 'bus', page 1", {"q": "bus"}, 1),
]
RUNS = 7


def main() -> None:
    app = create_app("development")
    with app.app_context():
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        total = db.session.scalar(select(func.count()).select_from(Consultation))
        print(f"{db.engine.dialect.name}, {total:,} consultations; median of {RUNS} runs")
        for cache in (0, 30):
            app.config["LIST_COUNT_CACHE_SECONDS"] = cache
            print(f"-- counts cache {'off' if not cache else f'{cache} s (a repeat view)'}")
            for name, filters, page in CASES:
                counts.forget()
                times = []
                for _ in range(RUNS):
                    statements.clear()
                    start = time.perf_counter()
                    result = queries.list_consultations(queries.ListFilters(**filters), page, 25)
                    times.append((time.perf_counter() - start) * 1000)
                    db.session.rollback()
                print(f"{name:24} {statistics.median(times):7.1f} ms  {len(statements)} statements  "
                      f"{result.total:,} matching")


if __name__ == "__main__":
    main()
