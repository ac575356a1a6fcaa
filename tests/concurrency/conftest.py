"""Fixtures of the concurrency tests: drafts to act on, a second coordinator who changes things
under the first one's feet, the app served over real HTTP, and page-version helpers."""

from __future__ import annotations

import re

import pytest
import requests

from tests import factories
from tests.drafts.conftest import added_contributor, make_draft  # noqa: F401 - fixtures used here
from tracker.consultations import services
from tracker.extensions import db
from tracker.models import Consultation, Role, User


def page_version(html: str, name: str = "version") -> int:
    """The hidden page version (or another hidden number) a page's form carries."""
    match = re.search(rf'name="{name}"[^>]*value="(\d+)"', html)
    assert match, f"no hidden {name} in the page"
    return int(match.group(1))


def fresh(consultation_id: int) -> Consultation:
    db.session.rollback()
    db.session.expire_all()
    row = db.session.get(Consultation, consultation_id)
    assert row is not None
    return row


@pytest.fixture
def bea() -> User:
    """A second coordinator: the someone else who changes the consultation meanwhile."""
    user = factories.make_user(Role.COORDINATOR, name="Bea Busy")
    db.session.commit()
    return user


def edit_summary(user: User, consultation_id: int, summary: str = "Changed by someone else meanwhile.") -> int:
    """Another person edits the consultation and commits; returns its new version."""
    c = fresh(consultation_id)
    services.update_consultation(user, c, services.ConsultationData(
        title=c.title, issuing_organisation=c.issuing_organisation, closes_at=c.closes_at, url=c.url,
        summary=summary, opened_at=c.opened_at))
    db.session.commit()
    return fresh(consultation_id).version


def http_login(base_url: str, user: User) -> requests.Session:
    """A browser-like HTTP client signed in through the real sign-in form."""
    client = requests.Session()
    response = client.post(f"{base_url}/login", data={"email": user.email, "password": factories.PASSWORD},
                           allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:500]
    return client
