"""flask --app wsgi import-govuk"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.intake.govuk_server import SAMPLE_DIR, make_item
from tracker.extensions import db
from tracker.models.intake import ImportRun, IntakeItem

CLOSING = re.compile(r"^found (\d+), new (\d+), updated (\d+), skipped (\d+)$", re.MULTILINE)


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_cli_imports_from_the_network_and_prints_the_closing_line(app, govuk):
    govuk.add(*make_item(1))
    govuk.add(*make_item(2, document_type="open_call_for_evidence"))
    result = app.test_cli_runner().invoke(args=["import-govuk"])
    assert result.exit_code == 0, result.output
    assert CLOSING.search(result.output).groups() == ("2", "2", "0", "0")
    assert _count(IntakeItem) == 2

    again = app.test_cli_runner().invoke(args=["import-govuk"])
    assert CLOSING.search(again.output).groups() == ("2", "0", "0", "2")


def test_cli_dry_run_prints_changes_and_writes_nothing(app, govuk):
    govuk.add(*make_item(3, title="Bus lanes"))
    result = app.test_cli_runner().invoke(args=["import-govuk", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would change: new: Bus lanes" in result.output
    assert CLOSING.search(result.output).groups() == ("1", "1", "0", "0")
    db.session.remove()
    assert _count(IntakeItem) == 0 and _count(ImportRun) == 0


def test_cli_from_dir_reads_the_recorded_set(app):
    result = app.test_cli_runner().invoke(args=["import-govuk", "--from-dir", str(SAMPLE_DIR)])
    # The recorded set holds one deliberately malformed item: reported, and the exit status says so.
    assert result.exit_code == 1, result.output
    assert CLOSING.search(result.output).groups() == ("11", "10", "0", "1")
    assert "is not a date" in result.output
    assert "1 item or page could not be read or saved" in result.output
    assert _count(IntakeItem) == 10


def test_cli_from_missing_dir_is_a_clear_error(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["import-govuk", "--from-dir", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "does not exist" in result.output
