"""Who may do what: a city replies for itself only; the lead city's contributors are not asked and
do not ask; other cities' contributors reply for their own city; attachments are served only to
signed-in members, as downloads that a browser will not sniff into something else."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.evidence import conftest as ev
from tests.evidence.conftest import People, ask, page_text, questions_of, reply_of, send_reply, the_request
from tests.factories import make_consultation
from tracker.extensions import db
from tracker.models import Consultation, Status
from tracker.models.evidence import EvidenceFile, EvidenceRequest, ReplyState


@pytest.fixture
def asked(draft: Consultation, people: People, signed_in) -> EvidenceRequest:  # type: ignore[no-untyped-def]
    assert ask(signed_in(people.lead), draft, cities=["Wolverhampton", "Newport"]).status_code == 302
    return the_request(draft)


def test_a_city_cannot_reply_for_another(draft: Consultation, asked: EvidenceRequest, people: People,
                                         signed_in) -> None:  # type: ignore[no-untyped-def]
    # Salford was not asked: its lead has no reply to write, whatever the form says.
    salford = signed_in(people.salford)
    assert salford.get(f"/consultations/{draft.id}/evidence/{asked.id}/reply").status_code == 403
    crafted = send_reply(salford, draft, asked, answers={None: "Posing as Wolverhampton."})
    assert crafted.status_code == 403
    assert salford.post(f"/consultations/{draft.id}/evidence/{asked.id}/nothing-to-add",
                        data={"version": "1", "city_id": str(ev.city_id("Wolverhampton"))}).status_code == 403
    # Newport's officer writes Newport's reply, never Wolverhampton's, whatever it sends.
    newport = signed_in(people.newport)
    form = newport.post(f"/consultations/{draft.id}/evidence/{asked.id}/reply",
                        data={"version": "1", "answer_all": "From Newport.", "city_id": str(ev.city_id("Wolverhampton")),
                              "reply_id": str(reply_of(asked, "Wolverhampton").id)},
                        content_type="multipart/form-data")
    assert form.status_code == 302
    assert reply_of(asked, "Newport").state == ReplyState.REPLIED
    assert reply_of(asked, "Wolverhampton").state == ReplyState.AWAITED
    # A request of another consultation is not found through this one.
    other = make_consultation(Status.DRAFTING, lead=people.lead)
    db.session.commit()
    assert newport.get(f"/consultations/{other.id}/evidence/{asked.id}/reply").status_code == 404


def test_contributors_of_the_lead_city_and_of_asked_cities(draft: Consultation, asked: EvidenceRequest,
                                                           people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    hull = signed_in(people.hull_contributor)
    assert hull.get(f"/consultations/{draft.id}/evidence/ask").status_code == 403
    assert hull.get(f"/consultations/{draft.id}/evidence/{asked.id}/reply").status_code == 403
    shown = page_text(hull.get(f"/consultations/{draft.id}/response"))
    assert "Evidence from member cities" in shown and "Reply for" not in shown  # reading is open
    # An asked city's contributor replies for it, even though the lead did not tell contributors.
    helper = signed_in(people.wolverhampton_contributor)
    assert "Reply for Wolverhampton" in page_text(helper.get(f"/consultations/{draft.id}/response"))
    assert send_reply(helper, draft, asked, answers={None: "From the contributor."}).status_code == 302
    assert reply_of(asked, "Wolverhampton").replied_by_id == people.wolverhampton_contributor.id
    # Coordinators ask and close but do not speak for a city.
    assert signed_in(people.coordinator).get(
        f"/consultations/{draft.id}/evidence/{asked.id}/reply").status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, draft: Consultation, asked: EvidenceRequest) -> None:  # type: ignore[no-untyped-def]
    for method, path in [
        ("get", f"/consultations/{draft.id}/evidence/ask"),
        ("get", f"/consultations/{draft.id}/evidence/{asked.id}/reply"),
        ("post", f"/consultations/{draft.id}/evidence/{asked.id}/reply"),
        ("post", f"/consultations/{draft.id}/evidence/{asked.id}/nothing-to-add"),
        ("post", f"/consultations/{draft.id}/evidence/{asked.id}/close"),
        ("post", f"/consultations/{draft.id}/evidence/answers/1/quote"),
        ("get", f"/consultations/{draft.id}/evidence/files/1"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_only_the_lead_closes_a_request(draft: Consultation, asked: EvidenceRequest, people: People,
                                        signed_in) -> None:  # type: ignore[no-untyped-def]
    for who in (people.wolverhampton, people.hull_contributor, people.salford):
        assert signed_in(who).post(f"/consultations/{draft.id}/evidence/{asked.id}/close",
                                   data={"version": "1"}).status_code == 403
    assert the_request(draft).closed_at is None


def test_attachments_are_served_to_signed_in_members_only_as_downloads(
        app: Flask, client, draft: Consultation, asked: EvidenceRequest, people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    content = ev.pdf(b"<script>alert(1)</script>")
    assert send_reply(signed_in(people.wolverhampton), draft, asked, answers={None: "See attached."},
                      attach=[(content, '../../Bus;figures<>\t.pdf')]).status_code == 302
    (attached,) = reply_of(asked, "Wolverhampton").files
    assert attached.filename == "Bus figures.pdf"
    path = f"/consultations/{draft.id}/evidence/files/{attached.id}"

    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert content not in anonymous.get_data()

    # Any signed-in member may read it (reading is open inside the network).
    served = signed_in(people.salford).get(path)
    assert served.status_code == 200 and served.get_data() == content
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"] == 'attachment; filename="Bus figures.pdf"'
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in served.headers["Cache-Control"]

    # Only through its own consultation; a made-up id is not found.
    other = make_consultation(Status.DRAFTING, lead=people.lead)
    db.session.commit()
    assert signed_in(people.salford).get(f"/consultations/{other.id}/evidence/files/{attached.id}").status_code == 404
    assert signed_in(people.salford).get(f"/consultations/{draft.id}/evidence/files/999999").status_code == 404


def test_a_name_in_another_script_is_kept_and_given_safely(draft: Consultation, asked: EvidenceRequest,
                                                           people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    assert send_reply(signed_in(people.wolverhampton), draft, asked, answers={None: "Cymraeg."},
                      attach=[(ev.csv(), "Ffigurau’r ddinas – 2025.csv")]).status_code == 302
    (attached,) = reply_of(asked, "Wolverhampton").files
    assert attached.filename == "Ffigurau r ddinas 2025.csv"
    served = signed_in(people.lead).get(f"/consultations/{draft.id}/evidence/files/{attached.id}")
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert served.headers["Content-Type"].startswith("text/csv")


def test_a_missing_file_is_said_not_a_500(app: Flask, draft: Consultation, asked: EvidenceRequest, people: People,
                                          signed_in) -> None:  # type: ignore[no-untyped-def]
    assert send_reply(signed_in(people.wolverhampton), draft, asked, answers={None: "x"},
                      attach=[(ev.pdf(), "gone.pdf")]).status_code == 302
    (attached,) = reply_of(asked, "Wolverhampton").files
    (ev.evidence_folder(app) / attached.stored_name).unlink()
    shown = signed_in(people.lead).get(f"/consultations/{draft.id}/evidence/files/{attached.id}",
                                       follow_redirects=True)
    assert shown.status_code == 200 and "gone.pdf is missing from the tracker's store" in page_text(shown)
    assert db.session.get(EvidenceFile, attached.id) is not None


def test_questions_of_the_draft_only(draft: Consultation, people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    q1, _ = questions_of(draft)
    other = make_consultation(Status.DRAFTING, lead=people.lead)
    db.session.commit()
    refused = ask(signed_in(people.lead), other, cities=["Preston"], questions=[q1.id])
    assert refused.status_code == 400 and "Choose from the draft's questions." in page_text(refused)
