"""Views of the admin feature."""

from flask import render_template

from tracker.admin import bp
from tracker.auth.decorators import admin_required


@bp.get("/")
@admin_required
def index():  # type: ignore[no-untyped-def]
    return render_template("dashboard/index.html")
