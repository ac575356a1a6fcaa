"""Demo data for `make run`: fill the triage inbox from the recorded sample sets (GOV.UK's and
the select committees'), add the Welsh Government's feed (disabled), and accept two GOV.UK items with their documents' recorded readings: the
bus services consultation waits for its lead city (Hull) to start question by question from its
document's questions; the planning one was answered that way and approved, for a coordinator to
record its submission by the department's checklist."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Consultation, Decision, IssuerType, Role, User, WorkArea
from tracker.models.intake import FeedSource, IntakeItem, ItemSource, ItemState

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
COMMITTEES_SAMPLE_DIR = SAMPLE_DIR / "committees"
DEMO_COORDINATOR = "coordinator@keycities.test"
DEMO_ACCEPTED = "00000000-0000-4000-8000-000000000101"  # the DfT bus services consultation
DEMO_PLANNING = "00000000-0000-4000-8000-000000000102"  # MHCLG's local plans consultation
DOCUMENTS_DIR = SAMPLE_DIR / "documents"  # recorded readings of both items' documents
DEMO_FEED = "https://www.gov.wales/consultations/feed"  # an admin's feed, shown on /intake/feeds


def _imported(source: ItemSource) -> bool:
    return bool(db.session.scalar(select(func.count(IntakeItem.id)).where(IntakeItem.source == source.value)))


def _recorded_reading(consultation_id: int, item: IntakeItem) -> None:
    from tracker.documents import services as documents
    from tracker.documents.reader import Reading

    path = DOCUMENTS_DIR / f"{item.content_id}.json"
    if path.is_file():
        reading = Reading.from_json(json.loads(path.read_text(encoding="utf-8")))
        due = documents.Due(consultation_id, ItemSource.GOVUK, item.base_path, "", documents.version_of(item))
        documents.store(due, reading)


PLANNING_INTRODUCTION = ("The Key Cities network welcomes faster local plans, and asks that the new timetable "
                         "comes with the planning capacity to meet it.")


def _to_the_lead_city(coordinator: User, consultation: Consultation) -> User | None:
    """Triaged to respond and assigned to its work area's lead city and one of its policy leads."""
    from tracker.consultations import services as consultations

    area = consultation.work_area
    if area is None or area.lead_city is None:
        return None
    lead = db.session.scalar(select(User).where(User.role == Role.POLICY_LEAD.value, User.city_id == area.lead_city_id)
                             .order_by(User.id))
    consultations.triage(coordinator, consultation, Decision.RESPOND, "Direct impact on member councils.")
    consultations.assign(coordinator, consultation, work_area=area, city=area.lead_city, policy_lead=lead,
                         internal_deadline=None)
    return lead


def _approved_by_questions(coordinator: User, lead: User, consultation: Consultation) -> None:
    """Answered question by question from its document's questions, sent for review, approved."""
    from tracker.documents import queries as documents
    from tracker.drafts import queries as drafts
    from tracker.drafts import review, versions

    versions.start_from_document(lead, consultation, documents.questions_for(consultation.id))
    questions = drafts.questions(consultation)
    # Three versions, as a draft is written: the introduction, the first answers, all of them.
    for number, answered, note in ((1, 0, "Introduction"), (2, 2, "First answers"), (3, len(questions), "All answered")):
        answers = {str(q.id): f"The network's answer to question {q.shown_number}." for q in questions[:answered]}
        versions.save_version(lead, consultation, versions.DraftText(PLANNING_INTRODUCTION, answers, note), number - 1)
    review.send_for_review(lead, consultation)
    review.approve(coordinator, consultation, number=3)


def seed_demo() -> None:
    """Import the recorded sets (as `import-govuk --from-dir` and `import-committees --from-dir`).
    Idempotent per source (a second run would only add another run record); flushes only."""
    from tracker.intake import importer, rules, services, sources

    rules.ensure_default_rules()
    if not _imported(ItemSource.GOVUK):
        importer.run_import(sources.make_dir_source(str(SAMPLE_DIR)), trigger="demo")
        # Two accepted items, so the consultation page shows its GOV.UK panel in the demo, and the
        # API their questions and documents read from GOV.UK (recorded: the demo reads nothing from
        # outside).
        coordinator = db.session.scalar(select(User).where(User.email == DEMO_COORDINATOR))
        for content_id in (DEMO_ACCEPTED, DEMO_PLANNING):
            item = db.session.scalar(select(IntakeItem).where(IntakeItem.source == ItemSource.GOVUK.value,
                                                             IntakeItem.content_id == content_id))
            if coordinator is not None and item is not None and item.state == ItemState.PENDING:
                consultation = services.accept_item(coordinator, item)
                _recorded_reading(consultation.id, item)
                lead = _to_the_lead_city(coordinator, consultation)
                if lead is not None and content_id == DEMO_PLANNING:
                    _approved_by_questions(coordinator, lead, consultation)
    if not _imported(ItemSource.COMMITTEES):
        importer.run_import(sources.make_committees_dir_source(str(COMMITTEES_SAMPLE_DIR)), trigger="demo")
    if db.session.scalar(select(func.count(FeedSource.id))) == 0:
        # Disabled: the demo reads nothing from outside. An admin enables it to try a real feed.
        db.session.add(FeedSource(url=DEMO_FEED, host="www.gov.wales", issuer_name="Welsh Government",
                                  issuer_type=IssuerType.GOVERNMENT_DEPARTMENT.value, enabled=False,
                                  default_work_area=db.session.scalar(select(WorkArea).where(WorkArea.name == "Transport"))))
