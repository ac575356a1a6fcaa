"""/api/v1 read with a token: the list filtered and paged as the list page is, one consultation
with its deadlines, assignment, response status and outcome, work areas and cities; every error
a problem document, whatever the query string holds."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.conftest import assert_problem, bearer
from tracker.extensions import db
from tracker.models import Status


@pytest.fixture
def api(client, token):  # type: ignore[no-untyped-def]
    """GET with the token: api("/consultations?status=new") -> the response."""

    def _get(path: str, **kwargs):  # type: ignore[no-untyped-def]
        return client.get("/api/v1" + path, headers=bearer(token), **kwargs)

    return _get


# Authentication


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token kct_abc", "Bearer not-one-of-ours",
    "Bearer kct_" + "A" * 43, "Bearer kct_" + "x" * 5000, "bearer kct_\u00e9\u00e9",
])
def test_no_valid_token_is_a_401_problem(client, header) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/api/v1/consultations", headers=headers)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "<html" not in response.get_data(as_text=True).lower()


def test_the_scheme_is_case_blind(client, token) -> None:
    assert client.get("/api/v1/cities", headers={"Authorization": f"bearer {token}"}).status_code == 200


# The list


def test_the_list_has_the_list_pages_rows_and_order(api, as_user, lead) -> None:
    soon = factories.make_consultation(Status.DRAFTING, title="Soonest", closes_in_days=2, lead=lead)
    later = factories.make_consultation(Status.NEW, title="Later", closes_in_days=20)
    closed = factories.make_consultation(Status.MISSED, title="Closed", closes_in_days=-3)
    db.session.commit()
    body = api("/consultations").get_json()
    assert [c["id"] for c in body["items"]] == [soon.id, later.id, closed.id]
    assert body["total"] == 3 and body["page"] == 1 and body["pages"] == 1 and body["per_page"] == 25
    first = body["items"][0]
    assert first["title"] == "Soonest" and first["status"] == "drafting" and first["status_label"] == "Drafting"
    assert first["lead_city"]["name"] == "Hull" and first["policy_lead"] == {"id": lead.id, "name": lead.name}
    assert first["url"] == f"http://tracker.test/api/v1/consultations/{soon.id}"
    assert first["closes_at"].endswith(("+00:00", "+01:00")) and first["internal_deadline"] is not None
    page = as_user("contributor").get("/consultations/").get_data(as_text=True)
    assert page.index("Soonest") < page.index("Later") < page.index("Closed")


def test_filters_mean_what_they_mean_on_the_list_page(api) -> None:
    hull, salford = factories.city("Hull"), factories.city("Salford")
    transport = factories.make_consultation(Status.DRAFTING, title="Rail fares review", area="Transport",
                                            city_name="Hull", closes_in_days=5)
    housing = factories.make_consultation(Status.ASSIGNED, title="Social rent", area="Housing",
                                          city_name="Salford", closes_in_days=40, organisation="MHCLG")
    done = factories.make_consultation(Status.SUBMITTED, title="Bus fares", area="Transport", city_name="Hull",
                                       closes_in_days=-10)
    db.session.commit()

    def ids(query: str) -> list[int]:
        response = api("/consultations?" + query)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [c["id"] for c in response.get_json()["items"]]

    assert ids("status=drafting") == [transport.id]
    assert ids("status=open") == [transport.id, housing.id]
    assert ids(f"work_area={factories.work_area('Housing').id}") == [housing.id]
    assert ids(f"city={hull.id}") == [transport.id, done.id]
    assert ids(f"city={salford.id}&status=submitted") == []
    assert ids("closing=7") == [transport.id]
    assert ids("closing=closed") == [done.id]
    assert ids("q=fares") == [transport.id, done.id]
    assert ids("q=mhclg") == [housing.id]
    assert ids("q=100%25") == []  # a % is a percent sign, not a wildcard
    assert ids("unknown=ignored&status=submitted") == [done.id]
    # As the list page's form sends them: the empty ones are not set.
    assert ids(f"status=&work_area=&city={hull.id}&closing=&q=&page=") == [transport.id, done.id]


def test_pages_with_their_links(api) -> None:
    made = [factories.make_consultation(Status.NEW, title=f"C{n}", closes_in_days=n + 1) for n in range(5)]
    db.session.commit()
    first = api("/consultations?per_page=2&status=new").get_json()
    assert [c["title"] for c in first["items"]] == ["C0", "C1"]
    assert (first["total"], first["pages"], first["page"], first["per_page"]) == (5, 3, 1, 2)
    links = first["links"]
    assert links["prev"] is None
    assert links["next"] == "http://tracker.test/api/v1/consultations?status=new&page=2&per_page=2"
    assert links["last"].endswith("page=3&per_page=2") and links["first"].endswith("page=1&per_page=2")
    last = api("/consultations?per_page=2&status=new&page=3").get_json()
    assert [c["id"] for c in last["items"]] == [made[4].id]
    assert last["links"]["next"] is None and last["links"]["prev"].endswith("page=2&per_page=2")
    past = api("/consultations?per_page=2&status=new&page=99").get_json()
    assert past["page"] == 3 and [c["id"] for c in past["items"]] == [made[4].id]
    assert api("/consultations?per_page=100").get_json()["per_page"] == 100


def test_an_empty_list_is_a_page_with_no_items(api) -> None:
    body = api("/consultations?status=withdrawn").get_json()
    assert body["items"] == [] and body["total"] == 0 and body["pages"] == 1
    assert body["links"]["next"] is None and body["links"]["prev"] is None


@pytest.mark.parametrize(("query", "parameter"), [
    ("page=abc", "page"), ("page=0", "page"), ("page=-1", "page"), ("page=" + "9" * 40, "page"),
    ("page=1.5", "page"), ("per_page=101", "per_page"), ("per_page=0", "per_page"), ("per_page=lots", "per_page"),
    ("status=bogus", "status"), ("closing=tomorrow", "closing"),
    ("work_area=99999", "work_area"), ("work_area=abc", "work_area"), ("work_area=" + "9" * 30, "work_area"),
    ("city=0", "city"), ("city=-5", "city"), ("q=" + "x" * 201, "q"),
])
def test_bad_query_parameters_are_400_problems_naming_them(api, query, parameter) -> None:
    body = assert_problem(api("/consultations?" + query), 400)
    assert parameter in [e["parameter"] for e in body["errors"]], body
    assert all(e["detail"] for e in body["errors"])


def test_an_unknown_work_area_is_refused_in_the_list_pages_words(api) -> None:
    body = assert_problem(api("/consultations?work_area=99999"), 400)
    assert body["errors"] == [{"parameter": "work_area",
                               "detail": "“99999” is not a work area we know: choose one from the list."}]


@pytest.mark.parametrize("query", ["q=%00", "q=a%1bb", "status=%7f"])
def test_control_characters_are_400_problems(api, query) -> None:
    assert_problem(api("/consultations?" + query), 400)


# One consultation


def test_one_consultation_through_to_its_outcome(api, published, lead) -> None:
    body = api(f"/consultations/{published}").get_json()
    assert body["id"] == published and body["title"] == "Bus franchising"
    assert body["status"] == "outcome_published" and body["status_label"] == "Outcome published"
    assert body["work_area"]["name"] == "Transport"
    assert body["deadlines"]["closes_at"] == "2026-07-10T23:59:00+01:00"  # UK summer time, with its offset
    assert body["deadlines"]["opened_at"].endswith("+01:00")
    assert body["deadlines"]["internal_deadline"] == "2026-07-03"
    assert body["assignment"] == {"decision": "respond", "decision_reason": "",
                                  "lead_city": {"id": lead.city_id, "name": "Hull"},
                                  "policy_lead": {"id": lead.id, "name": lead.name}}
    assert body["response"] == {"mode": "free", "current_version": 2, "approved_version": 2, "submission": {
        "submitted_at": "2026-07-09T16:30:00+01:00", "method": "email", "reference": "DfT-123", "version": 2}}
    assert body["outcome"] == {"published_on": "2026-10-01", "url": "https://www.gov.uk/outcome/bus",
                               "taken_up": "partly", "notes": "Two of five asks."}
    assert body["page_url"] == f"http://tracker.test/consultations/{published}"
    assert body["version"] >= 1


def test_a_new_consultation_has_no_response_or_outcome_yet(api) -> None:
    new = factories.make_consultation(Status.NEW, title="Just in",
                                      closes_at=factories.uk_instant(factories.date(2027, 1, 15), factories.time(23, 59)))
    db.session.commit()
    body = api(f"/consultations/{new.id}").get_json()
    assert body["response"] is None and body["outcome"] is None
    assert body["assignment"]["lead_city"] is None and body["assignment"]["decision"] is None
    assert body["deadlines"]["closes_at"] == "2027-01-15T23:59:00+00:00"  # winter: UK time is UTC
    assert (body["questions"], body["ways_to_respond"], body["documents"]) == ([], {}, [])


def test_one_consultation_with_the_questions_ways_to_respond_and_documents_read(api) -> None:
    from tracker.documents import services
    from tracker.documents.reader import DocumentResult, Question, Reading
    from tracker.models import Source

    consultation = factories.make_consultation(Status.NEW, title="Bus franchising reform")
    consultation.source = Source.GOVUK.value
    reading = Reading(
        questions=[Question("2.1", "Do you agree?\nPlease explain your answer.", ["Yes", "No"], "Consultation document",
                            "https://www.gov.uk/government/publications/bus/doc", "Chapter 2")],
        ways_to_respond={"email": "bus@dft.gov.uk", "postal_address": "2 Marsham Street\nLondon"},
        documents=[DocumentResult("Consultation document", "https://www.gov.uk/government/publications/bus/doc",
                                  "attachment", "read", "1 question found"),
                   DocumentResult("Data", "https://assets.publishing.service.gov.uk/media/d.xlsx", "attachment",
                                  "skipped", "not read: only PDF and DOCX files are read")],
    )
    services.store(services.Due(consultation.id, services.ItemSource.GOVUK, "/x", "", None), reading)
    db.session.commit()
    body = api(f"/consultations/{consultation.id}").get_json()
    assert body["questions"] == [{"number": "2.1", "text": "Do you agree?\nPlease explain your answer.",
                                  "options": ["Yes", "No"], "source": {
                                      "title": "Consultation document",
                                      "url": "https://www.gov.uk/government/publications/bus/doc", "where": "Chapter 2"}}]
    assert body["ways_to_respond"] == {"email": "bus@dft.gov.uk", "postal_address": "2 Marsham Street\nLondon"}
    assert body["documents"] == [
        {"title": "Consultation document", "url": "https://www.gov.uk/government/publications/bus/doc",
         "status": "read", "reason": "1 question found"},
        {"title": "Data", "url": "https://assets.publishing.service.gov.uk/media/d.xlsx", "status": "skipped",
         "reason": "not read: only PDF and DOCX files are read"}]


@pytest.mark.parametrize("path", ["/consultations/999999", "/consultations/0", "/consultations/" + "9" * 30,
                                  "/consultations/abc", "/nothing-here", "/consultations/1/extra"])
def test_what_does_not_exist_is_a_404_problem(api, path) -> None:
    assert_problem(api(path), 404)


def test_an_unknown_consultation_says_which(api) -> None:
    assert assert_problem(api("/consultations/999999"), 404)["detail"] == "There is no consultation number 999999."


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_only_reads(client, token, method) -> None:
    response = getattr(client, method)("/api/v1/consultations", headers=bearer(token), json={"title": "x"})
    body = assert_problem(response, 405)
    assert "GET" in response.headers["Allow"] and "only reads" in body["detail"]


# Work areas and cities


def test_work_areas_with_their_lead_cities(api) -> None:
    items = api("/work-areas").get_json()["items"]
    by_name = {a["name"]: a for a in items}
    assert len(by_name) == 9
    transport = by_name["Transport"]
    assert transport["lead_city"] == {"id": factories.city("Hull").id, "name": "Hull"}
    assert transport["id"] == factories.work_area("Transport").id and transport["slug"] == "transport"


def test_cities(api) -> None:
    items = api("/cities").get_json()["items"]
    names = [c["name"] for c in items]
    assert names == sorted(names) and "Wrexham" in names and len([c for c in items if c["is_member"]]) == 25
    wrexham = next(c for c in items if c["name"] == "Wrexham")
    assert wrexham["nation"] == "Wales"


def test_responses_are_json_and_not_cached(api) -> None:
    response = api("/cities")
    assert response.mimetype == "application/json" and response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
