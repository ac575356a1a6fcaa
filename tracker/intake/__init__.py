"""Intake from GOV.UK: importer, triage inbox, classification rules, import runs."""

from typing import Any

from flask import Blueprint

# cli_group=None: `flask --app wsgi import-govuk` is a top-level command.
bp = Blueprint("intake", __name__, cli_group=None)


@bp.app_context_processor
def _intake_helpers() -> dict[str, Any]:
    """For the panels other pages include: _consultation_panel.html, _dashboard_panel.html."""
    from tracker.intake.services import inbox_count, item_for_consultation

    return {"govuk_item_for": item_for_consultation, "intake_inbox_count": inbox_count}


from tracker.intake import cli, routes  # noqa: E402,F401
