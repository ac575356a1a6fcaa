"""Who records a city's support (issue 23): a contributor sees how their city's support is recorded
and who can record it; they may record it themselves once their city's policy leads allow it (a
setting of the city, changed by its own policy leads, logged, refused when changed meanwhile)."""

from __future__ import annotations

import html as html_lib

from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.models import ActivityLog, City, Role, Status
from tracker.models.drafts import CitySupport


def _page(client, consultation_id: int) -> str:  # type: ignore[no-untyped-def]
    return html_lib.unescape(client.get(f"/consultations/{consultation_id}/response").get_data(as_text=True))


def _support_section(page: str) -> str:
    return page[page.index('id="support"'):]


def test_a_contributor_is_told_who_can_record_their_citys_support(make_draft, as_user, users) -> None:
    factories.make_user(Role.POLICY_LEAD, city_name="Newport", name="Nerys Newport")
    c = make_draft(Status.DRAFTING)
    page = _support_section(_page(as_user("contributor"), c.id))
    assert "Newport has not recorded its support yet." in page
    assert "Your city's policy leads can record support: Nerys Newport." in page
    assert "Record support" not in page
    refused = as_user("contributor").post(f"/consultations/{c.id}/response/support",
                                          data={"city_id": users["contributor"].city_id})
    assert refused.status_code == 403
    assert db.session.scalar(select(CitySupport)) is None


def test_a_contributor_records_support_once_their_city_allows_it(make_draft, as_user, users) -> None:
    newport_lead = factories.make_user(Role.POLICY_LEAD, city_name="Newport", name="Nerys Newport")
    c = make_draft(Status.DRAFTING)
    db.session.commit()
    from tests.conftest import login

    lead = login(as_user(None), newport_lead)
    page = _support_section(_page(lead, c.id))
    assert "Only Newport's policy leads can record its support." in page
    # Another city's lead cannot change Newport's setting: the request names no city, the actor's own is used.
    r = lead.post(f"/consultations/{c.id}/response/support/contributors", data={"allow": "yes", "shown": "no"})
    assert r.status_code == 302
    db.session.expire_all()
    assert factories.city("Newport").contributors_record_support is True
    assert factories.city("Hull").contributors_record_support is False
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "city_contributors_support"))
    assert entry.actor_id == newport_lead.id and entry.after == {"contributors_record_support": True}
    assert "Newport's contributors can now record its support." in _page(lead, c.id)

    contributor = as_user("contributor")
    page = _support_section(_page(contributor, c.id))
    assert "Newport's policy leads allow its contributors to record its support" in page
    assert f'<option value="{users["contributor"].city_id}">Newport</option>' in page
    assert contributor.post(f"/consultations/{c.id}/response/support",
                            data={"city_id": users["contributor"].city_id}).status_code == 302
    # Only for their own city.
    hull = factories.city("Hull")
    assert contributor.post(f"/consultations/{c.id}/response/support", data={"city_id": hull.id}).status_code == 403
    page = _support_section(_page(contributor, c.id))
    assert "Newport supports this response: recorded by Cai Contributor on" in page
    assert [s.city_id for s in db.session.scalars(select(CitySupport))] == [users["contributor"].city_id]


def test_only_the_citys_own_policy_leads_change_the_setting(make_draft, as_user, users) -> None:
    c = make_draft(Status.DRAFTING)
    for who in ("contributor", "coordinator"):
        r = as_user(who).post(f"/consultations/{c.id}/response/support/contributors", data={"allow": "yes", "shown": "no"})
        assert r.status_code == 403
    assert "Let contributors record" not in _page(as_user("contributor"), c.id)
    assert "Let contributors record Hull's support" in _page(as_user("lead"), c.id)
    assert db.session.scalar(select(City).where(City.contributors_record_support.is_(True))) is None


def test_a_setting_changed_meanwhile_is_not_changed_back(make_draft, as_user, users) -> None:
    c = make_draft(Status.DRAFTING)
    colleague = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Hana Hull")
    db.session.commit()
    from tests.conftest import login

    # Both leads' pages offer to allow; Hana allows first; Lena's click (made on "not allowed") changes nothing.
    hana = login(as_user(None), colleague)
    assert hana.post(f"/consultations/{c.id}/response/support/contributors",
                     data={"allow": "yes", "shown": "no"}).status_code == 302
    lena = as_user("lead")
    r = lena.post(f"/consultations/{c.id}/response/support/contributors", data={"allow": "yes", "shown": "no"},
                  follow_redirects=True)
    text = html_lib.unescape(r.get_data(as_text=True))
    assert ("Hana Hull (Hull) changed this setting after you opened the page: contributors from Hull can record "
            "its support now. Nothing was changed.") in text
    db.session.expire_all()
    assert factories.city("Hull").contributors_record_support is True
    assert db.session.query(ActivityLog).filter_by(action="city_contributors_support").count() == 1
    # A form no page draws (no change asked) changes nothing either.
    r = lena.post(f"/consultations/{c.id}/response/support/contributors", data={"allow": "yes", "shown": "yes"},
                  follow_redirects=True)
    assert "Reload the page and try again." in html_lib.unescape(r.get_data(as_text=True))
    # Lena stops it from the page as it is now; Hana's "stop" from her older page is then refused.
    assert lena.post(f"/consultations/{c.id}/response/support/contributors",
                     data={"allow": "no", "shown": "yes"}).status_code == 302
    db.session.expire_all()
    assert factories.city("Hull").contributors_record_support is False
    r = hana.post(f"/consultations/{c.id}/response/support/contributors", data={"allow": "no", "shown": "yes"},
                  follow_redirects=True)
    text = html_lib.unescape(r.get_data(as_text=True))
    assert "Lena Lead (Hull) changed this setting after you opened the page: contributors from Hull cannot record" in text
    assert db.session.query(ActivityLog).filter_by(action="city_contributors_support").count() == 2
