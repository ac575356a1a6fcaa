"""Select committees' calls for evidence on the inbox, item, runs and consultation pages, and
`flask --app wsgi import-committees` (same options and closing line as import-govuk)."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import func, select

from tests.drafts.test_templates_query_nothing import _statements_while_rendering
from tests.intake.committees_server import SAMPLE_DIR
from tests.intake.govuk_server import make_item
from tracker.extensions import db
from tracker.models import Consultation, IssuerType, Source
from tracker.models.intake import ImportRun, IntakeItem, ItemState

CLOSING = re.compile(r"^found (\d+), new (\d+), updated (\d+), skipped (\d+)$", re.MULTILINE)
SITE = "https://committees.parliament.uk"


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _item(business_id: int) -> IntakeItem:
    row = db.session.scalar(select(IntakeItem).where(IntakeItem.source == "committees",
                                                   IntakeItem.content_id == str(business_id)))
    assert row is not None
    return row


@pytest.fixture
def both(committees_api, import_committees, govuk, run_import):  # type: ignore[no-untyped-def]
    """The recorded committees set and one GOV.UK consultation, imported."""
    govuk.add(*make_item(1, title="Bus franchising guidance", org="DfT"))
    run_import()
    committees_api.load_dir()
    import_committees()


def test_the_inbox_shows_each_items_source_and_issuer(as_user, both):
    page = html_lib.unescape(as_user("coordinator").get("/intake/").get_data(as_text=True))

    assert "<h1 class=\"govuk-heading-l\">Triage inbox</h1>" in page
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S)
    bus = next(r for r in rows if "Bus services in England outside London" in r)
    assert 'data-kc-intake-source="committees">Parliament select committee<' in bus
    assert "Transport Committee" in bus
    govuk_row = next(r for r in rows if "Bus franchising guidance" in r)
    assert 'data-kc-intake-source="govuk">GOV.UK<' in govuk_row
    assert "Department for Transport" in govuk_row
    assert "To triage (6)" in page
    assert "Last import (Parliament select committees)" in page


def test_the_item_page_links_to_the_committee_business_page(as_user, both):
    item = _item(8401)

    page = html_lib.unescape(as_user("coordinator").get(f"/intake/items/{item.id}").get_data(as_text=True))

    assert "Call for evidence from a Parliament select committee: Transport Committee" in page
    assert f'href="{SITE}/work/8401/"' in page
    assert "Open for submissions until 22 January 2027" in page
    assert "Select committee inquiry" in page
    assert "bus franchising" in page  # the terms of reference, as text
    assert "Nations" not in page  # GOV.UK's applicability means nothing here


def test_accepting_from_the_page_tracks_a_select_committee_consultation(as_user, both):
    client = as_user("coordinator")
    item = _item(8402)
    client.get(f"/intake/items/{item.id}")
    response = client.post(f"/intake/items/{item.id}/accept",
                           data={"work_area_id": str(item.suggested_work_area_id)})

    assert response.status_code == 302
    db.session.expire_all()
    consultation = db.session.scalar(select(Consultation).where(Consultation.source == Source.COMMITTEES))
    assert consultation is not None
    assert consultation.issuer_type == IssuerType.SELECT_COMMITTEE
    assert consultation.url == f"{SITE}/work/8402/"
    assert _item(8402).state == ItemState.ACCEPTED
    page = html_lib.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "From a Parliament select committee" in page
    assert "Imported from a Parliament select committee" in page
    assert "On Parliament's website" in page


def test_the_runs_page_names_each_runs_source(as_user, both):
    page = html_lib.unescape(as_user("admin").get("/intake/runs").get_data(as_text=True))

    assert "Parliament select committees: http://127.0.0.1" in page
    assert "Hourly" in page or "By command" in page
    assert "GOV.UK: http://127.0.0.1" in page
    assert "flask --app wsgi import-committees" in page


def test_no_statement_runs_while_the_pages_render(app, as_user, both, coordinator):
    from tracker.intake import services

    accepted = services.accept_item(coordinator, _item(8404))
    db.session.commit()
    client = as_user("coordinator")
    paths = ["/intake/", f"/intake/items/{_item(8401).id}", f"/intake/items/{_item(8404).id}",
             f"/consultations/{accepted.id}"]
    for path in paths:
        db.session.expunge_all()
        with _statements_while_rendering(app) as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        assert seen == [], f"{path} queried while rendering:\n" + "\n".join(seen)


def test_cli_from_dir_reports_the_bad_ones_and_a_second_run_adds_nothing(app):
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["import-committees", "--from-dir", str(SAMPLE_DIR), "--dry-run"])
    assert "would change: new: Bus services in England outside London (8401), closes 22 Jan 2027 23:59" in dry.output
    assert "Dry run: nothing was written." in dry.output
    db.session.remove()
    assert _count(IntakeItem) == 0 and _count(ImportRun) == 0

    first = runner.invoke(args=["import-committees", "--from-dir", str(SAMPLE_DIR)])
    assert first.exit_code == 1, first.output  # the recorded set's two bad items, reported
    assert CLOSING.search(first.output).groups() == ("7", "5", "0", "2")
    assert "error: committee business 8406: submission period closing date" in first.output
    assert "2 items or pages could not be read or saved" in first.output

    again = runner.invoke(args=["import-committees", "--from-dir", str(SAMPLE_DIR)])
    assert again.exit_code == 0, again.output  # the same two, unchanged: known bad, already reported
    assert CLOSING.search(again.output).groups() == ("7", "0", "0", "7")
    db.session.remove()
    assert _count(IntakeItem) == 5 and _count(ImportRun) == 2


def test_cli_reads_the_api_and_is_skipped_while_another_committees_import_runs(app, committees_api):
    from tracker.intake import lock

    committees_api.load_dir()
    holder, _ = lock.acquire("beat", name=lock.COMMITTEES)
    assert holder is not None
    try:
        skipped = app.test_cli_runner().invoke(args=["import-committees"])
    finally:
        lock.release(holder, name=lock.COMMITTEES)
    assert skipped.exit_code == 0
    assert skipped.output.startswith("Skipped: another import has been running since")

    result = app.test_cli_runner().invoke(args=["import-committees"])
    assert CLOSING.search(result.output).groups() == ("7", "5", "0", "2")
