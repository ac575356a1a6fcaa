"""The floor reference of DESIGN.md: one ORM query and a Jinja table, nothing else.

Served by benchmarks/pages.py next to the tracker so the pages are compared with it
in the same run (the machine's load changes between runs). Reads REFERENCE_DB.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tracker.models import Consultation

app = Flask(__name__)
engine = create_engine(os.environ["REFERENCE_DB"])

PAGE = """<!doctype html><html lang="en"><head><title>Reference</title></head><body>
<table>{% for c in rows %}<tr><td><a href="/consultations/{{ c.id }}">{{ c.title }}</a></td>
<td>{{ c.issuing_organisation }}</td><td>{{ c.status }}</td><td>{{ c.closes_at }}</td></tr>{% endfor %}</table>
</body></html>"""


@app.get("/")
def index():  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        rows = session.scalars(select(Consultation).order_by(Consultation.closes_at).limit(25)).all()
        return render_template_string(PAGE, rows=rows)
