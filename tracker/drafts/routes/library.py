"""The library of submitted responses, searchable by words, work area and year."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from tracker.drafts import bp, queries
from tracker.drafts.forms import LibrarySearchForm
from tracker.pagination import requested_page


@bp.get("/library")
@login_required
def library() -> ResponseReturnValue:
    form = LibrarySearchForm(request.args)
    form.area.choices = [("", "Any work area")] + [(str(a.id), a.name) for a in queries.work_areas()]
    form.year.choices = [("", "Any year")] + [(str(y), str(y)) for y in queries.submission_years()]
    if not form.validate():
        abort(400, "Check the search terms.")
    q = (form.q.data or "").strip()
    search = queries.LibrarySearch(
        q=q,
        area_id=int(form.area.data) if form.area.data else None,
        year=int(form.year.data) if form.year.data else None,
    )
    pagination, supports = queries.library_page(search, requested_page(request.args), current_app.config["PAGE_SIZE"])
    args = {k: v for k, v in {"q": q, "area": form.area.data, "year": form.year.data}.items() if v}
    return render_template(
        "drafts/library.html", form=form, pagination=pagination, supports=supports, args=args, q=q,
    )
