"""Importing 1,000 GOV.UK items from a local fixture server: time, requests, queries per item.

Not a test: run it by hand and read the figures.

    .venv/bin/python benchmarks/intake.py [--items 1000] [--page-size 100] [--database-url URL]

It builds a fresh SQLite database in a temporary directory (or uses --database-url, which
it empties), starts the same local HTTP server the tests use (tests/intake/govuk_server.py)
with ``--items`` documents (70% consultations, 30% calls for evidence, organisations and
titles spread over every work area), then runs the importer four times:

1. first import (every item new),
2. a re-run with nothing changed,
3. a run after 5% of the closing dates changed,
and estimates the time at the polite default rate (requests / GOVUK_REQUESTS_PER_SECOND),
which is what a real run against www.gov.uk is bound by.

The client-side rate limit is switched off for the timed runs. SQL statements are counted
with an engine event (every statement the importer sends, savepoints included).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORGS = ["DfT", "MHCLG", "DHSC", "DfE", "DCMS", "DBT", "DESNZ", "Defra", "HMT"]
TOPICS = ["bus services", "social housing", "adult social care", "apprenticeships", "public libraries",
          "export support", "heat pumps", "flood defences", "high street business rates", "community cohesion"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from sqlalchemy import event, func, select

    from tests.intake.govuk_server import iso, make_item, running_server
    from tracker import create_app
    from tracker.extensions import db
    from tracker.intake import importer, sources
    from tracker.models.intake import IntakeItem
    from tracker.seed import seed_reference_data

    tmp = Path(tempfile.mkdtemp(prefix="kc-intake-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite'}"
    app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp),
                                        "SQLALCHEMY_RECORD_QUERIES": False, "LOG_LEVEL": "ERROR"})
    with running_server() as server, app.app_context():
        db.drop_all()
        db.create_all()
        seed_reference_data()
        db.session.commit()
        polite_rate = app.config["GOVUK_REQUESTS_PER_SECOND"]
        app.config.update(GOVUK_API_BASE_URL=server.url, GOVUK_PAGE_SIZE=args.page_size,
                          GOVUK_REQUESTS_PER_SECOND=0)

        documents = []
        for n in range(args.items):
            kind = "open_call_for_evidence" if n % 10 >= 7 else "open_consultation"
            topic = TOPICS[n % len(TOPICS)]
            documents.append(make_item(
                n + 1, title=f"{topic.capitalize()}: proposals, part {n + 1}", org=ORGS[n % len(ORGS)],
                summary=f"<p>We are seeking views on <b>{topic}</b> &amp; related reforms.</p>",
                document_type=kind,
                nations=None if n % 3 else {"england": True, "wales": n % 2 == 0, "scotland": False,
                                            "northern_ireland": False},
            ))
            server.add(*documents[-1], document_type=kind)

        statements = [0]

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args: object) -> None:
            statements[0] += 1

        def run(label: str) -> importer.ImportResult:
            server.requests.clear()
            statements[0] = 0
            started = time.perf_counter()
            result = importer.run_import(sources.make_api_source(), trigger="bench")
            db.session.commit()
            elapsed = time.perf_counter() - started
            per_item = statements[0] / max(1, result.found)
            print(f"{label:<34} {elapsed:7.2f} s  {len(server.requests):5d} requests  "
                  f"{statements[0]:6d} SQL statements ({per_item:.2f} per item)  "
                  f"[{result.closing_line}, {len(result.errors)} errors]")
            return result

        print(f"{args.items} items, page size {args.page_size}, database {db.engine.dialect.name}")
        first = run("first import")
        assert first.new == args.items, first.closing_line
        first_requests = len(server.requests)
        second = run("re-run, nothing changed")
        rerun_requests = len(server.requests)
        assert second.new == 0 and second.updated == 0
        changed = max(1, args.items // 20)
        for result, content in documents[:changed]:
            moved = datetime.fromisoformat(content["details"]["closing_date"]) + timedelta(days=7)
            result["end_date"] = content["details"]["closing_date"] = iso(moved)
        third = run(f"re-run, {changed} closing dates moved")
        assert third.updated == changed, third.closing_line
        count = db.session.scalar(select(func.count(IntakeItem.id)))
        print(f"rows: {count} items")
        if polite_rate:
            print(f"at the default polite rate of {polite_rate:g} requests/s the first import would take at "
                  f"least {first_requests / polite_rate:.0f} s; a re-run with nothing changed "
                  f"{rerun_requests / polite_rate:.0f} s (search pages only)")
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    main()
