"""Create, edit, triage, assign: errors shown on the right field, typed values kept, DB as expected."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, date, datetime, time, timedelta

import time_machine
from sqlalchemy import func, select

from tests import factories
from tests.consultations.conftest import consultation_form, date_parts, reload
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation
from tracker.timeutil import to_uk, uk_instant, uk_today


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Consultation)) or 0


def _error_messages(html: str) -> list[str]:
    return [html_lib.unescape(m).strip() for m in re.findall(r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>([^<]*)<', html)]


def test_create_logs_the_consultation_in_uk_time(as_user) -> None:
    client = as_user("coordinator")
    closes = date(2026, 12, 31) if uk_today() < date(2026, 12, 1) else uk_today() + timedelta(days=30)
    response = client.post("/consultations/new", data=consultation_form(
        closes_on=date_parts(closes), closes_time="17:00", url="https://www.gov.uk/government/consultations/x"))
    assert response.status_code == 302
    row = db.session.scalar(select(Consultation).where(Consultation.title == "Bus services: franchising guidance"))
    assert row is not None
    assert row.closes_at == uk_instant(closes, time(17, 0))
    assert row.status == "new"
    log = db.session.scalar(select(ActivityLog).where(ActivityLog.consultation_id == row.id))
    assert log is not None and log.action == "create"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{closes:%-d %B %Y} at 17:00" in page
    assert "Logged “Bus services: franchising guidance”." in page


def test_closing_date_in_the_past_is_refused_and_typed_values_kept(as_user) -> None:
    client = as_user("coordinator")
    before = _count()
    past = uk_today() - timedelta(days=2)
    response = client.post("/consultations/new", data=consultation_form(
        title="Typed title stays", closes_on=date_parts(past), summary="My careful summary"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The closing date must be in the future" in _error_messages(html)
    assert 'href="#closes_on"' in html  # the error summary links to the field
    assert 'value="Typed title stays"' in html
    assert "My careful summary" in html
    assert f'value="{past.day}"' in html and f'value="{past.year}"' in html
    assert _count() == before


def test_empty_title_and_bad_url_are_refused(as_user) -> None:
    client = as_user("coordinator")
    before = _count()
    response = client.post("/consultations/new", data=consultation_form(
        title="  ", url="javascript:alert(1)", issuing_organisation="HM Treasury"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    messages = _error_messages(html)
    assert "Enter the consultation's title" in messages
    assert "Enter the whole link, starting with https://" in messages
    assert 'value="HM Treasury"' in html
    assert 'value="javascript:alert(1)"' in html  # kept (escaped) so the user can fix it
    assert "Error: " in html.split("</title>")[0]
    assert _count() == before


def test_invalid_dates_and_time_are_refused(as_user) -> None:
    client = as_user("coordinator")
    response = client.post("/consultations/new", data=consultation_form(
        closes_on=["31", "2", "2027"], opened_on=["x", "1", "2026"], closes_time="25:00"))
    messages = _error_messages(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Enter a real closing date, for example 27 3 2026" in messages
    assert "Enter a real opening date, for example 27 3 2026" in messages
    assert "Enter the closing time as hours and minutes, for example 23:59" in messages


def test_truncated_date_fields_do_not_crash(as_user) -> None:
    client = as_user("coordinator")
    response = client.post("/consultations/new", data=consultation_form(closes_on=["12"]))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Closing date must include a month and year" in _error_messages(html)
    assert 'name="closes_on" type="text" value="12"' in html  # the day typed is kept


def test_edit_keeps_a_past_closing_date_but_refuses_a_new_one(as_user) -> None:
    c = factories.make_consultation("missed", closes_in_days=-3)
    db.session.commit()
    client = as_user("coordinator")
    form = client.get(f"/consultations/{c.id}/edit").get_data(as_text=True)
    closes = to_uk(c.closes_at)
    assert f'value="{closes:%H:%M}"' in form
    # Unchanged past date: other facts may still be corrected.
    response = client.post(f"/consultations/{c.id}/edit", data=consultation_form(
        title="Corrected title", closes_on=date_parts(closes.date()), closes_time=f"{closes:%H:%M}",
        opened_on=date_parts(to_uk(c.opened_at).date()), version=c.version))
    assert response.status_code == 302
    assert reload(c.id).title == "Corrected title"
    assert reload(c.id).closes_at == c.closes_at
    # A different date in the past is refused.
    response = client.post(f"/consultations/{c.id}/edit", data=consultation_form(
        closes_on=date_parts(closes.date() - timedelta(days=1)), version=reload(c.id).version))
    assert response.status_code == 400
    assert "The closing date must be in the future" in response.get_data(as_text=True)
    assert reload(c.id).title == "Corrected title"


def test_triage_needs_a_reason_for_no_response(as_user) -> None:
    c = factories.make_consultation("new")
    db.session.commit()
    client = as_user("coordinator")
    response = client.post(f"/consultations/{c.id}/triage", data={"decision": "no_response", "reason": "", "version": c.version})
    assert response.status_code == 400
    assert "Give a reason for not responding, so members can see why" in response.get_data(as_text=True)
    assert reload(c.id).status == "new"
    response = client.post(f"/consultations/{c.id}/triage",
                           data={"decision": "no_response", "reason": "Outside the network's remit",
                                 "version": c.version})
    assert response.status_code == 302
    row = reload(c.id)
    assert (row.status, row.decision, row.decision_reason) == ("declined", "no_response", "Outside the network's remit")
    page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Outside the network&#39;s remit" in page or "Outside the network's remit" in page


def test_triage_of_an_assigned_consultation_is_refused_with_the_reason(as_user) -> None:
    c = factories.make_consultation("drafting")
    db.session.commit()
    client = as_user("coordinator")
    response = client.post(f"/consultations/{c.id}/triage", data={"decision": "monitor", "reason": "x", "version": c.version},
                           follow_redirects=True)
    assert "“Triage” is not possible while the consultation is drafting" in response.get_data(as_text=True)
    assert reload(c.id).status == "drafting"


def test_assign_form_proposes_lead_city_and_leads_carry_their_city(as_user, lead, other_lead) -> None:
    c = factories.make_consultation("triaged", area=None)
    db.session.commit()
    html = as_user("coordinator").get(f"/consultations/{c.id}/assign").get_data(as_text=True)
    transport, hull = factories.work_area("Transport"), factories.city("Hull")
    assert "data-kc-work-area" in html and "data-kc-city" in html and "data-kc-lead" in html
    leads_json = re.search(r'data-kc-leads="([^"]*)"', html).group(1).replace("&#34;", '"').replace("&quot;", '"')
    assert f'"{transport.id}": {hull.id}' in leads_json
    assert re.search(rf'<option value="{lead.id}"[^>]*data-city="{hull.id}"', html)
    assert re.search(rf'<option value="{other_lead.id}"[^>]*data-city="{other_lead.city_id}"', html)


def test_assign_without_city_uses_the_work_areas_lead_city(as_user, lead) -> None:
    c = factories.make_consultation("triaged", area=None)
    db.session.commit()
    response = as_user("coordinator").post(f"/consultations/{c.id}/assign", data={
        "work_area": str(factories.work_area("Transport").id), "city": "", "policy_lead": str(lead.id),
        "internal_deadline": date_parts(None), "version": c.version})
    assert response.status_code == 302
    row = reload(c.id)
    assert row.status == "assigned"
    assert row.lead_city_id == factories.city("Hull").id
    assert row.policy_lead_id == lead.id
    assert row.internal_deadline is not None


def test_assign_refuses_a_lead_of_another_city(as_user, other_lead) -> None:
    c = factories.make_consultation("triaged", area=None)
    db.session.commit()
    response = as_user("coordinator").post(f"/consultations/{c.id}/assign", data={
        "work_area": str(factories.work_area("Transport").id), "city": str(factories.city("Hull").id),
        "policy_lead": str(other_lead.id), "internal_deadline": date_parts(None), "version": c.version})
    assert response.status_code == 400
    assert f"{other_lead.name} is not a policy lead of Hull." in response.get_data(as_text=True)
    row = reload(c.id)
    assert row.status == "triaged" and row.policy_lead_id is None


def test_assign_refuses_bad_choices_without_a_500(as_user) -> None:
    c = factories.make_consultation("triaged")
    db.session.commit()
    response = as_user("coordinator").post(f"/consultations/{c.id}/assign", data={
        "work_area": "9999", "city": "abc", "policy_lead": "", "internal_deadline": ["40", "1", "2026"],
        "version": c.version})
    assert response.status_code == 400
    assert reload(c.id).status == "triaged"


@time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), tick=False)
def test_default_internal_deadline_skips_christmas_bank_holidays(as_user) -> None:
    # Closing Thursday 31 Dec 2026: back 5 working days skipping 25 Dec (Fri) and
    # 28 Dec (Mon, the Boxing Day substitute) gives Tuesday 22 December.
    c = factories.make_consultation("triaged", closes_at=uk_instant(date(2026, 12, 31), time(23, 59)))
    db.session.commit()
    html = as_user("coordinator").get(f"/consultations/{c.id}/assign").get_data(as_text=True)
    assert 'value="22"' in html and 'value="12"' in html and 'value="2026"' in html
    assert "Proposed: Tuesday 22 December 2026, 5 working days before the closing date" in html
    assert "skipping weekends and bank holidays" in html


def test_a_summary_over_the_limit_is_refused_and_kept(as_user) -> None:
    from tracker.models.consultation import MAX_SUMMARY

    before = _count()
    summary = "Views are sought. " * (MAX_SUMMARY // 18 + 1) + "Last words."
    response = as_user("coordinator").post("/consultations/new", data=consultation_form(summary=summary))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Summary must be {MAX_SUMMARY:,} characters or fewer" in _error_messages(html)
    assert "Last words." in html
    assert _count() == before


def test_an_internal_deadline_already_passed_is_refused(as_user, lead) -> None:
    c = factories.make_consultation("triaged", area=None)
    db.session.commit()
    response = as_user("coordinator").post(f"/consultations/{c.id}/assign", data={
        "work_area": str(factories.work_area("Transport").id), "city": "", "policy_lead": str(lead.id),
        "internal_deadline": date_parts(date(2020, 1, 1)), "version": c.version})
    assert response.status_code == 400
    assert "The internal deadline must be today or in the future." in _error_messages(response.get_data(as_text=True))
    row = reload(c.id)
    assert row.status == "triaged" and row.internal_deadline is None


def test_a_consultation_closing_soon_is_proposed_today_not_a_day_gone(as_user) -> None:
    c = factories.make_consultation("triaged", area=None, closes_at=uk_instant(uk_today() + timedelta(days=1),
                                                                               time(23, 59)))
    db.session.commit()
    html = as_user("coordinator").get(f"/consultations/{c.id}/assign").get_data(as_text=True)
    assert "The closing date is less than 5 working days away." in html
    assert f'value="{uk_today().day}"' in html  # the proposal in the date boxes is today


def test_logging_a_link_the_tracker_has_already_is_refused_with_a_link_to_it(as_user) -> None:
    existing = factories.make_consultation("new", title="Bus franchising")
    existing.url = "https://www.gov.uk/government/consultations/bus-franchising"
    db.session.commit()
    before = _count()
    response = as_user("coordinator").post("/consultations/new", data=consultation_form(title="Copy"))
    html = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "This link is already in the tracker, as “Bus franchising”." in html
    assert f'href="/consultations/{existing.id}">Open the consultation that has this link' in html
    assert 'value="Copy"' in html
    assert _count() == before


def test_a_plain_http_link_is_refused(as_user) -> None:
    before = _count()
    response = as_user("coordinator").post("/consultations/new", data=consultation_form(
        url="http://www.gov.uk/government/consultations/x"))
    assert response.status_code == 400
    assert "Enter the whole link, starting with https://" in _error_messages(response.get_data(as_text=True))
    assert _count() == before


def test_the_lead_list_offers_the_chosen_citys_leads_only(as_user, lead, other_lead) -> None:
    c = factories.make_consultation("triaged", area="Transport")  # Hull leads Transport
    db.session.commit()
    html = as_user("coordinator").get(f"/consultations/{c.id}/assign").get_data(as_text=True)
    leads = re.search(r'<select[^>]*id="policy_lead".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option value="{lead.id}"', leads)
    assert not re.search(rf'<option value="{other_lead.id}"', leads)
    # Refused for another city's lead, the page keeps the choice and says why.
    response = as_user("coordinator").post(f"/consultations/{c.id}/assign", data={
        "work_area": str(factories.work_area("Transport").id), "city": str(factories.city("Hull").id),
        "policy_lead": str(other_lead.id), "internal_deadline": date_parts(None), "version": c.version})
    html = response.get_data(as_text=True)
    assert f"{other_lead.name} is not a policy lead of Hull." in html
    assert re.search(rf'<option value="{other_lead.id}"[^>]*selected', html)
