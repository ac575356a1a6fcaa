"""The bad-input cases of issue 8, one by one: each gave a 500 (or stored what it should not)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField

from tests import factories
from tracker.extensions import db
from tracker.forms import BaseForm, UKDateField, parse_time
from tracker.models import Consultation
from tracker.pagination import MAX_PAGE, requested_page
from tracker.routing import MAX_ID, parse_id


def _errors(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<span[^>]*>Error:</span>|<[^>]+>", " ", m)).strip()
            for m in re.findall(r'class="govuk-error-message">(.*?)</p>', html, re.S)]


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Consultation)) or 0


def consultation_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Local bus services",
        "issuing_organisation": "Department for Transport",
        "url": "https://www.gov.uk/government/consultations/buses",
        "summary": "Seeking views on bus franchising.",
        "opened_on": ["", "", ""],
        "closes_on": ["27", "3", str(factories.uk_today().year + 1)],
        "closes_time": "23:59",
    }
    data.update(overrides)
    return data


# --- ids past the database's range ---------------------------------------------------------


@pytest.mark.parametrize("url", [
    f"/consultations/{2**31}",
    f"/consultations/{10**40}",
    f"/consultations/1/response/versions/{2**31}",
    f"/admin/users/{2**63}",
])
def test_ids_past_the_integer_range_are_404(as_user, url: str) -> None:
    response = as_user("admin").get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_api_ids_past_the_range_are_404_json(as_user) -> None:
    response = as_user("coordinator").get("/api/cities/99999999999/policy-leads")
    assert response.status_code == 404
    assert response.is_json and response.json["status"] == 404


@pytest.mark.parametrize("page", [str(2**31), str(10**40), "\u00b2", "-1", "abc"])
def test_page_numbers_past_any_list_do_not_fail(as_user, page: str) -> None:
    client = as_user("admin")
    for url in ("/admin/users", "/admin/activity", "/notifications", "/intake/", "/consultations/library",
                "/consultations/"):
        assert client.get(url, query_string={"page": page}).status_code == 200, url


def test_parse_id_and_page_number_bounds() -> None:
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id(str(MAX_ID + 1)) is None
    assert parse_id("0") is None and parse_id("\u00b2") is None and parse_id("1" * 5000) is None
    assert requested_page({"page": str(MAX_PAGE)}) == MAX_PAGE
    # Past MAX_PAGE is "past the end" (the list shows its last page), however long the number.
    assert requested_page({"page": str(MAX_PAGE + 1)}) == MAX_PAGE
    assert requested_page({"page": "9" * 5000}) == MAX_PAGE
    assert requested_page({}) == 1
    for first in ("", " ", "0", "-3", "abc", "\u00b2", "1.5"):
        assert requested_page({"page": first}) == 1, first


# --- control characters ------------------------------------------------------------------


def test_nul_in_a_search_term_is_a_clear_400(as_user) -> None:
    response = as_user("coordinator").get("/consultations/", query_string={"q": "bus\x00"})
    assert response.status_code == 400
    assert "hidden control character" in response.get_data(as_text=True)


def test_nul_in_a_title_is_a_field_error_and_the_text_is_kept(as_user) -> None:
    before = _count()
    response = as_user("coordinator").post("/consultations/new", data=consultation_form(title="Buses\x00 and trams"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Title contains a hidden control character" in " ".join(_errors(html))
    assert "Buses" in html and "and trams" in html
    assert _count() == before


def test_a_title_with_a_line_break_is_refused(as_user) -> None:
    before = _count()
    response = as_user("coordinator").post(
        "/consultations/new", data=consultation_form(title="Buses\r\nBcc: someone@example.com"))
    assert response.status_code == 400
    assert "Title must be on one line" in _errors(response.get_data(as_text=True))
    assert _count() == before


def test_line_breaks_are_fine_in_multi_line_text(as_user) -> None:
    response = as_user("coordinator").post(
        "/consultations/new", data=consultation_form(summary="First paragraph.\r\n\r\nSecond\tparagraph."))
    assert response.status_code == 302
    consultation = db.session.scalar(select(Consultation).order_by(Consultation.id.desc()))
    assert consultation is not None and "Second\tparagraph." in consultation.summary


class _Form(BaseForm):
    class Meta:
        csrf = False

    title = StringField("Title")
    body = TextAreaField("Text")


@pytest.mark.parametrize(("title", "body", "field", "message"), [
    ("ok", "bell\x07", "body", "Text contains a hidden control character"),
    ("ok", "escape \x1b[31m", "body", "Text contains a hidden control character"),
    ("one\ntwo", "ok", "title", "Title must be on one line"),
    ("one\u2028two", "ok", "title", "Title must be on one line"),
    ("tab\there", "ok", "title", "Title contains a hidden control character"),
    ("del\x7f", "ok", "title", "Title contains a hidden control character"),
])
def test_base_form_refuses_control_characters(app, title: str, body: str, field: str, message: str) -> None:
    with app.test_request_context(method="POST", data={"title": title, "body": body}):
        form = _Form()
        assert not form.validate()
        assert any(e.startswith(message) for e in form.errors[field])
        assert form.data[field] == {"title": title, "body": body}[field]  # kept as typed


def test_base_form_accepts_ordinary_text(app) -> None:
    with app.test_request_context(method="POST", data={"title": "Café – “quotes”", "body": "a\r\nb\tc"}):
        assert _Form().validate()


# --- dates ---------------------------------------------------------------------------------


class _DateForm(BaseForm):
    class Meta:
        csrf = False

    when = UKDateField("Date published")


@pytest.mark.parametrize(("parts", "message"), [
    (["12"], "Date published must include a month and year"),
    (["12", "", "2027"], "Date published must include a month"),
    (["", "", "2027"], "Date published must include a day and month"),
    (["1", "1", "9" * 40], "Year must include 4 numbers"),
    (["1", "1", "27"], "Year must include 4 numbers"),
    (["31", "2", "2027"], "Date published must be a real date"),
    (["ab", "1", "2027"], "Date published must be a real date"),
    (["\u00b2", "1", "2027"], "Date published must be a real date"),
    (["1", "13", "2027"], "Date published must be a real date"),
])
def test_date_field_messages(app, parts: list[str], message: str) -> None:
    with app.test_request_context(method="POST", data=MultiDict([("when", p) for p in parts])):
        form = _DateForm()
        assert not form.validate()
        assert form.errors["when"] == [message]
        assert form.when.raw_data is not None and len(form.when.raw_data) == 3


def test_a_date_missing_from_the_request_renders_again(app) -> None:
    with app.test_request_context(method="POST", data={}):
        form = _DateForm()
        form.validate()
        assert 'name="when"' in str(form.when())


def test_parse_time() -> None:
    assert parse_time("9.05") is not None and parse_time("23:59") is not None
    assert parse_time("24:00") is None and parse_time("") is None and parse_time(None) is None


def test_a_forty_digit_year_on_the_new_consultation_form(as_user) -> None:
    before = _count()
    response = as_user("coordinator").post("/consultations/new", data=consultation_form(closes_on=["1", "1", "9" * 40]))
    assert response.status_code == 400
    assert "Year must include 4 numbers" in _errors(response.get_data(as_text=True))
    assert _count() == before
