"""Editing one's own comment, on a page of its own; and the city's choice of who records its
support (a button on the response page)."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.drafts import bp, city_support, conversation, queries
from tracker.drafts.forms import CommentEditForm, SupportSettingForm
from tracker.drafts.limits import MAX_COMMENT
from tracker.drafts.markdown import render
from tracker.drafts.routes.common import consultation_url, response_url, run_button
from tracker.errors import PermissionDenied
from tracker.views import Refused, page_status, run


@bp.route("/<int:consultation_id>/response/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(consultation_id: int, comment_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    comment = conversation.get_own_comment(current_user, consultation, comment_id)
    form = CommentEditForm()
    refused: Refused | None = None
    if request.method == "GET":
        form.body.data, form.version.data = comment.body, comment.version
    elif form.validate():
        outcome = run(form, lambda: conversation.edit_comment(current_user, consultation, comment_id,
                                                              form.body.data or "", seen=form.version.data or 0),
                      success="Comment saved.", then=response_url(consultation, f"comment-{comment_id}"))
        if not isinstance(outcome, Refused):
            return outcome
        refused = outcome
        comment = conversation.get_own_comment(current_user, consultation, comment_id)
    return render_template(
        "drafts/comment_edit.html", consultation=consultation, comment=comment, form=form,
        stale=refused.stale if refused else None, now_html=render(comment.body, 3) if refused and refused.stale else None,
        max_comment=MAX_COMMENT, consultation_url=consultation_url(consultation),
        back_url=response_url(consultation, f"comment-{comment_id}"),
    ), page_status(form, refused)


@bp.post("/<int:consultation_id>/response/support/contributors")
@login_required
def contributors_support(consultation_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    back = response_url(consultation, "support-own")
    if current_user.city_id is None or not city_support.may_set(current_user, current_user.city_id):
        raise PermissionDenied("Only the city's own policy leads can choose whether its contributors record support.")
    form = SupportSettingForm()
    allow = form.allow.data == "yes"
    return run_button(form, lambda: city_support.set_contributors_record_support(
        current_user, current_user.city_id, allow=allow, shown=form.shown.data == "yes"),
        success=(f"{current_user.city.name}'s contributors can now record its support." if allow
                 else f"Only {current_user.city.name}'s policy leads can record its support now."), back=back)
