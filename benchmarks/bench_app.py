"""The tracker as gunicorn serves it, plus the reference page (docs/architecture.md) at /__reference__.

The reference page is one ORM query rendered by one compiled Jinja template: a 25-row table in
GOV.UK Frontend's own page template, through the same template loader set-up as the tracker's
pages, with no sign-in, navigation or panels. Served by the same gunicorn workers as the pages it
is compared with (benchmarks/pages.py), so both feel the same load.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import load_only

from tracker import create_app
from tracker.extensions import db
from tracker.models import Consultation

reference = Blueprint("reference", __name__, template_folder="templates")


@reference.get("/__reference__")
def page() -> str:
    rows = db.session.scalars(
        select(Consultation)
        .options(load_only(Consultation.id, Consultation.title, Consultation.issuing_organisation,
                           Consultation.status, Consultation.closes_at))
        .order_by(Consultation.closes_at)
        .limit(25)
    ).all()
    return render_template("bench_reference.html", rows=rows)


app = create_app()
app.register_blueprint(reference)
