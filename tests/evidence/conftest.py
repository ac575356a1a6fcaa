"""Fixtures of the evidence tests: a draft led by Hull (the `lead` fixture), answered question by
question, the officers of the cities it asks (Wolverhampton, Preston, Newport), attachments built
here (no binary fixtures), and helpers that use the real forms."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.conftest import login
from tests.drafts import word_files as wf
from tracker.evidence import files
from tracker.extensions import db
from tracker.models import Consultation, Role, Status, User
from tracker.models.drafts import Question, Response, ResponseVersion
from tracker.models.evidence import EvidenceReply, EvidenceRequest
from tracker.timeutil import working_days_before


@dataclass
class People:
    lead: User  # Hull, the lead city
    coordinator: User
    wolverhampton: User
    wolverhampton_contributor: User
    preston: User
    newport: User  # a contributor: Newport has no policy lead here
    salford: User  # a city not asked
    hull_contributor: User


@pytest.fixture
def people(users: dict[str, User]) -> People:
    made = People(
        lead=users["lead"], coordinator=users["coordinator"],
        wolverhampton=factories.make_user(Role.POLICY_LEAD, city_name="Wolverhampton", name="Wendy Wolves"),
        wolverhampton_contributor=factories.make_user(Role.CONTRIBUTOR, city_name="Wolverhampton", name="Wyn Helper"),
        preston=factories.make_user(Role.POLICY_LEAD, city_name="Preston", name="Pat Preston"),
        newport=users["contributor"], salford=users["other_lead"],
        hull_contributor=factories.make_user(Role.CONTRIBUTOR, city_name="Hull", name="Hal Hull"),
    )
    db.session.commit()
    return made


@pytest.fixture
def draft(people: People) -> Consultation:
    """A Transport consultation led by Hull, drafting question by question (two questions, one
    version), closing in 40 days."""
    consultation = factories.make_consultation(Status.DRAFTING, lead=people.lead, title="Bus services: accessibility",
                                               closes_in_days=40)
    response = Response(consultation_id=consultation.id, mode="questions", current_number=1)
    db.session.add(response)
    db.session.flush()
    q1 = Question(consultation_id=consultation.id, number=1, text="Do you agree with the proposals?")
    q2 = Question(consultation_id=consultation.id, number=2, text="What would they cost councils?")
    db.session.add_all([q1, q2])
    db.session.flush()
    db.session.add(ResponseVersion(response_id=response.id, number=1, author_id=people.lead.id, body="Our intro.",
                                   answers={str(q1.id): "Yes, in part.", str(q2.id): "Too much."},
                                   search_text="Our intro.", note="v1"))
    db.session.commit()
    return consultation


def questions_of(consultation: Consultation) -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.consultation_id == consultation.id)
                                   .order_by(Question.number)))


def city_id(name: str) -> int:
    return factories.city(name).id


@pytest.fixture
def signed_in(app: Flask) -> Callable[[User], FlaskClient]:
    def _client(user: User) -> FlaskClient:
        return login(app.test_client(), user)

    return _client


def ask(client: FlaskClient, consultation: Consultation, *, cities: list[str] | None = None,
        questions: list[int] | None = None, reply_by: date | None = None, brief: str = "Send us your bus figures.",
        contributors: bool = False, version: int | None = None) -> Any:
    """The lead's ask form, as a browser sends it (cities None: all member cities)."""
    db.session.expire_all()
    assert consultation.internal_deadline is not None
    when = reply_by or working_days_before(consultation.internal_deadline, 5)
    data: dict[str, Any] = {
        "version": str(version if version is not None else db.session.get(Consultation, consultation.id).version),
        "audience": "all" if cities is None else "chosen",
        "cities": [str(city_id(n)) for n in cities or []],
        "questions": [str(q) for q in questions or []],
        "brief": brief,
        "reply_by": [str(when.day), str(when.month), str(when.year)],
    }
    if contributors:
        data["include_contributors"] = "y"
    return client.post(f"/consultations/{consultation.id}/evidence/ask", data=data)


def the_request(consultation: Consultation) -> EvidenceRequest:
    db.session.expire_all()
    found = db.session.scalars(select(EvidenceRequest).where(EvidenceRequest.consultation_id == consultation.id)
                               .order_by(EvidenceRequest.id.desc())).first()
    assert found is not None
    return found


def reply_of(request: EvidenceRequest, city: str) -> EvidenceReply:
    db.session.expire_all()
    found = db.session.scalar(select(EvidenceReply).where(EvidenceReply.request_id == request.id,
                                                          EvidenceReply.city_id == city_id(city)))
    assert found is not None
    return found


def send_reply(client: FlaskClient, consultation: Consultation, request: EvidenceRequest, *,
               answers: dict[int | None, str] | None = None, attach: list[tuple[bytes, str]] | None = None,
               remove: list[int] | None = None, version: int = 1) -> Any:
    """The reply form, multipart as a browser sends it, on the reply's ``version`` (1: not yet answered)."""
    data: dict[str, Any] = {"version": str(version)}
    for key, text in (answers or {}).items():
        data[f"answer_{key}" if key is not None else "answer_all"] = text
    data["files"] = [(io.BytesIO(content), name) for content, name in attach or []]
    if remove:
        data["remove_files"] = [str(i) for i in remove]
    return client.post(f"/consultations/{consultation.id}/evidence/{request.id}/reply", data=data,
                       content_type="multipart/form-data")


def page_text(response: Any) -> str:
    """The page's text without its tags, runs of whitespace made one space (what a reader sees)."""
    import html

    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))
    return re.sub(r" ([,.;:)])", r"\1", text)


def evidence_folder(app: Flask) -> Path:
    with app.test_request_context():
        return files.folder()


# --- attachments ------------------------------------------------------------------------------


def pdf(extra: bytes = b"") -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + extra + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def png() -> bytes:
    return wf.png()


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def docx() -> bytes:
    doc = wf.new()
    doc.add_paragraph("Bus patronage rose by 13%.")
    return wf.save(doc)


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["year", "journeys"])
    sheet.append([2025, 24.1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv() -> bytes:
    return "year,journeys (millions)\n2025,24.1\nYstradgynlais,£3\n".encode()


# The reminders' real SMTP server (aiosmtpd) and eager sends.
from tests.reminders.conftest import _our_celery_app, eager, smtp, smtp_server  # noqa: E402,F401
