"""Views of the consultations feature."""

from flask import render_template
from flask_login import login_required

from tracker.consultations import bp


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    return render_template("dashboard/index.html")
