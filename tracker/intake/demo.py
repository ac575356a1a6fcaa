"""Demo data for `make run`: fill the triage inbox from the recorded sample sets (GOV.UK's and
the select committees')."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import User
from tracker.models.intake import IntakeItem, ItemSource, ItemState

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
COMMITTEES_SAMPLE_DIR = SAMPLE_DIR / "committees"
DEMO_COORDINATOR = "coordinator@keycities.test"
DEMO_ACCEPTED = "00000000-0000-4000-8000-000000000101"  # the DfT bus services consultation


def _imported(source: ItemSource) -> bool:
    return bool(db.session.scalar(select(func.count(IntakeItem.id)).where(IntakeItem.source == source.value)))


def seed_demo() -> None:
    """Import the recorded sets (as `import-govuk --from-dir` and `import-committees --from-dir`).
    Idempotent per source (a second run would only add another run record); flushes only."""
    from tracker.intake import importer, rules, services, sources

    rules.ensure_default_rules()
    if not _imported(ItemSource.GOVUK):
        importer.run_import(sources.make_dir_source(str(SAMPLE_DIR)), trigger="demo")
        # One accepted item, so the consultation page shows its GOV.UK panel in the demo.
        coordinator = db.session.scalar(select(User).where(User.email == DEMO_COORDINATOR))
        bus = db.session.scalar(select(IntakeItem).where(IntakeItem.source == ItemSource.GOVUK.value,
                                                        IntakeItem.content_id == DEMO_ACCEPTED))
        if coordinator is not None and bus is not None and bus.state == ItemState.PENDING:
            services.accept_item(coordinator, bus)
    if not _imported(ItemSource.COMMITTEES):
        importer.run_import(sources.make_committees_dir_source(str(COMMITTEES_SAMPLE_DIR)), trigger="demo")
