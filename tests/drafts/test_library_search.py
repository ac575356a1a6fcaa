"""The library's search (issue 11): every word, anywhere, ranked; a "phrase" as typed; plain
text snippets with the matches marked, and nothing a draft says runs as HTML. The same on
SQLite (FTS5) and PostgreSQL (websearch_to_tsquery)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask_sqlalchemy.record_queries import get_recorded_queries

from tracker.drafts.search import parse, snippet
from tracker.extensions import db
from tracker.models import Status
from tracker.models.drafts import ResponseVersion, Submission
from tracker.timeutil import utcnow

LIBRARY = "/consultations/library"


def _submitted(make_draft, title: str, text: str, days_ago: int = 10):  # type: ignore[no-untyped-def]
    consultation = make_draft(Status.SUBMITTED, versions=[text], title=title, closes_in_days=-days_ago)
    version = db.session.scalar(db.select(ResponseVersion).where(ResponseVersion.body == text))
    db.session.add(Submission(consultation_id=consultation.id, version_id=version.id, method="email",
                              submitted_at=utcnow() - timedelta(days=days_ago), reference="R"))
    db.session.commit()
    return consultation


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-s"><a class="govuk-link" href="[^"]+">([^<]+)</a>', html)


def test_all_the_words_find_a_response_holding_them_apart(make_draft, as_user) -> None:
    _submitted(make_draft, "Rural transport", "Rural areas need a bus every hour, and better links to the towns.")
    _submitted(make_draft, "Urban rail", "Rail links between the cities matter most.")
    html = as_user("contributor").get(LIBRARY, query_string={"q": "rural bus links"}).get_data(as_text=True)
    assert _titles(html) == ["Rural transport"]
    assert "1 response matching" in html


def test_other_forms_of_a_word_match(make_draft, as_user) -> None:
    _submitted(make_draft, "Rural transport", "Better linking of bus services in rural areas.")
    html = as_user("contributor").get(LIBRARY, query_string={"q": "linked bus"}).get_data(as_text=True)
    assert _titles(html) == ["Rural transport"]


def test_the_best_match_comes_first(make_draft, as_user) -> None:
    _submitted(make_draft, "Passing mention", "Housing, planning and skills. " * 30 + "One bus route is rural.",
               days_ago=2)
    _submitted(make_draft, "Bus strategy", "Rural bus services. Rural bus fares. Rural bus stops.", days_ago=40)
    html = as_user("contributor").get(LIBRARY, query_string={"q": "rural bus"}).get_data(as_text=True)
    assert _titles(html) == ["Bus strategy", "Passing mention"]


def test_a_quoted_phrase_and_an_excluded_word(make_draft, as_user) -> None:
    _submitted(make_draft, "Together", "We want bus links to every estate.")
    _submitted(make_draft, "Apart", "The bus network and the rail links.")
    client = as_user("contributor")
    assert _titles(client.get(LIBRARY, query_string={"q": '"bus links"'}).get_data(as_text=True)) == ["Together"]
    assert _titles(client.get(LIBRARY, query_string={"q": "bus -rail"}).get_data(as_text=True)) == ["Together"]
    assert sorted(_titles(client.get(LIBRARY, query_string={"q": "estate or network"}).get_data(as_text=True))) == [
        "Apart", "Together"]


def test_operators_and_punctuation_typed_are_only_words(make_draft, as_user) -> None:
    _submitted(make_draft, "Rural transport", "Rural bus links.")
    client = as_user("contributor")
    for q in ('rural" OR "', "NEAR(rural bus)", "rural*", "rural AND", "(bus", "%", "'; DROP TABLE x; --", "-", '"'):
        r = client.get(LIBRARY, query_string={"q": q})
        assert r.status_code == 200, q


def test_snippets_are_plain_text_with_the_matches_marked(make_draft, as_user) -> None:
    text = ("# Our answer\n\nThe network wants **rural** services: a [bus](https://example.com) every hour "
            "and <script>alert('x')</script> links to the towns.")
    _submitted(make_draft, "Rural transport", text)
    html = as_user("contributor").get(LIBRARY, query_string={"q": "rural bus links"}).get_data(as_text=True)
    found = re.search(r'<p class="govuk-body-s kc-snippet">(.*?)</p>', html, re.S)
    assert found is not None
    shown = found.group(1)
    assert "<mark>rural</mark>" in shown and "<mark>bus</mark>" in shown and "<mark>links</mark>" in shown
    assert "**" not in shown and "# Our answer" not in shown and "](" not in shown
    assert "<script>" not in html and "&lt;script&gt;" in shown
    assert re.sub(r"</?mark>", "", shown).count("<") == 0


def test_a_snippet_starts_near_the_first_match_and_escapes_everything() -> None:
    text = "Filler words here. " * 40 + "The <b>rural</b> & bus links matter."
    shown = str(snippet(text, "rural"))
    assert shown.startswith("…") and "<mark>rural</mark>" in shown and "&lt;b&gt;" in shown and "&amp;" in shown
    assert str(snippet("<i>x</i>", '<mark>"')) == "&lt;i&gt;x&lt;/i&gt;"


def test_parse_reads_words_phrases_or_and_exclusions() -> None:
    terms = parse('rural "bus links" or trams -rail')
    assert terms.groups == [["rural"], ["bus links", "trams"]] and terms.excluded == ["rail"]


def test_the_index_follows_new_and_changed_versions(make_draft, as_user) -> None:
    consultation = _submitted(make_draft, "Changing text", "Nothing about transport yet.")
    client = as_user("contributor")
    assert _titles(client.get(LIBRARY, query_string={"q": "tramways"}).get_data(as_text=True)) == []
    version = db.session.scalar(db.select(ResponseVersion).join(Submission, Submission.version_id == ResponseVersion.id)
                                .where(Submission.consultation_id == consultation.id))
    version.search_text = "Tramways for every city."
    db.session.commit()
    assert _titles(client.get(LIBRARY, query_string={"q": "tramways"}).get_data(as_text=True)) == ["Changing text"]
    assert _titles(client.get(LIBRARY, query_string={"q": "transport"}).get_data(as_text=True)) == []


def test_an_unknown_year_is_a_message_on_the_field(as_user) -> None:
    r = as_user("contributor").get(LIBRARY, query_string={"year": "1999"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Choose a year from the list" in html and 'href="#year"' in html
    assert "Not a valid choice" not in html


def _library_queries(client, q: str) -> int:  # type: ignore[no-untyped-def]
    client.get(LIBRARY, query_string={"q": q})  # warm-up (login, caches)
    before = len(get_recorded_queries())
    assert client.get(LIBRARY, query_string={"q": q}).status_code == 200
    return len(get_recorded_queries()) - before


def test_searching_costs_no_more_queries_than_listing(make_draft, as_user) -> None:
    for n in range(3):
        _submitted(make_draft, f"Response {n}", f"Rural bus links, number {n}.", days_ago=5 + n)
    client = as_user("contributor")
    listing = _library_queries(client, "")
    assert _library_queries(client, "rural bus links") <= listing
    for n in range(3, 8):
        _submitted(make_draft, f"Response {n}", f"Rural bus links, number {n}.", days_ago=5 + n)
    assert _library_queries(client, "rural bus links") <= listing
