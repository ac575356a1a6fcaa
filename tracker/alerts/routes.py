"""Views of saved searches and follows: thin; the rules are in services.py, the reads in queries.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as ResponseBase

from tracker.alerts import bp, queries, services
from tracker.alerts.forms import DELIVERY_HINTS, DeleteSearchForm, EditSearchForm, FollowForm, SaveSearchForm
from tracker.errors import DomainError
from tracker.forms import BaseForm
from tracker.models.alerts import FollowTarget
from tracker.views import Refused, page_status, run, run_if

MAX_QUERY = 2000
F = TypeVar("F", bound=BaseForm)
T = TypeVar("T")


def _query_args(raw: str) -> dict[str, str]:
    if len(raw) > MAX_QUERY:
        abort(400, "The search is too long to save.")
    return dict(parse_qsl(raw, keep_blank_values=False))


@bp.get("/searches")
@login_required
def searches() -> ResponseReturnValue:
    return render_template("alerts/searches.html", searches=queries.searches_of(current_user))


@bp.route("/searches/new", methods=["GET", "POST"])
@login_required
def new_search() -> ResponseReturnValue:
    form = SaveSearchForm()
    if request.method == "GET":
        form.query.data = urlencode(request.args)
    args = _query_args(form.query.data or "")
    try:
        kept = services.checked_filters(current_user, args)
    except DomainError as exc:
        abort(400, exc.message)
    form.query.data = urlencode(kept)
    outcome: Refused | None = None
    if request.method == "POST" and form.validate():
        result = run(form, lambda: services.save_search(current_user, name=form.name.data or "", args=kept,
                                                         delivery=form.delivery.data or ""),
                      success=lambda s: f"Search “{s.name}” saved.", then=url_for("alerts.searches"))
        if not isinstance(result, Refused):
            return result
        outcome = result
    return render_template("alerts/search_form.html", form=form, search=None, described=queries.described(current_user, kept),
                           hints=DELIVERY_HINTS), page_status(form, outcome)


@bp.get("/searches/<int:search_id>")
@login_required
def open_search(search_id: int) -> ResponseReturnValue:
    search = services.own_search(current_user, search_id)
    args: dict[str, Any] = dict(search.args or {})
    return redirect(url_for("consultations.index", **args))


def _search_step(search_id: int, form_class: type[F], template: str, verb: Callable[[F], T], *,
                 success: Callable[[T], str], **context: Any) -> ResponseReturnValue:
    """A page that changes one of the user's saved searches: its form (filled from the search when
    first shown), the verb run when it is posted and valid, then back to the list."""
    search = services.own_search(current_user, search_id)
    form = form_class(obj=search) if request.method == "GET" else form_class()
    outcome = run_if(request.method == "POST" and form.validate(), form, lambda: verb(form), success=success,
                     then=url_for("alerts.searches"))
    if isinstance(outcome, ResponseBase):
        return outcome
    return render_template(template, form=form, search=search, described=queries.described(current_user, search.args or {}),
                           stale=outcome.stale if outcome else None, **context), page_status(form, outcome)


@bp.route("/searches/<int:search_id>/edit", methods=["GET", "POST"])
@login_required
def edit_search(search_id: int) -> ResponseReturnValue:
    return _search_step(search_id, EditSearchForm, "alerts/search_form.html", lambda form: services.update_search(
        current_user, search_id, name=form.name.data or "", delivery=form.delivery.data or "",
        seen_version=form.version.data or 0), success=lambda s: f"Search “{s.name}” saved.", hints=DELIVERY_HINTS)


@bp.route("/searches/<int:search_id>/delete", methods=["GET", "POST"])
@login_required
def delete_search(search_id: int) -> ResponseReturnValue:
    return _search_step(search_id, DeleteSearchForm, "alerts/search_delete.html", lambda form: services.delete_search(
        current_user, search_id, seen_version=form.version.data or 0), success=lambda name: f"Search “{name}” deleted.")


@bp.get("/following")
@login_required
def following() -> ResponseReturnValue:
    return render_template("alerts/following.html", follows=queries.follows_of(current_user))


def _back(form: FollowForm) -> str:
    back, target, ident = form.back.data or "", form.target.data or "", form.ident.data or ""
    if back.isdecimal() and len(back) < 12:
        return url_for("consultations.detail", consultation_id=int(back))
    if target == FollowTarget.CONSULTATION:
        return url_for("consultations.detail", consultation_id=int(ident))
    if target == FollowTarget.ASK:
        return url_for("policy.ask", ask_id=int(ident))
    return url_for("alerts.following")


def _follow_step(following: bool) -> ResponseReturnValue:
    form = FollowForm()
    if not form.validate():
        abort(400, "Nothing to follow was named: go back to the page and use its button.")
    target, ident = form.target.data or "", form.ident.data or ""
    if following:
        result = run(form, lambda: services.follow(current_user, target, ident), then=lambda _f: _back(form),
                     success="You are following it: you will be told when it changes.")
    else:
        result = run(form, lambda: services.unfollow(current_user, target, ident), then=lambda _n: _back(form),
                     success="You no longer follow it.")
    if isinstance(result, Refused):
        abort(400, result.error.message if result.error else "That could not be done.")
    return result


@bp.post("/follow")
@login_required
def follow() -> ResponseReturnValue:
    return _follow_step(True)


@bp.post("/unfollow")
@login_required
def unfollow() -> ResponseReturnValue:
    return _follow_step(False)
