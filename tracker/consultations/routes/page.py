"""The consultation's calendar file, and finding a consultation for its pages (the page itself, which
shows every feature's panel, is tracker/pages/consultation.py)."""

from __future__ import annotations

from typing import NoReturn

from flask import Response, abort, current_app
from flask.typing import ResponseReturnValue
from flask_login import login_required

from tracker.consultations import bp, calendar, queries
from tracker.models import Consultation
from tracker.urls import base_host, external_url


def no_such_consultation(consultation_id: int) -> NoReturn:
    """The 404 of a page or an API answer for a consultation that is not there."""
    abort(404, f"There is no consultation number {consultation_id}.")


def consultation_or_404(consultation_id: int) -> Consultation:
    consultation = queries.get_consultation(consultation_id)
    if consultation is None:
        no_such_consultation(consultation_id)
    return consultation


@bp.get("/<int:consultation_id>/deadlines.ics")
@login_required
def deadlines_ics(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    body = calendar.deadlines_calendar(
        consultation, link=external_url("consultations.detail", consultation_id=consultation.id),
        network=current_app.config["NETWORK_NAME"], domain=base_host(),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="consultation-{consultation.id}-deadlines.ics"'},
    )
