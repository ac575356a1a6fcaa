"""A notification opens the page where its action is (the response for a review or a return),
its addresses are links, and links written with another BASE_URL (demo data seeded before it was
set) still open here; the demo's notifications are written with the configured BASE_URL."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from tracker.drafts import review as drafts_review
from tracker.extensions import db
from tracker.models import Consultation, Status, User
from tracker.models.messages import Notification
from tracker.urls import action_path, own_path, text_and_links


def _links(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="govuk-link" href="([^"]+)"[^>]*>([^<]+)</a>', page)


def test_review_and_return_notifications_open_the_response(as_user, make_draft, users: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    c = make_draft(Status.DRAFTING, versions=["First draft."], title="Local growth plans")
    drafts_review.send_for_review(users["lead"], db.session.get(Consultation, c.id))
    db.session.commit()
    response_page = f"/consultations/{c.id}/response"
    for client, kind in ((as_user("coordinator"), "review"), (as_user("coordinator"), "dashboard")):
        page = client.get("/notifications" if kind == "review" else "/").get_data(as_text=True)
        links = _links(page)
        assert (response_page, "Sent for review: Local growth plans") in links or any(
            href == response_page and "Local growth plans" in text for href, text in links), links
    # The body's address is a link, not text.
    page = as_user("coordinator").get("/notifications").get_data(as_text=True)
    assert any(href == response_page and text.endswith(response_page) for href, text in _links(page))

    drafts_review.return_for_changes(users["coordinator"], db.session.get(Consultation, c.id), "Sharper asks.")
    db.session.commit()
    lead_page = as_user("lead").get("/notifications").get_data(as_text=True)
    assert any(href == response_page and "Returned for changes" in text for href, text in _links(lead_page))


def test_links_of_another_base_url_open_here_and_others_stay_outside(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "BASE_URL", "https://tracker.keycities.example/app")
    with app.test_request_context():
        assert own_path("https://tracker.keycities.example/app/consultations/5/response#comment-3") == \
            "/consultations/5/response#comment-3"
        assert own_path("http://127.0.0.1:5000/consultations/5/response") == "/consultations/5/response"
        assert own_path("https://www.gov.uk/consultations/5/response") is None
        assert own_path("https://tracker.keycities.example/app/no-such-page") is None
        text = ("Open the response: http://127.0.0.1:5000/consultations/5/response. "
                "Read it on GOV.UK: https://www.gov.uk/x.")
        assert text_and_links(text) == [
            ("Open the response: ", None),
            ("http://127.0.0.1:5000/consultations/5/response", "/consultations/5/response"),
            (". Read it on GOV.UK: ", None), ("https://www.gov.uk/x", "https://www.gov.uk/x"), (".", None)]
        assert action_path(text) == "/consultations/5/response"
        drawn = app.jinja_env.filters["linked"]('<b>bold</b> https://www.gov.uk/x')
        assert str(drawn) == ('&lt;b&gt;bold&lt;/b&gt; <a class="govuk-link" href="https://www.gov.uk/x" '
                              'rel="noreferrer noopener">https://www.gov.uk/x</a>')


def test_the_demo_notifications_use_the_configured_base_url(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.seed import seed_demo

    monkeypatch.setitem(app.config, "BASE_URL", "https://demo.keycities.example")
    seed_demo()
    db.session.flush()
    bodies = db.session.scalars(select(Notification.body).where(Notification.body.like("%http%"))).all()
    assert bodies
    for body in bodies:
        for link in re.findall(r"https?://[^\s]+", body):
            if "gov.uk" not in link and "parliament.uk" not in link:
                assert link.startswith("https://demo.keycities.example/"), body


def test_the_email_of_a_review_opens_the_response_and_its_addresses_are_links(  # type: ignore[no-untyped-def]
    smtp, eager, make_draft, users: dict[str, User], app: Flask,
) -> None:
    c = make_draft(Status.DRAFTING, versions=["First draft."], title="Local growth plans")
    drafts_review.send_for_review(users["lead"], db.session.get(Consultation, c.id))
    db.session.commit()
    (message,) = smtp.to(users["coordinator"].email)
    response_page = f"{app.config['BASE_URL']}/consultations/{c.id}/response"
    assert f"Open it in the tracker: {response_page}" in message.get_body(("plain",)).get_content()
    html_part = message.get_body(("html",)).get_content()
    assert f'<a href="{response_page}" style="color: #1d70b8;">Open it in the tracker</a>' in html_part
    assert f'<a class="govuk-link" href="{response_page}">{response_page}</a>' in html_part
