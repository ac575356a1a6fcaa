"""The library of submitted responses, searchable by words, work area and year."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from tracker.drafts import bp
from tracker.drafts import library as submitted
from tracker.drafts.forms import LibrarySearchForm
from tracker.drafts.search import snippet
from tracker.pagination import govuk_pagination, requested_page
from tracker.policy import panels as policy_panels


@bp.get("/library")
@login_required
def library() -> ResponseReturnValue:
    form = LibrarySearchForm(request.args)
    form.area.choices = [("", "Any work area")] + [(str(a.id), a.name) for a in submitted.work_areas()]
    form.year.choices = [("", "Any year")] + [(str(y), str(y)) for y in submitted.submission_years()]
    if not form.validate():
        # Drawn again with the errors in the summary; an unknown area or year (a stale or
        # crafted link) says so on its own field.
        return render_template("drafts/library.html", form=form, pagination=None, args={}, q="", snippets={}), 400
    q = (form.q.data or "").strip()
    search = submitted.LibrarySearch(
        q=q,
        area_id=int(form.area.data) if form.area.data else None,
        year=int(form.year.data) if form.year.data else None,
    )
    pagination, supports = submitted.library_page(search, requested_page(), current_app.config["PAGE_SIZE"])
    args = {k: v for k, v in {"q": q, "area": form.area.data, "year": form.year.data}.items() if v}
    # The library's query joins each submission to its version: none is without one.
    snippets = {s.id: snippet(s.version.search_text, q)
                for s in pagination.items if s.version is not None}
    return render_template(
        "drafts/library.html", form=form, pagination=pagination, supports=supports, args=args, q=q,
        snippets=snippets, partners=policy_panels.partners_by_consultation([s.consultation_id for s in pagination.items]),
        pages_nav=govuk_pagination(pagination.page, pagination.pages,
                                                      lambda n: url_for("drafts.library", page=n, **args)),
    )
