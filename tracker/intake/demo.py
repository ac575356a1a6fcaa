"""Demo data for `make run`: fill the triage inbox from the recorded sample sets (GOV.UK's and
the select committees'), and accept two GOV.UK items with their documents' recorded readings."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import User
from tracker.models.intake import IntakeItem, ItemSource, ItemState

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
COMMITTEES_SAMPLE_DIR = SAMPLE_DIR / "committees"
DEMO_COORDINATOR = "coordinator@keycities.test"
DEMO_ACCEPTED = "00000000-0000-4000-8000-000000000101"  # the DfT bus services consultation
DEMO_PLANNING = "00000000-0000-4000-8000-000000000102"  # MHCLG's local plans consultation
DOCUMENTS_DIR = SAMPLE_DIR / "documents"  # recorded readings of both items' documents


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
    if not _imported(ItemSource.COMMITTEES):
        importer.run_import(sources.make_committees_dir_source(str(COMMITTEES_SAMPLE_DIR)), trigger="demo")
