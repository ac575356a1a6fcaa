"""A consultation's issuer type: chosen when logged by hand, edited, shown, logged, never a 500."""

from __future__ import annotations

import html as html_lib

from sqlalchemy import select

from tests import factories
from tests.consultations.conftest import consultation_form, reload
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation, IssuerType


def _summary_value(page: str, key: str) -> str:
    """The text of a summary list row's value, by its key."""
    text = html_lib.unescape(page)
    start = text.index(f"{key}\n") if f"{key}\n" in text else text.index(key)
    value = text.index('class="govuk-summary-list__value"', start)
    return text[text.index(">", value) + 1 : text.index("</dd>", value)].strip()


def test_logging_by_hand_offers_each_issuer_type_and_defaults_to_a_department(as_user) -> None:
    page = as_user("coordinator").get("/consultations/new").get_data(as_text=True)

    for label in ("Government department", "Select committee", "Commission", "Other body"):
        assert label in page
    assert 'value="government_department" checked' in page


def test_a_select_committee_logged_by_hand_keeps_its_issuer_type(as_user) -> None:
    client = as_user("coordinator")
    response = client.post("/consultations/new", data=consultation_form(
        title="Pre-legislative scrutiny of the buses bill", issuing_organisation="Transport Committee",
        issuer_type="select_committee", url="https://committees.parliament.uk/work/9001/"))

    assert response.status_code == 302
    row = db.session.scalar(select(Consultation).where(Consultation.title.startswith("Pre-legislative")))
    assert row is not None and row.issuer_type == IssuerType.SELECT_COMMITTEE
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _summary_value(page, "Issuer type") == "Select committee"
    assert "View the call for evidence on the committee&#39;s page" in page or \
        "View the call for evidence on the committee's page" in html_lib.unescape(page)


def test_a_form_without_the_choice_logs_a_department(as_user) -> None:
    response = as_user("coordinator").post("/consultations/new", data=consultation_form())

    assert response.status_code == 302
    row = db.session.scalar(select(Consultation).where(Consultation.title == "Bus services: franchising guidance"))
    assert row is not None and row.issuer_type == IssuerType.GOVERNMENT_DEPARTMENT


def test_an_unknown_issuer_type_is_a_form_error_and_keeps_what_was_typed(as_user) -> None:
    response = as_user("coordinator").post("/consultations/new", data=consultation_form(
        title="Kept title", issuer_type="quango"))

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Not a valid choice" in page
    assert 'value="Kept title"' in page
    assert db.session.scalar(select(Consultation).where(Consultation.title == "Kept title")) is None


def test_editing_changes_the_issuer_type_and_the_history_says_so(as_user) -> None:
    consultation = factories.make_consultation(title="Electoral registration", organisation="Electoral Commission")
    db.session.commit()
    client = as_user("coordinator")
    form = client.get(f"/consultations/{consultation.id}/edit").get_data(as_text=True)
    assert 'value="government_department" checked' in form

    data = consultation_form(title="Electoral registration", issuing_organisation="Electoral Commission",
                             issuer_type="commission", version=str(consultation.version))
    data.pop("opened_on")
    response = client.post(f"/consultations/{consultation.id}/edit", data=data)

    assert response.status_code == 302
    row = reload(consultation.id)
    assert row.issuer_type == IssuerType.COMMISSION
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.consultation_id == row.id,
                                                        ActivityLog.action == "edit"))
    assert entry is not None and entry.after["issuer_type"] == "commission"
    history = client.get(f"/consultations/{row.id}/history")
    if history.status_code == 200:
        assert "Commission" in history.get_data(as_text=True)


def test_an_edit_that_does_not_send_the_choice_leaves_it_alone(as_user) -> None:
    consultation = factories.make_consultation(title="Inquiry into bus services", organisation="Transport Committee")
    consultation.issuer_type = IssuerType.SELECT_COMMITTEE.value
    db.session.commit()
    data = consultation_form(title="Inquiry into bus services", issuing_organisation="Transport Committee",
                             version=str(consultation.version))
    data.pop("opened_on")

    response = as_user("coordinator").post(f"/consultations/{consultation.id}/edit", data=data)

    assert response.status_code == 302
    assert reload(consultation.id).issuer_type == IssuerType.SELECT_COMMITTEE
