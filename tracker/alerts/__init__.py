"""Alerts: saved searches of the consultation list, told of their new matches (imported items
before triage included) at once or in the daily digest, and follows of a consultation, an ask or
a select committee, told of its changes. The sweep and a task queued after each commit that made
alerts due (hooks.py) run the scan (scan.py); messaging sends, once per key."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("alerts", __name__)


@bp.record_once
def _install(state: BlueprintSetupState) -> None:
    from tracker.alerts import hooks, queries

    hooks.install()
    # Pages of features below alerts (an ask's page) draw the follow button through this hook.
    state.app.extensions["tracker.follow_button"] = queries.follow_button


from tracker.alerts import routes, tasks  # noqa: E402,F401
