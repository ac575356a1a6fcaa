"""Demo data for `make run`: fill the triage inbox from the recorded sample set."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import User
from tracker.models.intake import GovukItem, ItemState

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
DEMO_COORDINATOR = "coordinator@keycities.test"
DEMO_ACCEPTED = "00000000-0000-4000-8000-000000000101"  # the DfT bus services consultation


def seed_demo() -> None:
    """Import the recorded set (as `import-govuk --from-dir`). Idempotent; flushes only."""
    from tracker.intake import importer, rules, services, sources

    rules.ensure_default_rules()
    if db.session.scalar(select(func.count(GovukItem.id))):
        return  # already imported: a second run would only add another run record
    importer.run_import(sources.make_dir_source(str(SAMPLE_DIR)), trigger="demo")
    # One accepted item, so the consultation page shows its GOV.UK panel in the demo.
    coordinator = db.session.scalar(select(User).where(User.email == DEMO_COORDINATOR))
    bus = db.session.scalar(select(GovukItem).where(GovukItem.content_id == DEMO_ACCEPTED))
    if coordinator is not None and bus is not None and bus.state == ItemState.PENDING:
        services.accept_item(coordinator, bus)
