"""Reminders: the sweep that decides what is due, sending, notifications and preferences."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("reminders", __name__)


@bp.record_once
def _schedule(state: BlueprintSetupState) -> None:
    """The sweep every REMINDER_SWEEP_SECONDS, run by beat; the sends are queued by the sweep. The
    recovery of cut-off sends, which is light, also runs on its own every REMINDER_RECOVER_SECONDS."""
    from tracker.celery import add_periodic
    from tracker.reminders import tasks

    add_periodic(state.app, "reminders-sweep", tasks.sweep.name, state.app.config["REMINDER_SWEEP_SECONDS"])
    every = state.app.config["REMINDER_RECOVER_SECONDS"]
    add_periodic(state.app, "reminders-recover", tasks.recover.name, every, expires=every)


from tracker.reminders import routes  # noqa: E402,F401
