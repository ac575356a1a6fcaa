"""A malformed published item fails the first run (exit 1) and, unchanged and failing the same way,
is "known bad, already reported" on the next (exit 0, still listed on the runs page): the hourly
alarm rings once, not forever. A change to the item, a different failure, or the service failing
to give it is news again."""

from __future__ import annotations

import html as html_lib
from typing import Any

from sqlalchemy import select

from tests.intake.govuk_server import SAMPLE_DIR
from tracker.extensions import db
from tracker.models.intake import ImportProblem, ImportRun, IntakeItem

BAD_DATE = "committee business 9104: closing date 'soon' is not a date"


def _business(n: int, **changes: Any) -> dict[str, Any]:
    return {"id": 9100 + n, "title": f"Inquiry number {n}", "closeDate": "2027-04-01",
            "committee": {"id": 153, "name": "Transport Committee"}, **changes}


def _publish_with_one_bad(server) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    for n in (1, 2, 3):
        server.publish(_business(n))
    bad = _business(4, closeDate="soon")
    server.publish(bad)
    return bad


def _import(app, command: str = "import-committees", *args: str):  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=[command, *args])
    db.session.expire_all()
    return result


def _problems() -> list[tuple[str, str, str]]:
    return [(p.source, p.item_key, p.message) for p in db.session.scalars(select(ImportProblem))]


def _runs() -> list[ImportRun]:
    return list(db.session.scalars(select(ImportRun).order_by(ImportRun.id)))


def _page(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200
    return " ".join(html_lib.unescape(response.get_data(as_text=True)).split())


def test_a_malformed_item_fails_the_first_run_only_and_stays_listed(app, as_user, committees_api):
    admin, coordinator = as_user("admin"), as_user("coordinator")
    _publish_with_one_bad(committees_api)

    first = _import(app)

    assert first.exit_code == 1, first.output
    assert f"error: {BAD_DATE}" in first.output
    assert "1 item or page could not be read or saved" in first.output
    assert "Complete: read 4 of 4 listed items." in first.output  # the list was read; the item is bad
    assert _problems() == [("committees", "9104", "closing date 'soon' is not a date")]

    second = _import(app)

    assert second.exit_code == 0, second.output
    assert "error:" not in second.output
    assert f"known bad, already reported: {BAD_DATE} (reported first " in second.output
    assert "Complete: read 4 of 4 listed items." in second.output
    first_run, second_run = _runs()
    assert (first_run.error_count, first_run.known_bad_count) == (1, 0)
    assert (second_run.error_count, second_run.known_bad_count) == (0, 1)
    assert second_run.known_bad.startswith(BAD_DATE)
    assert len(_problems()) == 1
    assert len(db.session.scalars(select(IntakeItem)).all()) == 3
    runs_page = _page(admin, "/intake/runs")
    assert "1 known bad, already reported" in runs_page and f"{BAD_DATE} (reported first" in runs_page
    assert "1 error" in runs_page  # the first run's, still there
    assert "1 known bad (already reported)" in _page(coordinator, "/intake/")


def test_a_changed_or_differently_failing_item_is_news_again(app, committees_api):
    bad = _publish_with_one_bad(committees_api)
    assert [_import(app).exit_code for _ in range(2)] == [1, 0]

    bad["title"] = "Inquiry number 4, retitled"  # changed since, still malformed
    committees_api.details["9104"] = dict(bad)
    assert [_import(app).exit_code for _ in range(2)] == [1, 0]

    committees_api.details["9104"]["closeDate"] = "later"  # the list unchanged, another failure
    differently = _import(app)
    assert differently.exit_code == 1
    assert "error: committee business 9104: closing date 'later' is not a date" in differently.output
    assert _import(app).exit_code == 0

    committees_api.details["9104"]["closeDate"] = "2027-05-01"  # mended
    mended = _import(app)
    assert mended.exit_code == 0 and "known bad" not in mended.output
    assert _problems() == []
    assert db.session.scalar(select(IntakeItem).where(IntakeItem.content_id == "9104")) is not None


def test_a_row_without_an_id_is_remembered_by_what_it_holds(committees_api, import_committees):
    committees_api.publish(_business(1))
    committees_api.business.append({"title": "Listed without an id"})

    first, second = import_committees(), import_committees()

    assert (first.exit_status, second.exit_status) == (1, 0)
    assert second.known_bad[0].startswith("Listed without an id: no business id in the listed item (reported first")
    (problem,) = db.session.scalars(select(ImportProblem)).all()
    assert problem.item_key.startswith("listed:")

    committees_api.business[-1]["title"] = "Listed without an id, renamed"
    assert import_committees().exit_status == 1


def test_a_service_failing_to_give_an_item_is_news_on_every_run(committees_api, import_committees):
    committees_api.publish(_business(1))
    committees_api.publish(_business(2))
    committees_api.details["9102"] = (500, b"Internal Server Error")

    runs = [import_committees() for _ in range(2)]

    assert [r.exit_status for r in runs] == [1, 1]
    assert all("HTTP 500 after 4 attempts" in r.errors[0] for r in runs)
    assert runs[1].known_bad == []
    assert _problems() == []


def test_a_known_bad_item_that_leaves_the_list_is_forgotten(committees_api, import_committees):
    bad = _publish_with_one_bad(committees_api)
    import_committees()
    committees_api.business.remove(bad)

    gone = import_committees()

    assert gone.exit_status == 0 and _problems() == []
    committees_api.business.append(bad)  # published again, as malformed as before: news
    assert import_committees().exit_status == 1


def test_an_incomplete_run_keeps_what_it_knew_of_the_pages_it_did_not_read(committees_api, import_committees):
    _publish_with_one_bad(committees_api)  # pages of three: the bad one is on page 2 (Skip=3)
    assert import_committees().exit_status == 1
    committees_api.broken_pages.add(("business", 3))

    incomplete = import_committees()

    assert incomplete.exit_status == 1 and incomplete.incomplete.startswith("Incomplete: read 3 of 4")
    assert len(_problems()) == 1
    committees_api.broken_pages.clear()
    again = import_committees()
    assert again.exit_status == 0 and again.known_bad[0].startswith(BAD_DATE)


def test_govuk_recorded_set_with_a_malformed_item_exits_1_once(app):
    first = _import(app, "import-govuk", "--from-dir", str(SAMPLE_DIR))
    second = _import(app, "import-govuk", "--from-dir", str(SAMPLE_DIR))

    assert first.exit_code == 1 and "is not a date" in first.output
    assert second.exit_code == 0, second.output
    assert "known bad, already reported: " in second.output and "is not a date" in second.output
    assert "Complete: read 11 of 11 listed items." in second.output


def test_a_dry_run_remembers_nothing(app, committees_api):
    _publish_with_one_bad(committees_api)

    dry = _import(app, "import-committees", "--dry-run")

    assert dry.exit_code == 1 and f"error: {BAD_DATE}" in dry.output
    db.session.remove()
    assert _problems() == [] and _runs() == []
    assert _import(app).exit_code == 1  # the first real run still reports it
