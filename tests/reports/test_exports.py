"""Downloads: CSV and Excel of the report's tables and of the consultation list, UK dates,
stable columns, and no text a spreadsheet would run as a formula (tracker/exports.py)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from tests import factories
from tracker import exports
from tracker.extensions import db
from tracker.models import Status
from tracker.reports import rows

Q2 = "period=2026-Q2"
HOSTILE = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.mimetype == exports.XLSX_MIMETYPE
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_is_neutralised(text: str) -> None:
    assert exports.neutralise(text) == "'" + text
    assert exports.csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Plain text", "Bus services: =fares", " =not first", "", "3-2"])
def test_other_text_is_left_alone(value: str) -> None:
    assert exports.neutralise(value) == value


def test_cells_of_each_kind() -> None:
    assert exports.csv_cell(None) == ""
    assert exports.csv_cell(True) == "Yes" and exports.csv_cell(False) == "No"
    assert exports.csv_cell(-3) == -3 and exports.csv_cell(1.5) == 1.5  # numbers stay numbers
    assert exports.csv_cell(date(2026, 3, 31)) == "31/03/2026"
    # 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April.
    assert exports.csv_cell(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "01/04/2026 00:30"


def test_a_workbook_keeps_hostile_text_as_text() -> None:
    data = exports.workbook_bytes([exports.Table("Odd [name]: *?/", ["=a", "b"],
                                                 [[t, -1] for t in HOSTILE] + [[datetime(2026, 7, 1, 12, tzinfo=UTC), date(2026, 7, 2)]])])
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Odd  name"  # Excel's forbidden characters replaced
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["'=a", "b"]
    assert [r[0] for r in values[1:-1]] == ["'" + t for t in HOSTILE]
    assert all(cell.data_type == "s" for cell in sheet["A"][1:-1])  # never a formula
    assert [r[1] for r in values[1:-1]] == [-1] * len(HOSTILE)
    # UK wall-clock time (13:00 BST), as a real date cell shown the UK way.
    assert values[-1][0] == datetime(2026, 7, 1, 13, 0) and values[-1][1] == datetime(2026, 7, 2)
    assert sheet["A8"].number_format == "dd/mm/yyyy hh:mm" and sheet["B8"].number_format == "dd/mm/yyyy"


QUARTERS_HEADER = ["quarter", "received", "decided_respond", "decided_monitor", "decided_no_response",
                   "submitted", "submitted_by_internal_deadline", "submitted_before_closing", "missed",
                   "average_supporting_cities", "outcome_published", "taken_up_in_full", "taken_up_in_part",
                   "not_taken_up"]


def test_the_quarters_table_as_csv_and_excel(network, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("coordinator")
    response = client.get(f"/reports/download.csv?table=quarters&{Q2}")
    assert 'filename="key-cities-quarters-2026-04-01-to-2026-06-30.csv"' in response.headers["Content-Disposition"]
    assert _csv(response) == [QUARTERS_HEADER, ["2026 Q2", "7", "4", "1", "1", "3", "1", "2", "1", "1.3", "2", "0", "1", "1"]]
    assert _xlsx(client.get(f"/reports/download.xlsx?table=quarters&{Q2}")) == [
        QUARTERS_HEADER, ["2026 Q2", 7, 4, 1, 1, 3, 1, 2, 1, 1.3, 2, 0, 1, 1]]


def test_every_report_table_downloads(network, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("coordinator")
    areas = _csv(client.get(f"/reports/download.csv?table=work-areas&{Q2}"))
    assert areas[0][0] == "work_area" and len(areas) == 11  # nine areas and "No work area"
    assert dict((r[0], r[1]) for r in areas[1:])["Transport"] == "4"
    assert [r[0] for r in _xlsx(client.get(f"/reports/download.xlsx?table=lead-cities&{Q2}"))] == [
        "lead_city", "Hull", "Salford", "No lead city yet"]
    members = {r[0]: r[1:] for r in _csv(client.get(f"/reports/download.csv?table=member-cities&{Q2}"))}
    assert members["city"] == ["led", "contributed_to", "supported", "gave_evidence"]
    assert members["Newport"] == ["0", "2", "1", "0"]


def test_the_consultations_a_report_counts(network, as_user) -> None:  # type: ignore[no-untyped-def]
    table = _csv(as_user("coordinator").get(f"/reports/download.csv?table=consultations&{Q2}"))
    assert table[0] == list(rows.COLUMNS)
    by_title = {r[1]: dict(zip(table[0], r, strict=True)) for r in table[1:]}
    assert sorted(by_title) == [f"Consultation {n}" for n in "ACDEGHI"]
    a = by_title["Consultation A"]
    assert a["received_at"] == "01/04/2026 00:30"  # UK time
    assert a["submitted_at"] == "11/05/2026 00:30"
    assert (a["submitted_by_internal_deadline"], a["submitted_before_closing"]) == ("No", "Yes")
    assert a["internal_deadline"] == "10/05/2026" and a["supporting_cities"] == "3"
    assert a["status"] == "Submitted" and a["decision"] == "Respond" and a["lead_city"] == "Hull"
    assert a["tracker_url"].endswith(f"/consultations/{network.by_name['A'].id}")
    c = by_title["Consultation C"]
    assert (c["submitted_by_internal_deadline"], c["taken_up"], c["outcome_published_on"]) == ("Yes", "Partly", "01/09/2026")
    assert by_title["Consultation H"]["submitted_at"] == "" and by_title["Consultation H"]["work_area"] == ""
    # A policy lead's download is their city's, as their page.
    lead_rows = _csv(as_user("lead").get(f"/reports/download.csv?table=consultations&{Q2}"))
    assert sorted(r[1] for r in lead_rows[1:]) == ["Consultation A", "Consultation E", "Consultation I"]


def test_a_download_with_a_bad_period_is_refused(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("coordinator")
    response = client.get("/reports/download.csv?table=quarters&period=custom&start=1&start=4&start=2026")
    assert response.status_code == 400
    assert "Enter the end date" in response.get_data(as_text=True)
    missing = client.get("/reports/download.csv?table=nothing")
    assert missing.status_code == 404 and "There is no report table of that name" in missing.get_data(as_text=True)
    assert client.get("/reports/download.csv").status_code == 404
    assert client.get("/reports/download.pdf?table=quarters").status_code == 404


def test_the_consultation_list_downloads_with_its_filters(as_user) -> None:  # type: ignore[no-untyped-def]
    submitted = factories.make_consultation(Status.SUBMITTED, title=HOSTILE[0], area="Housing")
    factories.make_consultation(Status.NEW, title="@not submitted", area="Housing")
    factories.make_consultation(Status.SUBMITTED, title="Transport one", area="Transport")
    db.session.commit()
    client = as_user("contributor")
    housing = factories.work_area("Housing").id
    page = client.get(f"/consultations/?status=submitted&work_area={housing}").get_data(as_text=True)
    assert f'href="/consultations/download.csv?status=submitted&amp;work_area={housing}"' in page
    assert f'href="/consultations/download.xlsx?status=submitted&amp;work_area={housing}"' in page
    assert "Download CSV" in page and "Download Excel" in page

    table = _csv(client.get(f"/consultations/download.csv?status=submitted&work_area={housing}"))
    assert table[0] == list(rows.COLUMNS)
    assert [(r[0], r[1]) for r in table[1:]] == [(str(submitted.id), "'" + HOSTILE[0])]
    sheet = _xlsx(client.get(f"/consultations/download.xlsx?status=submitted&work_area={housing}"))
    assert sheet[1][:2] == [submitted.id, "'" + HOSTILE[0]]
    assert sheet[1][10] == exports.to_uk(submitted.closes_at).replace(tzinfo=None)  # closes_at, UK time
    everything = _csv(client.get("/consultations/download.csv"))
    assert len(everything) == 4 and "'@not submitted" in [r[1] for r in everything]


def test_a_list_download_with_bad_filters_is_refused(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("coordinator").get("/consultations/download.csv?status=nonsense")
    assert response.status_code == 400
    assert "is not a status" in response.get_data(as_text=True)


def test_the_csv_streams(as_user) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        factories.make_consultation(Status.NEW, title=f"Streamed {n}")
    db.session.commit()
    response = as_user("coordinator").get("/consultations/download.csv", buffered=False)
    assert response.is_streamed
    assert len(list(csv.reader(io.StringIO(response.get_data(as_text=True)[1:])))) == 4


@pytest.fixture
def excel_limit_2(app):  # type: ignore[no-untyped-def]
    app.config["XLSX_MAX_ROWS"] = 2
    yield
    del app.config["XLSX_MAX_ROWS"]


def test_excel_stops_at_its_limit_and_csv_does_not(as_user, excel_limit_2) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        factories.make_consultation(Status.NEW, title=f"Many {n}")
    db.session.commit()
    client = as_user("coordinator")
    page = client.get("/consultations/").get_data(as_text=True)
    assert "download.csv" in page and "download.xlsx" not in page
    assert "Excel downloads stop at 2" in page
    refused = client.get("/consultations/download.xlsx")
    assert refused.status_code == 400
    assert "That is 3 rows: Excel downloads stop at 2. Download CSV instead" in refused.get_data(as_text=True)
    assert len(_csv(client.get("/consultations/download.csv"))) == 4
    # Two of them are within the limit.
    assert len(_xlsx(client.get("/consultations/download.xlsx?q=Many 1"))) == 2

    report = client.get("/reports").get_data(as_text=True)
    assert "table=consultations" in report and "download.xlsx?table=consultations" not in report
    assert client.get("/reports/download.xlsx?table=consultations").status_code == 400
    assert len(_csv(client.get("/reports/download.csv?table=consultations"))) == 4
