"""Demo data for `make run`: fill the triage inbox from the recorded sample set."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models.intake import GovukItem

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"


def seed_demo() -> None:
    """Import the recorded set (as `import-govuk --from-dir`). Idempotent; flushes only."""
    from tracker.intake import services

    services.ensure_default_rules()
    if db.session.scalar(select(func.count(GovukItem.id))):
        return  # already imported: a second run would only add another run record
    services.run_import(services.make_dir_source(str(SAMPLE_DIR)), trigger="demo")
