"""The response and consultation pages read a panel's rows only when their first statement found
the panel has any (issue 26): a draft with no questions, no questions found in its documents, no
evidence request, no mention or no city's support does not ask for them, and a draft with no
comment does not read the conversation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from tests.conftest import statements_run
from tracker.drafts import people, versions
from tracker.extensions import db
from tracker.models import Consultation, Status, User

# How each panel's own read is told apart (the page's first statement names these tables only
# in EXISTS; the response page's list of cities to choose from is "FROM city LEFT OUTER JOIN").
READS = {"questions": "SELECT question.", "found questions": "SELECT consultation_question.",
         "evidence": "SELECT evidence_request.", "mentions": "SELECT comment_mention.",
         "comments": "SELECT comment.", "supports": "FROM city_support JOIN city"}


def _reads(client: Any, consultation: Consultation, page: str = "/response") -> tuple[str, set[str]]:
    with statements_run() as seen:
        response = client.get(f"/consultations/{consultation.id}{page if page != '/' else ''}")
    assert response.status_code == 200
    return response.get_data(as_text=True), {name for name, mark in READS.items()
                                              if any(mark in sql for sql in seen)}


def test_empty_panels_are_not_read(app: Flask, as_user: Callable[[str], Any], users: dict[str, User],
                                   make_draft: Callable[..., Consultation]) -> None:
    draft = make_draft(Status.DRAFTING, versions=["# View\n\nOne."])
    client = as_user("lead")
    html, read = _reads(client, draft)
    assert read == set() and "Comments (0)" in html

    people.add_comment(users["coordinator"], draft, "Please add the figures.")
    db.session.commit()
    html, read = _reads(client, draft)
    assert read == {"comments"} and "Please add the figures." in html and "Comments (1)" in html

    versions.add_question(users["lead"], draft, "Do you agree with the proposed funding formula?")
    db.session.commit()
    html, read = _reads(client, draft)
    assert read == {"comments", "questions"}
    assert "Do you agree with the proposed funding formula?" in html


def test_the_consultation_page_reads_supports_only_when_a_city_gave_it(
        app: Flask, as_user: Callable[[str], Any], users: dict[str, User],
        make_draft: Callable[..., Consultation]) -> None:
    draft = make_draft(Status.DRAFTING, versions=["# View\n\nOne."])
    client = as_user("coordinator")
    html, read = _reads(client, draft, "/")
    assert "supports" not in read and "Supported by" not in html

    city = users["contributor"].city
    assert city is not None
    people.record_support(users["coordinator"], draft, city.id)
    db.session.commit()
    html, read = _reads(client, draft, "/")
    assert "supports" in read and f"Supported by {city.name}." in html
