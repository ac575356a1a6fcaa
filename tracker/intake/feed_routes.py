"""The admins' pages of Atom and RSS feeds: the list, adding, editing, disabling and enabling.
Thin: the rules are in feedsources.py, the reads in queries.py."""

from __future__ import annotations

from typing import TypeVar

from flask import abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response as ResponseBase

from tracker.auth.permissions import admin_required
from tracker.extensions import db
from tracker.intake import bp, feedsources, queries
from tracker.intake.forms import FeedEditForm, FeedForm, FeedSwitchForm
from tracker.models import WorkArea
from tracker.models.intake import FeedSource
from tracker.views import page_status, run, run_if

F = TypeVar("F", bound=FeedForm)


def _feed(feed_id: int) -> FeedSource:
    feed = queries.get_feed(feed_id)
    if feed is None:
        abort(404, "There is no such feed.")
    return feed


def _data(form: FeedForm) -> feedsources.FeedData:
    area = db.session.get(WorkArea, form.default_work_area_id.data) if form.default_work_area_id.data else None
    return feedsources.FeedData(url=form.url.data or "", issuer_name=form.issuer_name.data or "",
                                issuer_type=form.issuer_type.data or "", default_work_area=area)


def _choices(form: F) -> F:
    form.default_work_area_id.choices = queries.work_area_choices("No default: the rules alone suggest one")
    return form


@bp.get("/feeds")
@admin_required
def feeds() -> ResponseReturnValue:
    return render_template("intake/feeds.html", feeds=queries.feeds(), switch=FeedSwitchForm())


@bp.route("/feeds/new", methods=["GET", "POST"])
@admin_required
def new_feed() -> ResponseReturnValue:
    form = _choices(FeedForm())
    outcome = run_if(form.validate_on_submit(), form, lambda: feedsources.add_feed(current_user, _data(form)),
                     success=lambda f: f"Added the feed of {f.issuer_name}. It is read with the next hourly import.",
                     then=url_for("intake.feeds"))
    if isinstance(outcome, ResponseBase):
        return outcome
    return render_template("intake/feed_form.html", form=form, feed=None), page_status(form, outcome)


@bp.route("/feeds/<int:feed_id>", methods=["GET", "POST"])
@admin_required
def edit_feed(feed_id: int) -> ResponseReturnValue:
    feed = _feed(feed_id)
    form = _choices(FeedEditForm(obj=feed, default_work_area_id=feed.default_work_area_id or 0))
    outcome = run_if(form.validate_on_submit(), form,
                     lambda: feedsources.edit_feed(current_user, feed, _data(form), seen_version=form.version.data),
                     success=f"Saved the feed of {form.issuer_name.data}.", then=url_for("intake.feeds"))
    if isinstance(outcome, ResponseBase):
        return outcome
    stale = outcome.stale if outcome is not None else None
    return render_template("intake/feed_form.html", form=form, feed=feed, stale=stale), page_status(form, outcome)


@bp.post("/feeds/<int:feed_id>/switch")
@admin_required
def switch_feed(feed_id: int) -> ResponseReturnValue:
    feed = _feed(feed_id)
    form = FeedSwitchForm()
    enable = not feed.enabled
    if not form.validate_on_submit():
        abort(400, "The form was incomplete: open the feeds page and try again.")
    outcome = run(form, lambda: feedsources.set_enabled(current_user, feed, enable, seen_version=form.version.data),
                  success=(f"Enabled the feed of {feed.issuer_name}: it is read with the next hourly import."
                           if enable else f"Disabled the feed of {feed.issuer_name}: it is no longer read."),
                  then=url_for("intake.feeds"))
    if isinstance(outcome, ResponseBase):
        return outcome
    return render_template("intake/feeds.html", feeds=queries.feeds(), switch=FeedSwitchForm(),
                           stale=outcome.stale), outcome.status
