"""Questions found in the recorded consultations: recall, precision, and documents read per second.

Not a test: run it by hand and read the figures.

    .venv/bin/python benchmarks/questions.py [--rounds 5]

It starts the local servers the tests use (tests/documents/server.py), which answer like GOV.UK's
Content API, its assets host and the Committees API from tests/documents/fixtures, reads every
recorded consultation with the real reader (fetching, HTML, PDF, DOCX, question finding, merging
across documents) and compares the questions with tests/documents/fixtures/expected: a question
counts as found when its number and its text (lower case, words only) are the expected ones.
Recall is found / expected, precision is found / everything the reader gave. The timing reads
them all ``--rounds`` times, with no politeness delay between requests.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONSULTATIONS = [
    "/government/consultations/bus-franchising-reform",
    "/government/consultations/local-plan-making",
    "/government/consultations/adult-skills-fund",
    "/government/consultations/cultural-investment",
    "/government/calls-for-evidence/heat-network-zoning",
    "/government/consultations/social-housing-competence-standards",
    "/government/consultations/bus-franchising-guidance",
]
COMMITTEE = "8801"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from tests.documents.server import FIXTURES, running_sites
    from tracker import create_app
    from tracker.documents.patterns import normalised
    from tracker.documents.reader import Reader, Reading, make_fetcher

    with tempfile.TemporaryDirectory() as tmp, running_sites() as sites:
        app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                                            "INSTANCE_DIR": tmp})
        app.config.update(GOVUK_API_BASE_URL=sites.api.url, GOVUK_ASSETS_BASE_URLS=sites.assets.url,
                          COMMITTEES_API_BASE_URL=sites.api.url, GOVUK_REQUESTS_PER_SECOND=0)
        with app.app_context():
            def read_all() -> list[tuple[str, Reading]]:
                readings = [(path.rsplit("/", 1)[-1], Reader(make_fetcher()).govuk(path)) for path in CONSULTATIONS]
                committee = Reader(make_fetcher(sites.api.url)).committee(COMMITTEE, "https://committees.example/work/8801/")
                return [*readings, (f"committee-{COMMITTEE}", committee)]

            expected_total = found_total = matched_total = 0
            print(f"{'consultation':40} {'expected':>8} {'found':>6} {'matched':>8}")
            for name, reading in read_all():
                expected = json.loads((FIXTURES / "expected" / f"{name}.json").read_text(encoding="utf-8"))
                wanted = {(q["number"], normalised(q["text"])) for q in expected}
                got = [(q.number, normalised(q.text)) for q in reading.questions]
                matched = sum(1 for g in got if g in wanted)
                expected_total, found_total, matched_total = (expected_total + len(wanted), found_total + len(got),
                                                              matched_total + matched)
                print(f"{name:40} {len(wanted):>8} {len(got):>6} {matched:>8}"
                      + (f"   problem: {reading.problem}" if reading.problem else ""))
            recall = matched_total / expected_total if expected_total else 1.0
            precision = matched_total / found_total if found_total else 1.0
            print(f"\nrecall {recall:.3f} ({matched_total}/{expected_total}), "
                  f"precision {precision:.3f} ({matched_total}/{found_total})")

            documents = 0
            started = time.perf_counter()
            for _ in range(args.rounds):
                documents += sum(1 for _, r in read_all() for d in r.documents if d.status == "read")
            elapsed = time.perf_counter() - started
            print(f"{documents} documents read in {elapsed:.2f} s over {args.rounds} rounds: "
                  f"{documents / elapsed:.1f} documents per second (fetched from a local server, then parsed)")


if __name__ == "__main__":
    main()
