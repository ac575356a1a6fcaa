"""Templates display what their views pass in: no SQL statement runs while a page's template
renders (issue 12). A lazy load from a template would show here even when the page's statement
count stays fixed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, before_render_template, template_rendered
from sqlalchemy import event

from tests import factories
from tracker.drafts import people, queries
from tracker.extensions import db
from tracker.models import Status
from tracker.models.drafts import CitySupport, Comment, Outcome, Submission
from tracker.timeutil import utcnow


@contextmanager
def _statements_while_rendering(app: Flask) -> Iterator[list[str]]:
    rendering = [0]
    seen: list[str] = []

    def started(sender: Any, template: Any, context: Any, **extra: Any) -> None:
        rendering[0] += 1

    def finished(sender: Any, template: Any, context: Any, **extra: Any) -> None:
        rendering[0] -= 1

    def statement(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        if rendering[0]:
            seen.append(sql)

    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    event.listen(db.engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        template_rendered.disconnect(finished, app)
        before_render_template.disconnect(started, app)


@pytest.fixture
def pages(make_draft, added_contributor, users) -> dict[str, str]:  # type: ignore[no-untyped-def]
    drafting = make_draft(Status.DRAFTING, versions=["# View\n\nOne.", "# View\n\nTwo."])
    added_contributor(drafting)
    people.add_comment(users["coordinator"], drafting, "Please add the **figures**.")
    submitted = make_draft(Status.SUBMITTED, versions=["Final text."])
    final = queries.current_version(queries.get_response(submitted))
    assert final is not None
    db.session.add(Submission(consultation_id=submitted.id, version_id=final.id, method="email",
                              submitted_at=utcnow() - timedelta(days=2), reference="R1",
                              recorded_by_id=users["coordinator"].id))
    db.session.add(Outcome(consultation_id=submitted.id, url="https://www.gov.uk/outcome", published_on=utcnow().date(),
                           taken_up="partly", notes="Some asks taken up.", recorded_by_id=users["coordinator"].id))
    db.session.add(CitySupport(consultation_id=submitted.id, city_id=users["contributor"].city_id,
                               recorded_by_id=users["coordinator"].id))
    factories.make_consultation(Status.NEW, title="To triage", closes_in_days=5)
    factories.make_consultation(Status.ASSIGNED, title="Overdue one", closes_in_days=3,
                                internal_deadline=utcnow().date() - timedelta(days=1), lead=users["lead"])
    db.session.commit()
    assert db.session.query(Comment).count() >= 1
    return {
        "dashboard": "/",
        "list": "/consultations/",
        "consultation": f"/consultations/{drafting.id}",
        "submitted consultation": f"/consultations/{submitted.id}",
        "response": f"/consultations/{drafting.id}/response",
        "submitted response": f"/consultations/{submitted.id}/response",
        "versions": f"/consultations/{drafting.id}/response/versions",
        "a version": f"/consultations/{drafting.id}/response/versions/1",
        "differences": f"/consultations/{drafting.id}/response/diff?from=1&to=2",
        "library": "/consultations/library",
        "notifications": "/notifications",
    }


@pytest.mark.parametrize("role", ["coordinator", "lead", "contributor"])
def test_no_statement_runs_while_a_page_renders(app: Flask, as_user, pages: dict[str, str], role: str) -> None:
    client = as_user(role)
    for name, path in pages.items():
        db.session.expunge_all()  # the test's own objects must not stand in for the view's loads
        with _statements_while_rendering(app) as seen:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        assert seen == [], f"{name} ({path}) as {role} queried while rendering:\n" + "\n".join(seen)
