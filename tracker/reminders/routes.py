"""Views of the reminders feature: thin; the rules are in services.py and preferences.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import time

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from tracker.auth.permissions import admin_required, coordinator_required
from tracker.errors import DomainError, NotFound, PermissionDenied
from tracker.extensions import db
from tracker.messaging import resend
from tracker.messaging.notifications import mark_all_read
from tracker.messaging.preferences import (
    network_settings,
    preferences_for,
    save_network_settings,
)
from tracker.models import User
from tracker.models.messages import DigestRun, Message, Notification, State
from tracker.pagination import govuk_pagination, paginate
from tracker.reminders import bp, briefing, queries, services
from tracker.reminders.forms import NetworkSettingsForm, PreferencesForm, ResendForm
from tracker.views import Refused, run

PAGE_SIZE = 50


@bp.get("/notifications")
@login_required
def notifications() -> ResponseReturnValue:
    page = paginate(
        select(Notification)
        .options(joinedload(Notification.consultation))
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        PAGE_SIZE,
    )
    return render_template("reminders/notifications.html", page=page, unread=queries.unread_count(current_user),
                           rows_shown=queries.rows_shown(page.items),
                           pagination=govuk_pagination(page.page, page.pages,
                                                       lambda n: url_for("reminders.notifications", page=n)))


@bp.post("/notifications/read")
@login_required
def mark_read() -> Response:
    count = mark_all_read(current_user)
    db.session.commit()
    flash(f"Marked {count} notification{'s' if count != 1 else ''} as read." if count else "Nothing was unread.",
          "success")
    return redirect(url_for("reminders.notifications"))


def _fill(form: PreferencesForm | NetworkSettingsForm, delivery: str, digest_time: time,
          points: Iterable[str]) -> None:
    form.delivery.data = delivery
    form.digest_time.data = digest_time.strftime("%H:%M")
    form.points.data = sorted(points)


@bp.route("/account/preferences", methods=["GET", "POST"])
@login_required
def preferences() -> ResponseReturnValue:
    form = PreferencesForm()
    mine = preferences_for([current_user.id])[current_user.id]
    offered = briefing.offered(current_user)
    if not offered:
        del form.briefing
    if request.method == "GET":
        _fill(form, mine.delivery, mine.digest_time, mine.points)
        for kind, delivery in mine.events.items():
            if hasattr(form, f"event_{kind}"):
                getattr(form, f"event_{kind}").data = delivery
        if offered:
            form.briefing.data = "yes" if briefing.wants(current_user, mine) else "no"
    elif form.validate_on_submit():
        outcome = run(form, lambda: services.save_preferences(
                          current_user, current_user.id, delivery=form.delivery.data or "",
                          digest_time=form.digest_clock(), points=form.points.data or [], events=form.events(),
                          briefing=form.briefing_choice()),
                      success="Your reminder preferences are saved.", then=url_for("reminders.preferences"))
        if not isinstance(outcome, Refused):
            return outcome
    # A form sent back with errors answers 200 here, as it always has.
    return render_template("reminders/preferences.html", form=form, own=mine.own,
                           briefing=briefing.page_text(current_user) if offered else None)


@bp.route("/admin/reminder-settings", methods=["GET", "POST"])
@coordinator_required
def network_defaults() -> ResponseReturnValue:
    form = NetworkSettingsForm()
    if request.method == "GET":
        row = network_settings()
        _fill(form, row.delivery, row.digest_time, row.points or [])
        db.session.commit()  # the defaults row, created on first visit
    elif form.validate_on_submit():
        outcome = run(form, lambda: save_network_settings(
                          current_user, delivery=form.delivery.data or "", digest_time=form.digest_clock(),
                          points=form.points.data or []),
                      success="The network's reminder defaults are saved.", then=url_for("reminders.network_defaults"))
        if not isinstance(outcome, Refused):
            return outcome
    return render_template("reminders/network_settings.html", form=form)


@bp.get("/admin/reminders")
@admin_required
def admin_reminders() -> ResponseReturnValue:
    state = request.args.get("state", "")
    if state and state not in {s.value for s in State}:
        abort(400, "Unknown state.")
    query = (
        select(Message)
        .options(joinedload(Message.consultation), joinedload(Message.recipient))
        .order_by(Message.created_at.desc(), Message.id.desc())
    )
    if state:
        query = query.where(Message.state == state)
    page = paginate(query, PAGE_SIZE)
    counts = dict(db.session.execute(select(Message.state, func.count()).group_by(Message.state)).tuples().all())
    return render_template("reminders/admin_reminders.html", page=page, state=state, counts=counts,
                           states=queries.STATE_LABELS, rows_shown=queries.rows_shown(page.items),
                           pagination=govuk_pagination(page.page, page.pages, lambda n: url_for(
                               "reminders.admin_reminders", state=state or None, page=n)))


@bp.get("/reminders/attention")
@coordinator_required
def attention() -> ResponseReturnValue:
    show = request.args.get("show", "emails")
    state = request.args.get("state", "")
    if show not in ("emails", "digests"):
        abort(400, "Unknown list: choose emails or digests.")
    if state and state not in queries.NEEDS_ATTENTION:
        abort(400, "Unknown state: choose uncertain or failed.")
    if show == "emails":
        page = paginate(queries.attention_reminders(state or None), PAGE_SIZE)
        items: dict[int, int] = {}
    else:
        page = paginate(queries.attention_digests(), PAGE_SIZE)
        items = queries.digest_item_counts([run.id for run in page.items])
    shown = queries.rows_shown(page.items)
    for row in page.items:
        shown[row.id]["version"] = resend.version_of(row)
    return render_template(
        "reminders/attention.html", page=page, show=show, state=state, counts=queries.attention_counts(),
        digest_items=items, rows_shown=shown, form=ResendForm(),
        pagination=govuk_pagination(page.page, page.pages, lambda n: url_for(
            "reminders.attention", show=show if show != "emails" else None, state=state or None, page=n)),
    )


def _resend(verb: Callable[[User, int, str], Message | DigestRun], row_id: int, show: str, sent: str) -> Response:
    form = ResendForm()
    back = url_for("reminders.attention", show=show)
    if not form.validate_on_submit():  # the CSRF token: the page is too old
        flash("The page had expired, so nothing was resent. Try again.", "error")
        return redirect(back)
    try:
        row = verb(current_user, row_id, form.version.data or "")
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "info")
        return redirect(back)
    db.session.commit()
    flash(sent.format(row=row), "success")
    return redirect(back)


@bp.post("/reminders/attention/emails/<int:message_id>/resend")
@coordinator_required
def resend_email(message_id: int) -> Response:
    return _resend(resend.resend_message, message_id, "emails",
                   "The email to {row.recipient.email} will be sent again in a moment.")


@bp.post("/reminders/attention/digests/<int:run_id>/resend")
@coordinator_required
def resend_digest(run_id: int) -> Response:
    return _resend(resend.resend_digest, run_id, "digests",
                   "The daily digest to {row.user.email} will be sent again in a moment.")
