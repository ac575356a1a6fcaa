"""Validation of the drafts forms (issue 11): messages written for this service, never the
library's defaults; the outcome cannot predate the submission; all of a form's errors at once."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from tracker.drafts import queries
from tracker.extensions import db
from tracker.models import Status
from tracker.models.drafts import Outcome, Submission
from tracker.timeutil import to_uk, uk_instant, utcnow

LIBRARY_DEFAULTS = ("Not a valid date value", "Field cannot be longer than", "Not a valid integer value",
                    "Invalid URL", "This field is required", "Invalid Choice", "Not a valid choice")


def _summary(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary is not None, "no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def _no_defaults(html: str) -> None:
    for text in LIBRARY_DEFAULTS:
        assert text not in html, text


def _submitted_on(make_draft, users, day: date):  # type: ignore[no-untyped-def]
    consultation = make_draft(Status.SUBMITTED, closes_in_days=-30)
    version = queries.current_version(queries.get_response(consultation))
    db.session.add(Submission(consultation_id=consultation.id, version_id=version.id, method="email",
                              submitted_at=uk_instant(day, time(10, 0)), reference="", recorded_by_id=users["coordinator"].id))
    db.session.commit()
    return consultation


def test_an_outcome_dated_before_the_submission_is_refused_on_the_field(make_draft, users, as_user) -> None:
    consultation = _submitted_on(make_draft, users, date(2026, 3, 10))
    r = as_user("coordinator").post(f"/consultations/{consultation.id}/outcome", data={
        "url": "https://www.gov.uk/outcome", "published_on": ["9", "3", "2026"], "taken_up": "yes",
        "notes": "", "version": consultation.version})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Date published must be the same as or after 10 March 2026, when the response was submitted" in html
    assert _summary(html) == ["published_on"]
    assert 'value="9"' in html  # the typed date is kept
    assert db.session.scalar(db.select(Outcome)) is None
    # The same day is fine.
    r = as_user("coordinator").post(f"/consultations/{consultation.id}/outcome", data={
        "url": "https://www.gov.uk/outcome", "published_on": ["10", "3", "2026"], "taken_up": "yes",
        "notes": "", "version": consultation.version})
    assert r.status_code == 302


def test_every_outcome_error_is_shown_at_once(make_draft, users, as_user) -> None:
    consultation = _submitted_on(make_draft, users, date(2026, 3, 10))
    r = as_user("coordinator").post(f"/consultations/{consultation.id}/outcome", data={
        "url": "http://example.com/" + "a" * 600, "published_on": ["1", "1", "2026"], "taken_up": "",
        "notes": "", "version": consultation.version})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert set(_summary(html)) == {"url", "published_on", "taken_up"}
    assert "Enter the whole link, starting with https://" in html
    assert "when the response was submitted" in html
    _no_defaults(html)


def test_a_long_outcome_link_has_a_service_message(make_draft, users, as_user) -> None:
    consultation = _submitted_on(make_draft, users, date(2026, 3, 10))
    r = as_user("coordinator").post(f"/consultations/{consultation.id}/outcome", data={
        "url": "https://www.gov.uk/" + "a" * 600, "published_on": ["11", "3", "2026"], "taken_up": "yes",
        "notes": "", "version": consultation.version})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Link to the government&#39;s response must be 500 characters or fewer" in html
    _no_defaults(html)


def test_a_submission_in_the_future_is_shown_with_the_other_errors(make_draft, as_user) -> None:
    consultation = make_draft(Status.APPROVED, closes_in_days=-3)
    tomorrow = to_uk(utcnow()).date() + timedelta(days=2)
    r = as_user("coordinator").post(f"/consultations/{consultation.id}/submission", data={
        "method": "", "submitted_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
        "submitted_time": "10:00", "reference": "R" * 201, "version": consultation.version})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert set(_summary(html)) == {"method", "submitted_on", "reference"}
    assert "Date and time submitted must be now or in the past" in html
    assert "Reference must be 200 characters or fewer" in html
    _no_defaults(html)
    assert db.session.scalar(db.select(Submission)) is None


def test_a_crafted_method_and_answer_are_service_messages(make_draft, users, as_user) -> None:
    approved = make_draft(Status.APPROVED, closes_in_days=-3)
    r = as_user("coordinator").post(f"/consultations/{approved.id}/submission", data={
        "method": "carrier pigeon", "submitted_on": ["1", "3", "2026"], "submitted_time": "10:00",
        "version": approved.version})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "Choose how the response was submitted." in html
    _no_defaults(html)
    submitted = _submitted_on(make_draft, users, date(2026, 3, 10))
    r = as_user("coordinator").post(f"/consultations/{submitted.id}/outcome", data={
        "published_on": ["11", "3", "2026"], "taken_up": "maybe", "version": submitted.version})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "Choose yes, partly or no." in html
    _no_defaults(html)


def test_a_long_version_note_has_a_service_message(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING, versions=["First."])
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/edit",
                             data={"base_version": "1", "body": "Second.", "note": "n" * 301, "save": "Save version"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Note about this version must be 300 characters or fewer" in html
    assert 'value="' + "n" * 301 + '"' in html
    _no_defaults(html)


def test_a_crafted_base_version_is_not_a_library_message(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING, versions=["First."])
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/edit",
                             data={"base_version": "one", "body": "Second.", "save": "Save version"})
    assert r.status_code == 400
    _no_defaults(r.get_data(as_text=True))


def test_a_long_library_search_has_a_service_message(as_user) -> None:
    r = as_user("contributor").get("/consultations/library", query_string={"q": "bus " * 60})
    html = r.get_data(as_text=True)
    assert "Words or phrase must be 200 characters or fewer" in html
    _no_defaults(html)

