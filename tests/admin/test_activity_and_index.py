"""The admin index and the admin activity page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests import factories
from tracker import activity
from tracker.extensions import db
from tracker.models import Role


def test_index_links_every_admin_page(as_user):
    html = as_user("admin").get("/admin/").get_data(as_text=True)
    for href in ("/admin/users", "/admin/cities", "/admin/work-areas", "/admin/activity", "/intake/rules",
                 "/policy/partners"):
        assert f'href="{href}"' in html


def test_rule_and_keyword_changes_are_in_the_activity_log_in_words(as_user):
    """Issue 24: classification rules are admins' changes too; keywords read as words, not a list."""
    admin = as_user("admin")
    transport = factories.work_area("Transport")
    assert admin.post("/intake/rules/organisations", data={
        "organisation": "Office of Rail and Road", "work_area_id": transport.id}).status_code == 302
    admin.post(f"/intake/rules/keywords/{transport.id}", data={"keywords": "ferries\nbus lanes"})
    html = as_user("admin").get("/admin/activity").get_data(as_text=True)
    assert "Organisation rule added: Office of Rail and Road → Transport" in html
    assert "Keywords for Transport changed" in html and "ferries; bus lanes" in html
    assert "[" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_activity_shows_admin_changes_newest_first(as_user, admin):
    start = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    for n, subject in enumerate(["user", "city", "work_area"]):
        entry = activity.record(f"{subject}_updated", actor=admin, subject_type=subject, subject_id=n + 1,
                                message=f"Change number {n}", before={"name": "Old"}, after={"name": "New"})
        entry.created_at = start + timedelta(hours=n)
    consultation = factories.make_consultation()
    activity.record("created", actor=admin, consultation=consultation, message="Consultation change")
    db.session.commit()

    html = as_user("admin").get("/admin/activity").get_data(as_text=True)
    assert html.index("Change number 2") < html.index("Change number 1") < html.index("Change number 0")
    assert "Consultation change" not in html
    assert "10 January 2026 at 11:00" in html  # UK time (GMT in January)
    assert "Name: Old → New" in html
    assert "Ada Admin" in html


def test_activity_is_paginated(app, as_user, admin, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 5)
    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    for n in range(12):
        entry = activity.record("city_updated", actor=admin, subject_type="city", subject_id=1,
                                message=f"Entry {n:02d}")
        entry.created_at = start + timedelta(minutes=n)
    db.session.commit()
    client = as_user("admin")
    first = client.get("/admin/activity").get_data(as_text=True)
    last = client.get("/admin/activity?page=3").get_data(as_text=True)
    assert "Entry 11" in first and "Entry 07" in first and "Entry 06" not in first
    assert "Entry 01" in last and "Entry 00" in last and "Entry 02" not in last
    assert "govuk-pagination" in first


def test_activity_page_query_count_does_not_grow(as_user, admin):
    from flask_sqlalchemy.record_queries import get_recorded_queries

    client = as_user("admin")

    def count() -> int:
        start = len(get_recorded_queries())
        assert client.get("/admin/activity").status_code == 200
        return len(get_recorded_queries()) - start

    def add(n: int) -> None:
        for i in range(n):
            actor = factories.make_user(Role.ADMIN)
            activity.record("user_updated", actor=actor, subject_type="user", subject_id=actor.id, message=f"m{i}")
        db.session.commit()

    add(3)
    few = count()
    add(20)
    assert count() == few


def test_activity_says_changes_in_words(as_user, admin, lead):
    """Ids as names, booleans as yes/no, roles by their labels: never `city id: 3 → 20`."""
    hull, salford = factories.city("Hull"), factories.city("Salford")
    activity.record("user_updated", actor=admin, subject_type="user", subject_id=lead.id, message="Changed account",
                    before={"city_id": hull.id, "is_enabled": True, "role": "policy_lead"},
                    after={"city_id": salford.id, "is_enabled": False, "role": "contributor"})
    db.session.commit()

    html = as_user("admin").get("/admin/activity").get_data(as_text=True)
    assert "City: Hull → Salford" in html
    assert "Account active: yes → no" in html
    assert "Role: Policy lead → Contributor" in html
    assert f"{hull.id} →" not in html
