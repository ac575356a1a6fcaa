"""Both importers against servers that page as real ones may: fewer items than asked for, a capped
page size, a page that fails or times out mid-way, a declared total that disagrees with what was
read, a list that moves while it is read. Every item is read, or the run says it is incomplete
(its record, the inbox, the runs page and the command) and exits 1, keeping what it read."""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

from sqlalchemy import func, select

from tests.intake.govuk_server import make_item
from tracker.extensions import db
from tracker.intake import paging
from tracker.models.intake import ImportRun, IntakeItem

CLOSING = re.compile(r"^found (\d+), new (\d+), updated (\d+), skipped (\d+)$", re.MULTILINE)


def _business(n: int) -> dict[str, Any]:
    return {"id": 9100 + n, "title": f"Inquiry number {n}", "closeDate": "2027-04-01",
            "committee": {"id": 153, "name": "Transport Committee"}}


def _publish_calls(server, count: int = 7) -> None:  # type: ignore[no-untyped-def]
    for n in range(1, count + 1):
        server.publish(_business(n))


def _publish_consultations(server, count: int = 7) -> None:  # type: ignore[no-untyped-def]
    for n in range(1, count + 1):
        server.add(*make_item(n))


def _offsets(server, path: str, name: str, doc_type: str = "") -> list[int]:  # type: ignore[no-untyped-def]
    """The offsets of the listing pages asked for, in order."""
    asked = [p for p, _ in server.requests if p.startswith(path + "?") and doc_type in p]
    return [int(re.search(rf"[?&]{name}=(\d+)", p).group(1)) for p in asked]  # type: ignore[union-attr]


def _ids(source: str) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(IntakeItem.content_id).where(IntakeItem.source == source)))


def _run() -> ImportRun:
    db.session.expire_all()
    runs = db.session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).all()
    assert runs, "no run was recorded"
    return runs[0]


def _page(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200
    return " ".join(html_lib.unescape(response.get_data(as_text=True)).split())


def _complete(result, app, as_user, source: str, label: str, count: int = 7) -> None:  # type: ignore[no-untyped-def]
    """The command, the database and the pages agree that everything was read."""
    assert result.exit_code == 0, result.output
    assert CLOSING.search(result.output).groups() == (str(count), str(count), "0", "0")
    assert f"Complete: read {count} of {count} listed items." in result.output
    assert len(_ids(source)) == count
    run = _run()
    assert (run.listed, run.declared, run.incomplete, run.error_count) == (count, count, "", 0)
    assert f"Yes: read {count} of {count}" in _page(as_user("admin"), "/intake/runs")
    inbox = _page(as_user("coordinator"), "/intake/")
    assert f"Last import ({label})" in inbox and "incomplete" not in inbox.lower()


def _incomplete(result, as_user, label: str, sentence: str) -> None:  # type: ignore[no-untyped-def]
    """The command, the run record, the inbox and the runs page all say so, in the same words."""
    assert result.exit_code == 1, result.output
    assert sentence in result.output
    assert "The import is incomplete (see above)" in result.output
    run = _run()
    assert run.incomplete.startswith(sentence), run.incomplete
    inbox = _page(as_user("coordinator"), "/intake/")
    assert f"Last import from {label}," in inbox
    assert sentence in inbox
    assert "anything not read may be missing until a later run reads it" in inbox
    assert sentence in _page(as_user("admin"), "/intake/runs")


# --- Parliament's committees ------------------------------------------------------------------


def test_committees_a_server_giving_fewer_items_than_asked_for_is_read_to_the_end(app, as_user, committees_api):
    _publish_calls(committees_api)
    committees_api.short_pages = [2, 1, 3]  # asked for 3 each time

    result = app.test_cli_runner().invoke(args=["import-committees"])

    assert _offsets(committees_api, "/api/CommitteeBusiness", "Skip") == [0, 2, 3, 6]
    _complete(result, app, as_user, "committees", "Parliament select committees")


def test_committees_a_server_capping_take_is_read_to_the_end(app, as_user, committees_api, monkeypatch):
    monkeypatch.setitem(app.config, "COMMITTEES_PAGE_SIZE", 30)
    _publish_calls(committees_api)
    committees_api.max_take = 5  # whatever is asked for

    result = app.test_cli_runner().invoke(args=["import-committees"])

    assert _offsets(committees_api, "/api/CommitteeBusiness", "Skip") == [0, 5]
    assert all("Take=30" in p for p, _ in committees_api.requests if p.startswith("/api/CommitteeBusiness?"))
    _complete(result, app, as_user, "committees", "Parliament select committees")


def test_committees_a_page_failing_mid_way_makes_the_run_incomplete_and_keeps_what_was_read(
    app, as_user, committees_api
):
    _publish_calls(committees_api)
    committees_api.broken_pages.add(("business", 3))  # page 2 of 3 answers 500, every time

    result = app.test_cli_runner().invoke(args=["import-committees"])

    _incomplete(result, as_user, "Parliament select committees",
                "Incomplete: read 4 of 7 open calls for evidence; page 2 (Skip=3) failed: "
                "/api/CommitteeBusiness: HTTP 500 after 4 attempts")
    assert "error: open calls for evidence, page 2 (Skip=3): " in result.output
    # Paging went on past the failed page: the items of pages 1 and 3 were imported.
    assert _ids("committees") == {"9101", "9102", "9103", "9107"}
    assert _run().listed == 4 and _run().declared == 7


def test_committees_a_page_timing_out_makes_the_run_incomplete(app, committees_api, import_committees, monkeypatch):
    monkeypatch.setitem(app.config, "GOVUK_READ_TIMEOUT", 0.2)
    monkeypatch.setitem(app.config, "GOVUK_MAX_RETRIES", 1)
    _publish_calls(committees_api)
    committees_api.stalled_pages.add(("business", 3))
    committees_api.stall_seconds = 1.0

    result = import_committees()

    assert result.exit_status == 1
    assert result.incomplete == ("Incomplete: read 4 of 7 open calls for evidence; page 2 (Skip=3) failed: "
                                 "/api/CommitteeBusiness: ReadTimeout after 2 attempts")
    assert _ids("committees") == {"9101", "9102", "9103", "9107"}
    assert _run().incomplete == result.incomplete


def test_committees_a_declared_total_the_pages_never_reach_is_incomplete(app, as_user, committees_api):
    _publish_calls(committees_api)
    committees_api.declared_extra = 2  # says 9, has 7

    result = app.test_cli_runner().invoke(args=["import-committees"])

    _incomplete(result, as_user, "Parliament select committees",
                "Incomplete: read 7 of 9 open calls for evidence; the pages ended before the declared total")
    assert _offsets(committees_api, "/api/CommitteeBusiness", "Skip") == [0, 3, 6, 7]  # until an empty page
    assert len(_ids("committees")) == 7
    assert (_run().listed, _run().declared) == (7, 9)


def test_committees_the_first_page_failing_reads_nothing_and_says_the_total_is_unknown(
    committees_api, import_committees
):
    _publish_calls(committees_api)
    committees_api.broken_pages.add(("business", 0))

    result = import_committees()

    assert result.incomplete == ("Incomplete: read 0 open calls for evidence (the total is unknown); page 1 (Skip=0) "
                                 "failed: /api/CommitteeBusiness: HTTP 500 after 4 attempts")
    assert result.exit_status == 1 and _ids("committees") == set()
    assert (_run().listed, _run().declared) == (0, None)


# --- GOV.UK search ------------------------------------------------------------------------------


def test_govuk_a_search_giving_fewer_results_than_asked_for_is_read_to_the_end(app, as_user, govuk):
    _publish_consultations(govuk)
    govuk.short_pages = [2, 1, 3]  # count=3 each time

    result = app.test_cli_runner().invoke(args=["import-govuk"])

    assert _offsets(govuk, "/api/search.json", "start", "open_consultation") == [0, 2, 3, 6]
    _complete(result, app, as_user, "govuk", "GOV.UK")


def test_govuk_a_search_capping_count_is_read_to_the_end(app, as_user, govuk, monkeypatch):
    monkeypatch.setitem(app.config, "GOVUK_PAGE_SIZE", 100)
    _publish_consultations(govuk)
    govuk.max_take = 5

    result = app.test_cli_runner().invoke(args=["import-govuk"])

    assert _offsets(govuk, "/api/search.json", "start", "open_consultation") == [0, 5]
    _complete(result, app, as_user, "govuk", "GOV.UK")


def test_govuk_a_search_page_failing_mid_way_makes_the_run_incomplete_and_keeps_what_was_read(
    app, as_user, govuk
):
    _publish_consultations(govuk)
    govuk.broken_pages.add(("open_consultation", 3))

    result = app.test_cli_runner().invoke(args=["import-govuk"])

    _incomplete(result, as_user, "GOV.UK",
                "Incomplete: read 4 of 7 open consultations; page 2 (start=3) failed: "
                "/api/search.json: HTTP 500 after 4 attempts")
    assert _ids("govuk") == {f"00000000-0000-4000-8000-{n:012d}" for n in (1, 2, 3, 7)}
    # The other listing was read in full and is not blamed.
    assert "open calls for evidence" not in _run().incomplete


def test_govuk_a_search_page_timing_out_makes_the_run_incomplete(app, govuk, run_import, monkeypatch):
    monkeypatch.setitem(app.config, "GOVUK_READ_TIMEOUT", 0.2)
    monkeypatch.setitem(app.config, "GOVUK_MAX_RETRIES", 1)
    _publish_consultations(govuk)
    govuk.stalled_pages.add(("open_consultation", 3))
    govuk.stall_seconds = 1.0

    result = run_import()

    assert result.exit_status == 1
    assert result.incomplete == ("Incomplete: read 4 of 7 open consultations; page 2 (start=3) failed: "
                                 "/api/search.json: ReadTimeout after 2 attempts")
    assert len(_ids("govuk")) == 4


def test_govuk_a_declared_total_the_pages_never_reach_is_incomplete(app, as_user, govuk):
    _publish_consultations(govuk)
    govuk.add(*make_item(8, document_type="open_call_for_evidence"))
    govuk.declared_extra = 1  # on both listings

    result = app.test_cli_runner().invoke(args=["import-govuk"])

    _incomplete(result, as_user, "GOV.UK",
                "Incomplete: read 7 of 8 open consultations; the pages ended before the declared total. "
                "Read 1 of 2 open calls for evidence; the pages ended before the declared total")
    assert len(_ids("govuk")) == 8


def test_govuk_a_list_that_moves_while_it_is_read_is_incomplete(govuk, run_import):
    """A consultation published between two pages pushes the others along: page 2 repeats the
    last of page 1 and the new one is never seen, though as many rows came as were declared."""
    items = [make_item(n) for n in range(1, 8)]
    first_page = {"results": [r for r, _ in items[:3]], "total": 7, "start": 0}
    newcomer = make_item(99, title="Published while we read")
    govuk.add(*newcomer)
    for item in items:
        govuk.add(*item)
    govuk.script["/api/search.json"] = [(200, json.dumps(first_page).encode(), {})]

    result = run_import()

    assert result.incomplete == ("Incomplete: read 7 of 8 open consultations; 1 was listed twice, so the list "
                                 "changed while it was read and what moved may have been passed over")
    assert result.exit_status == 1
    assert "00000000-0000-4000-8000-000000000099" not in _ids("govuk")


def test_an_empty_list_is_complete(govuk, run_import):
    result = run_import()
    assert result.incomplete == "" and result.exit_status == 0
    assert (result.listed, result.declared) == (0, 0)
    assert db.session.scalar(select(func.count(IntakeItem.id))) == 0


# --- The pager itself, on pages built in the test ------------------------------------------------


def _pages_of(rows: int, *, total: int | None, cap: int = 10, max_pages: int = 200) -> list[paging.Listing]:
    def fetch(offset: int) -> dict[str, Any]:
        page: dict[str, Any] = {"items": list(range(offset, min(rows, offset + cap)))}
        if total is not None:
            page["totalResults"] = total
        return page

    return list(paging.paged(fetch, listing="things", rows_key="items", total_key="totalResults",
                             offset_name="Skip", page_size=30, max_pages=max_pages))


def test_without_a_declared_total_paging_goes_on_to_an_empty_page():
    pages = _pages_of(25, total=None)

    assert [(p.at, len(p.results)) for p in pages if isinstance(p, paging.Page)] == [
        ("Skip=0", 10), ("Skip=10", 10), ("Skip=20", 5), ("Skip=25", 0)]


def test_a_list_that_never_ends_is_cut_off_and_says_so():
    pages = _pages_of(10**6, total=None, max_pages=3)

    assert isinstance(pages[-1], paging.PageFailure)
    assert pages[-1].message == "stopped after 3 pages before the end of the list"
    assert sum(len(p.results) for p in pages if isinstance(p, paging.Page)) == 30
