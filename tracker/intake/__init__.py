"""Intake from GOV.UK and Parliament's select committees: importer, triage inbox,
classification rules, import runs."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

# cli_group=None: `flask --app wsgi import-govuk` is a top-level command.
bp = Blueprint("intake", __name__, cli_group=None)


@bp.record_once
def _schedule(state: BlueprintSetupState) -> None:
    """The hourly imports, run by beat: GOV.UK (GOVUK_IMPORT_SECONDS) and the select
    committees (COMMITTEES_IMPORT_SECONDS)."""
    from tracker.celery import add_periodic
    from tracker.intake import tasks

    add_periodic(state.app, "intake-import-govuk", tasks.import_govuk.name, state.app.config["GOVUK_IMPORT_SECONDS"])
    add_periodic(state.app, "intake-import-committees", tasks.import_committees.name,
                 state.app.config["COMMITTEES_IMPORT_SECONDS"])


from tracker.intake import bulk_views, cli, routes  # noqa: E402,F401
