"""One import at a time, default rules created once however many first runs race, and an
exit status a scheduler can read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.intake.govuk_server import GovukFixtureServer, make_item
from tests.threads import at_once
from tracker.extensions import db
from tracker.intake import lock, rules, tasks
from tracker.models.intake import ImportLock, ImportRun, IntakeItem, OrganisationRule, WorkAreaKeywords
from tracker.timeutil import utcnow

ROOT = Path(__file__).resolve().parents[2]
CLOSING = re.compile(r"^found (\d+), new (\d+), updated (\d+), skipped (\d+)$", re.MULTILINE)


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_cli_exits_1_with_the_reason_when_a_search_page_fails(app: Flask, govuk: GovukFixtureServer) -> None:
    for n in range(1, 5):
        govuk.add(*make_item(n))
    govuk.broken_pages.add(("open_consultation", 3))  # page size 3: the second page
    result = app.test_cli_runner().invoke(args=["import-govuk"])
    assert result.exit_code == 1
    assert "error: open consultations, page 2 (start=3): " in result.output and "500" in result.output
    assert "Incomplete: read 3 of 4 open consultations; page 2 (start=3) failed: " in result.output
    assert "The import is incomplete (see above) and 1 item or page could not be read or saved" in result.output
    assert _count(IntakeItem) == 3  # the rest was imported


def test_cli_exits_1_when_an_item_fails(app: Flask, govuk: GovukFixtureServer) -> None:
    result_row, _ = make_item(7)
    govuk.add(result_row, (500, b"oops"))
    govuk.add(*make_item(8))
    result = app.test_cli_runner().invoke(args=["import-govuk"])
    assert result.exit_code == 1, result.output
    assert _count(IntakeItem) == 1


def test_a_second_run_while_one_is_running_is_skipped_and_says_so(app: Flask, govuk: GovukFixtureServer) -> None:
    govuk.add(*make_item(1))
    me, held = lock.acquire("beat")
    assert me is not None and held is None
    try:
        result = app.test_cli_runner().invoke(args=["import-govuk"])
        assert result.exit_code == 0, result.output
        assert "Skipped: another import has been running since" in result.output and "beat on" in result.output
        assert _count(IntakeItem) == 0 and _count(ImportRun) == 0
        assert tasks.import_govuk() == {"skipped_run": 1}
    finally:
        lock.release(me)
    assert _count(ImportLock) == 0
    assert app.test_cli_runner().invoke(args=["import-govuk"]).exit_code == 0
    assert _count(IntakeItem) == 1 and _count(ImportLock) == 0  # freed after the run


def test_a_lock_left_by_a_crashed_run_expires(app: Flask, govuk: GovukFixtureServer) -> None:
    with db.engine.begin() as conn:
        conn.execute(ImportLock.__table__.insert().values(
            name=lock.NAME, holder="cli on a machine that died", acquired_at=utcnow() - timedelta(hours=3),
            expires_at=utcnow() - timedelta(hours=1)))
    govuk.add(*make_item(1))
    result = app.test_cli_runner().invoke(args=["import-govuk"])
    assert result.exit_code == 0, result.output
    assert _count(IntakeItem) == 1


@pytest.mark.committed  # threads, each with its own connection, commit
def test_concurrent_first_runs_create_the_default_rules_once(app: Flask) -> None:
    def first_run() -> bool:
        created = rules.ensure_default_rules()
        db.session.commit()
        return created

    at_once(app, first_run, 5, timeout=120)
    assert _count(OrganisationRule) == len(rules.DEFAULT_ORGANISATION_RULES)
    assert _count(WorkAreaKeywords) == 9
    assert rules.ensure_default_rules() is False


@pytest.mark.committed  # threads, each with its own connection, commit
def test_five_simultaneous_import_tasks_on_a_fresh_database(app: Flask, govuk: GovukFixtureServer) -> None:
    for n in range(1, 8):
        govuk.add(*make_item(n))
    results = at_once(app, tasks.import_govuk, 5, timeout=120)
    ran = [r for r in results if "found" in r]  # type: ignore[operator]
    assert ran and all(r["errors"] == 0 for r in ran)  # type: ignore[index]
    assert sum(r["new"] for r in ran) == 7  # type: ignore[index]
    assert len(ran) + sum(1 for r in results if r == {"skipped_run": 1}) == 5
    assert _count(IntakeItem) == 7 and _count(OrganisationRule) == len(rules.DEFAULT_ORGANISATION_RULES)


@pytest.mark.long
@pytest.mark.committed  # CLI processes read and commit through their own connections
def test_five_simultaneous_cli_imports_in_processes(app: Flask, govuk: GovukFixtureServer, tmp_path: Path) -> None:
    for n in range(1, 8):
        govuk.add(*make_item(n))
    env = dict(os.environ, TRACKER_ENV="development", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               TRACKER_INSTANCE_DIR=str(tmp_path), GOVUK_API_BASE_URL=govuk.url, GOVUK_PAGE_SIZE="3",
               GOVUK_REQUESTS_PER_SECOND="0", LOG_LEVEL="WARNING")
    procs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            [sys.executable, "-m", "flask", "--app", "wsgi", "import-govuk"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for _ in range(5)
    ]
    outputs = [(p.wait(120), p.stdout.read()) for p in procs]  # type: ignore[union-attr]
    for status, output in outputs:
        assert status == 0, output
        assert "Error" not in output and "could not be saved" not in output, output
        assert "Skipped: another import" in output or CLOSING.search(output), output
    new = sum(int(m.group(2)) for _, out in outputs if (m := CLOSING.search(out)))
    assert new == 7
    assert _count(IntakeItem) == 7 and _count(OrganisationRule) == len(rules.DEFAULT_ORGANISATION_RULES)
    assert _count(ImportLock) == 0
