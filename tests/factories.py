"""Test data builders: real rows in the real database, with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta  # noqa: F401 - re-exported for tests
from functools import lru_cache

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import City, Consultation, Decision, Role, Status, User, WorkArea
from tracker.models.user import hash_password
from tracker.timeutil import default_internal_deadline, uk_instant, uk_today  # noqa: F401

PASSWORD = "correct-horse-battery"
# A SECRET_KEY production accepts (made with secrets.token_urlsafe(48)); not a secret anywhere.
PRODUCTION_SECRET_KEY = "5TGCQyRaI6ocg22qPAB6yD7KUggDFoSOkdn0v7t4aBJDkTGFOX-ubm7oRS-GBFFt"  # noqa: S105
_seq = itertools.count(1)


@lru_cache(maxsize=8)
def _hash(password: str) -> str:
    # argon2id is deliberately slow; hash each test password once per run.
    return hash_password(password)


def city(name: str) -> City:
    row = db.session.scalar(select(City).where(City.name == name))
    assert row is not None, f"no city {name!r}: is the reference data seeded?"
    return row


def work_area(name: str) -> WorkArea:
    row = db.session.scalar(select(WorkArea).where(WorkArea.name == name))
    assert row is not None, f"no work area {name!r}"
    return row


def make_user(
    role: Role | str = Role.CONTRIBUTOR,
    *,
    city_name: str | None = None,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    is_enabled: bool = True,
) -> User:
    role = Role(role)
    n = next(_seq)
    if role.needs_city and city_name is None:
        city_name = "Hull"
    user = User(
        email=email or f"{role.value}{n}@example.test",
        name=name or f"{role.label} {n}",
        role=role.value,
        city=city(city_name) if city_name else None,
        password_hash=_hash(password),
        is_enabled=is_enabled,
    )
    db.session.add(user)
    db.session.flush()
    return user


def closes_in(days: int, at: time = time(23, 59)) -> datetime:
    return uk_instant(uk_today() + timedelta(days=days), at)


def make_consultation(
    status: Status | str = Status.NEW,
    *,
    title: str | None = None,
    organisation: str = "Department for Transport",
    closes_in_days: int = 30,
    closes_at: datetime | None = None,
    area: str | None = "Transport",
    city_name: str | None = None,
    lead: User | None = None,
    internal_deadline: date | None = None,
) -> Consultation:
    """A consultation already in ``status``. Assigned states get a lead city (the area's lead
    city unless ``city_name`` says otherwise) and, if given, a policy lead."""
    status = Status(status)
    n = next(_seq)
    closes_at = closes_at or closes_in(closes_in_days)
    consultation = Consultation(
        title=title or f"Consultation number {n}",
        issuing_organisation=organisation,
        url=f"https://www.gov.uk/government/consultations/c-{n}",
        summary="Seeking views.",
        closes_at=closes_at,
        opened_at=closes_at - timedelta(days=56),
        status=status.value,
        work_area=work_area(area) if area else None,
    )
    if status not in (Status.NEW,):
        consultation.decision = {
            Status.MONITORING: Decision.MONITOR,
            Status.DECLINED: Decision.NO_RESPONSE,
        }.get(status, Decision.RESPOND).value
    if status in (
        Status.ASSIGNED,
        Status.DRAFTING,
        Status.IN_REVIEW,
        Status.APPROVED,
        Status.SUBMITTED,
        Status.OUTCOME_PUBLISHED,
    ) or city_name or lead:
        if city_name:
            consultation.lead_city = city(city_name)
        elif lead is not None and lead.city is not None:
            consultation.lead_city = lead.city
        elif consultation.work_area is not None:
            consultation.lead_city = consultation.work_area.lead_city
        consultation.policy_lead = lead
        consultation.internal_deadline = internal_deadline or default_internal_deadline(closes_at, 5)
    db.session.add(consultation)
    db.session.flush()
    return consultation


DOCUMENT_URL = "https://www.gov.uk/government/publications/bus-reform/consultation-document"
BUS_WAYS = {"link_url": "https://consult.example.gov.uk/bus-reform", "email": "bus.reform@dft.example.gov.uk",
            "postal_address": "Bus reform team\n2 Marsham Street\nLondon SW1P 4DR",
            "attachment_url": "https://assets.publishing.service.gov.uk/media/bus-reform/response-form.docx"}


def found_question(number: str, text: str, options: tuple[str, ...] = (), *, where: str = "Chapter 2",
                   title: str = "Bus reform: consultation document", url: str = DOCUMENT_URL) -> dict[str, object]:
    """A question as the documents feature finds it (the shape of `read-documents --json`)."""
    return {"number": number, "text": text, "options": list(options),
            "source": {"title": title, "url": url, "where": where}}


def read_documents(consultation: Consultation, *, questions: list[dict[str, object]] | None = None,
                   documents: list[dict[str, object]] | None = None, ways: dict[str, str] | None = None,
                   problem: str = "", at: datetime | None = None) -> Consultation:
    """The consultation as imported from GOV.UK with its documents read (as the reading task stores
    them): the questions, the documents (read or skipped and why) and the ways to respond."""
    from tracker.models.documents import ConsultationDocument, ConsultationQuestion, DocumentReading
    from tracker.timeutil import utcnow

    consultation.source = "govuk"
    at = at or utcnow()
    db.session.add(DocumentReading(consultation_id=consultation.id, read_at=at, documents_read_for=at,
                                   problem=problem, ways_to_respond=ways))
    for position, q in enumerate(questions or [], start=1):
        source = q["source"]
        assert isinstance(source, dict)
        db.session.add(ConsultationQuestion(
            consultation_id=consultation.id, position=position, number=q["number"], text=q["text"],
            options=q["options"], source_title=source["title"], source_url=source["url"],
            source_where=source["where"]))
    for position, d in enumerate(documents or [], start=1):
        db.session.add(ConsultationDocument(consultation_id=consultation.id, position=position, read_at=at,
                                            **{"kind": "attachment", "reason": "", "content_type": "", **d}))
    db.session.flush()
    return consultation
