"""Evidence from member cities: the lead city asks some or all of them for local evidence on a
consultation, each city replies in the tracker (text per question and attachments, or "nothing to
add"), is reminded by the sweep until it does, and the lead quotes the replies into the draft."""

from flask import Blueprint

bp = Blueprint("evidence", __name__)

# reminders: its kinds of message are registered with messaging in every process (the worker
# sends them); the editor shows the panel through drafts' registry.
from tracker.drafts import panels as drafts_panels  # noqa: E402
from tracker.evidence import queries, reminders, routes  # noqa: E402,F401

drafts_panels.register("evidence_panel", queries.editor_panel)
