"""Reminders: the sweep that decides, from the data, which reminders, escalations, follow-ups and
briefings fall due, and hands them to messaging (tracker/messaging/ sends them, keeps preferences and
recovers cut-off sends); and the pages of notifications, preferences and emails that need attention."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("reminders", __name__)


@bp.record_once
def _schedule(state: BlueprintSetupState) -> None:
    """The sweep every REMINDER_SWEEP_SECONDS, run by beat; the sends are queued by the sweep (the
    recovery of cut-off sends runs on its own, more often: tracker/messaging/tasks.py)."""
    from tracker.celery import add_periodic
    from tracker.reminders import tasks

    add_periodic(state.app, "reminders-sweep", tasks.sweep.name, state.app.config["REMINDER_SWEEP_SECONDS"])


from tracker.reminders import routes  # noqa: E402,F401
