"""Reading a consultation's documents: fetching them from GOV.UK within allowed hosts and limits,
reading HTML, PDF and DOCX, finding its questions and ways to respond."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

# No pages (they live with the pages that show the panels); cli_group=None: `read-documents` is top level.
bp = Blueprint("documents", __name__, cli_group=None)


@bp.record_once
def _schedule(state: BlueprintSetupState) -> None:
    """The hourly catch-up, run by beat (DOCUMENTS_CATCH_UP_SECONDS)."""
    from tracker.celery import add_periodic
    from tracker.documents import tasks

    add_periodic(state.app, "documents-catch-up", tasks.catch_up.name, state.app.config["DOCUMENTS_CATCH_UP_SECONDS"])


from tracker.documents import cli  # noqa: E402,F401
