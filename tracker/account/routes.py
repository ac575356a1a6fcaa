"""The account hub and the calendar feeds. Feeds take no sign-in (calendar apps cannot sign in):
the secret in the address alone says whose they are, and it opens nothing but the feeds."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from flask import abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.account import bp, queries, services, tokens
from tracker.account.forms import ResetFeedsForm, SetUpFeedsForm
from tracker.consultations.calendar import Deadlines, deadlines_feed
from tracker.consultations.counts import counts as recent
from tracker.models import User
from tracker.urls import base_host
from tracker.views import Refused, run


@bp.get("/account")
@login_required
def index() -> ResponseReturnValue:
    return render_template(
        "account/index.html",
        profile=queries.profile(current_user),
        feeds=queries.feeds(current_user),
        set_up_form=SetUpFeedsForm(formdata=None),
        past_days=queries.FEED_PAST_DAYS,
    )


@bp.post("/account/calendar")
@login_required
def set_up_feeds() -> ResponseReturnValue:
    form = SetUpFeedsForm()
    if not form.validate():
        abort(400, "The form had expired. Open your account page and try again.")
    done = run(form, lambda: services.set_up_feeds(current_user),
               success="Your calendar addresses are ready. Copy one into your calendar app to subscribe.",
               then=url_for("account.index", _anchor="calendar"))
    if isinstance(done, Refused):  # the verb has no refusal of its own
        abort(400)
    return done


@bp.route("/account/calendar/reset", methods=["GET", "POST"])
@login_required
def reset_feeds() -> ResponseReturnValue:
    form = ResetFeedsForm()
    if form.validate_on_submit():
        done = run(form, lambda: services.reset_feeds(current_user),
                   success="Your calendar addresses have been reset. The old ones no longer work: "
                           "subscribe again with the new ones.",
                   then=url_for("account.index", _anchor="calendar"))
        if not isinstance(done, Refused):
            return done
    status = 400 if form.errors else 200
    return render_template("account/reset_feeds.html", form=form), status


def _owner(token: str) -> User:
    user = tokens.feed_owner(token)
    if user is None:
        # One answer for an unknown, reset, garbled or disabled person's token: nothing to learn.
        abort(404, "There is no calendar at this address. It may have been reset: "
                   "get the current address from your account page.")
    return user


@lru_cache(maxsize=64)
def _drawn(name: str, items: tuple[Deadlines, ...], network: str, domain: str) -> bytes:
    """A feed drawn once per process for each set of deadlines it shows: drawing costs about a
    millisecond per consultation, and calendar apps ask for the same network and city feeds again
    and again. The key is the data itself, so a moved date or a cancellation is drawn at once."""
    return deadlines_feed(items, name=name, link=queries.feed_link, network=network, domain=domain)


def _calendar(key: tuple[object, ...], items: Callable[[], list[Deadlines]], name: str, filename: str) -> Response:
    """The feed ``key`` names, as read and drawn in the last few seconds (LIST_COUNT_CACHE_SECONDS,
    forgotten at once when this process commits a change of consultations): calendar apps ask
    again and again, and reading a network's deadlines costs more than serving them."""
    network = queries.network_name()
    host = base_host()
    body = recent(("calendar", *key, network, host),
                  lambda: _drawn(f"{network}: {name}", tuple(items()), network, host))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{filename}"',
                             "X-Robots-Tag": "noindex"})


@bp.get("/calendar/mine/<token>.ics")
def feed_mine(token: str) -> ResponseReturnValue:
    user = _owner(token)
    return _calendar(("mine", user.id), lambda: queries.my_deadlines(user), f"{user.name}'s deadlines",
                     "my-deadlines.ics")


@bp.get("/calendar/city/<city_slug>/<token>.ics")
def feed_city(token: str, city_slug: str) -> ResponseReturnValue:
    _owner(token)
    city = queries.city_named(city_slug)
    if city is None:
        abort(404, "There is no member city with this name.")
    return _calendar(("city", city.id), lambda: queries.city_deadlines(city), f"{city.name}'s deadlines",
                     f"{city.slug}-deadlines.ics")


@bp.get("/calendar/network/<token>.ics")
def feed_network(token: str) -> ResponseReturnValue:
    _owner(token)
    return _calendar(("network",), queries.network_deadlines, "all deadlines", "network-deadlines.ics")
