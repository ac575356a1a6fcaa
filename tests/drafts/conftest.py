"""Fixtures of the drafts tests: a Transport consultation led by Hull, with helpers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests import factories
from tracker.drafts import queries, versions
from tracker.extensions import db
from tracker.models import Consultation, Status, User
from tracker.models.drafts import Contributor, Response, ResponseVersion


@pytest.fixture
def make_draft(users: dict[str, User]) -> Callable[..., Consultation]:
    """make_draft(status, versions=["text 1", ...]) -> a consultation led by Hull (the `lead`
    fixture is its policy lead) whose response already has those versions."""

    def _make(status: Status | str = Status.DRAFTING, versions: list[str] | None = None,
              approved: bool | None = None, **kwargs) -> Consultation:  # type: ignore[no-untyped-def]
        status = Status(status)
        consultation = factories.make_consultation(status, lead=users["lead"], **kwargs)
        texts = versions if versions is not None else ["First draft of the response."]
        if texts:
            response = Response(consultation_id=consultation.id, mode="free", current_number=0)
            db.session.add(response)
            db.session.flush()
            for n, text in enumerate(texts, start=1):
                db.session.add(ResponseVersion(response_id=response.id, number=n, author_id=users["lead"].id,
                                               body=text, answers={}, search_text=text, note=f"v{n}"))
            response.current_number = len(texts)
            if approved or (approved is None and status in (Status.APPROVED, Status.SUBMITTED, Status.OUTCOME_PUBLISHED)):
                response.approved_number = len(texts)
        db.session.commit()
        return consultation

    return _make


@pytest.fixture
def added_contributor(users: dict[str, User]) -> Callable[[Consultation], User]:
    """A Plymouth contributor added to the given consultation's draft."""

    def _add(consultation: Consultation) -> User:
        user = factories.make_user("contributor", city_name="Plymouth", name="Pat Plymouth")
        # Straight into the table: the draft may already be past the stage where one is added.
        response = versions.ensure_response(consultation)
        db.session.add(Contributor(response_id=response.id, user_id=user.id, added_by_id=users["lead"].id))
        db.session.commit()
        return user

    return _add


def versions_of(consultation: Consultation) -> list[tuple[int, str, int | None]]:
    """(number, body, author id) of every version, oldest first, straight from the database."""
    db.session.expire_all()
    response = queries.get_response(consultation)
    if response is None:
        return []
    return [(v.number, v.body, v.author_id) for v in sorted(queries.list_versions(response), key=lambda v: v.number)]
