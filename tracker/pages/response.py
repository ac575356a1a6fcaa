"""The response page and the forms on it: comments, contributors, city support, review steps and
the response's structure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.auth.permissions import signed_in_user
from tracker.consultations import workflow
from tracker.documents import queries as documents_queries
from tracker.drafts import bp, city_support, people, permissions, queries, review, team, threads, versions
from tracker.drafts.forms import (
    ApproveForm,
    BaseForm,
    CommentForm,
    ContributorForm,
    ModeForm,
    QuestionForm,
    ReopenForm,
    ReplyForm,
    ReturnForm,
    StepForm,
    SupportForm,
    post_token,
)
from tracker.drafts.limits import MAX_COMMENT
from tracker.drafts.markdown import heading_top, render
from tracker.drafts.routes.common import (
    back_with,
    consultation_url,
    messages,
    response_url,
    sections,
    typed_in,
)
from tracker.errors import NotFound, Stale
from tracker.evidence import queries as evidence_queries
from tracker.forms import DRAWN_ONLY
from tracker.models import Consultation, User
from tracker.policy import panels as policy_panels
from tracker.views import Refused, run

T = TypeVar("T")

# The workflow steps the page's review panel offers, each shown only to whoever may take it now.
REVIEW_STEPS = ("send_for_review", "approve", "reopen", "submit", "publish_outcome")

# The consultation, its draft, and whether each panel that reads more has anything to read.
_PAGE = queries.page_statement(questions=queries.HAS_QUESTIONS, found=documents_queries.FOUND_QUESTIONS,
                               asked=evidence_queries.ASKED, mentioned=threads.MENTIONED,
                               linked=policy_panels.LINKED)
_EVERY_PANEL = {"questions": True, "found": True, "asked": True, "mentioned": True, "linked": True}


@bp.get("/<int:consultation_id>/response")
@login_required
def response(consultation_id: int) -> ResponseReturnValue:
    found = queries.consultation_and_draft(_PAGE, consultation_id)
    if found is None:
        raise NotFound("There is no consultation with that number.")
    consultation, draft, has = found
    return _response_page(consultation, draft=draft, has=has)


def _response_page(consultation: Consultation, *, draft: queries.Draft | None = None,
                   has: dict[str, bool] | None = None, status: int = 200, stale: Stale | None = None,
                   failed: tuple[str, Any] | None = None,
                   problems: list[dict[str, str]] | None = None,
                   refused_in_thread: tuple[str, int, Any] | None = None) -> ResponseReturnValue:
    """The response page; ``failed`` is (name, form) of a refused form, redrawn with what the
    user typed and its errors, ``stale`` the refusal of a change made on an older page,
    ``problems`` refusals of a button (no field to mark), each linking to where the button is;
    ``refused_in_thread`` ("reply" or "question", the thread's or question's id, the form) a
    refused form of one of the conversation's many, redrawn where it was (its errors in ``problems``)."""
    user = signed_in_user()
    draft = draft or queries.draft_of(consultation)
    has = has or _EVERY_PANEL
    resp, version = draft.response, draft.version
    qs = queries.questions(consultation) if has["questions"] else []
    can_manage = permissions.can_manage_contributors(user, consultation)
    crew = team.of(consultation, resp)
    supports, members = crew.supports, crew.members
    can_support = permissions.support_cities_for(user, consultation)
    # Each state-changing form carries the version this page shows (a fresh form, not the
    # request's data: only a refused form is redrawn with what was typed in it). Only the forms
    # the page shows to this person are made.
    seen = {"version": consultation.version}
    steps = {name: workflow.allowed(user, consultation, name) for name in REVIEW_STEPS}
    token = {"token": post_token()}
    # Forms of one class with the same data are one form drawn in several places (a refused one
    # takes only its own name's place below).
    comment_form = CommentForm(formdata=None, meta=DRAWN_ONLY, data=token)
    forms: dict[str, Any] = {"comment_form": comment_form, "question_comment_form": comment_form,
                             "reply_form": ReplyForm(formdata=None, meta=DRAWN_ONLY, data=token)}
    step_form = StepForm(formdata=None, meta=DRAWN_ONLY, data=seen)
    if steps["send_for_review"]:
        forms["review_form"] = step_form
    if steps["approve"]:
        forms["approve_form"] = ApproveForm(formdata=None, meta=DRAWN_ONLY, data={**seen, "number": resp.current_number if resp else 0})
        forms["return_form"] = ReturnForm(formdata=None, meta=DRAWN_ONLY, data=seen)
    if steps["reopen"]:
        forms["reopen_form"] = ReopenForm(formdata=None, meta=DRAWN_ONLY, data=seen)
    # The questions found in the consultation's documents, offered while the draft can change and
    # until it is answered question by question.
    offered = (documents_queries.questions_for(consultation.id)
               if has["found"] and permissions.is_editable(consultation)
               and versions.offers_document_questions(resp, qs) else [])
    if can_manage:
        forms["question_form"] = QuestionForm(formdata=None, meta=DRAWN_ONLY, data=seen)
        forms["mode_form"] = step_form  # its mode is a hidden input of the page's
        forms["remove_question_form"] = step_form
        if offered:
            forms["document_questions_form"] = step_form
    if can_support:
        forms["support_form"] = SupportForm(formdata=None, meta=DRAWN_ONLY)
    error_form = None
    if failed is not None:
        forms[failed[0]] = error_form = failed[1]
    # The choices are filled in after a refused form took its place, so it is redrawn with them.
    if can_support:
        forms["support_form"].city_id.choices = team.support_choices(user, supports, members)
    by_questions = queries.by_questions(resp)
    talk = threads.conversation(user, consultation, resp, qs, by_questions, commented=draft.comment_count > 0,
                                mentioned=has["mentioned"])
    return render_template(
        "drafts/response.html",
        consultation=consultation,
        response=resp,
        version=version,
        notice=queries.status_notice(consultation, resp),
        body_html=render(version.body if version else "", heading_top(by_questions and bool(qs))),
        sections=sections(version, qs),
        questions=qs,
        answered_questions=qs if by_questions else [],
        by_questions=by_questions,
        conversation=talk,
        refused_in_thread=refused_in_thread,
        contributors=crew.contributors,
        supports=supports,
        withdrawable={c.id for c in supports if can_support and permissions.speaks_for(user, c.id)},
        submission=draft.submission,
        outcome=draft.outcome,
        can_correct_outcome=draft.outcome is not None and user.is_coordinator,
        can_edit=permissions.can_edit(user, consultation, resp),
        can_manage=can_manage,
        show_questions=can_manage or bool(qs),
        found_questions=offered,
        can_start_from_document=can_manage and bool(offered),
        start_keeps=versions.start_keeps(version, qs),
        can_record_support=can_support and bool(forms["support_form"].city_id.choices),
        steps=steps,
        primary=primary_button(steps, can_edit=permissions.can_edit(user, consultation, resp),
                               has_version=version is not None, can_start=can_manage and bool(offered)),
        show_review=any(steps.values()),
        max_comment=MAX_COMMENT,
        consultation_url=consultation_url(consultation),
        support_panel=city_support.panel(user, consultation, supports),
        stale=stale,
        form=error_form if error_form is not None and error_form.errors else None,
        problems=problems or [],
        policy_panel=policy_panels.response_panel(user, consultation, resp, linked=has["linked"]),
        evidence_panel=evidence_queries.panel(user, consultation, resp, asked=has["asked"]),
        **forms,
    ), status


def primary_button(steps: dict[str, bool], *, can_edit: bool, has_version: bool, can_start: bool) -> str | None:
    """The one button of the page drawn as primary (the others secondary), as on the consultation
    page: the next step of the person looking, else starting or editing the draft."""
    for step in ("approve", "send_for_review", "submit", "publish_outcome"):
        if steps.get(step):
            return step
    if can_start and not has_version:
        return "start_from_document"
    return "edit" if can_edit else None


def _step(consultation: Consultation, name: str, form: Any, action: Callable[[], T],
          success: str | Callable[[T], str], anchor: str = "review", done: str = "") -> ResponseReturnValue:
    """A change from the response page: validate its form, run the verb, commit.

    A change made on an older page comes back (409) with what changed since and the form
    as typed; an input the rules refuse comes back (400) with the message on its field, and a
    refusal about no field in particular (a button) in the error summary, linking to the
    button's section. Permission and impossible-step errors go to the error page (403/409). Done,
    the page opens at ``done`` (the form's section unless said)."""
    if not form.validate():
        return _refused(consultation, name, form, anchor)
    outcome = run(form, action, success=success, then=response_url(consultation, done or anchor))
    if not isinstance(outcome, Refused):
        return outcome
    if outcome.stale is not None:
        # A refused approval is not redrawn: the page offers to approve what it shows now.
        return _response_page(consultation, status=409, stale=outcome.stale,
                              failed=None if name == "approve_form" else (name, form))
    return _refused(consultation, name, form, anchor)


def _refused(consultation: Consultation, name: str, form: Any, anchor: str) -> ResponseReturnValue:
    """The page again (400) with the form's errors in the summary: on the fields typed in, or,
    for a button's form (only hidden inputs), linking to the button's section."""
    if typed_in(form):
        return _response_page(consultation, status=400, failed=(name, form))
    return _response_page(consultation, status=400, problems=[
        {"text": message, "href": f"#{anchor}"} for message in messages(form)])


def _act(consultation: Consultation, form: Any, action: Callable[[], T], success: str,
         anchor: str) -> ResponseReturnValue:
    """A change from one of the page's short lists (people, cities): a refusal is flashed."""
    outcome = run(form, action, success=success, then=response_url(consultation, anchor))
    return back_with(form, outcome, response_url(consultation, anchor)) if isinstance(outcome, Refused) else outcome


# --- people, sign-off -------------------------------------------------------------------


def _people(consultation_id: int, form_class: type[BaseForm], verb: Callable[[Consultation], object],
            success: str, anchor: str) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    return _act(consultation, form_class(), lambda: verb(consultation), success, anchor)


F = TypeVar("F", bound=BaseForm)


def _guarded(consultation_id: int, allowed: Callable[[User, Consultation], bool], refusal: str, name: str,
             form_class: type[F], verb: Callable[[Consultation, F], object], success: str,
             anchor: str) -> ResponseReturnValue:
    """A form only some may send: anyone else is refused (403) before their input is read."""
    consultation = queries.get_consultation(consultation_id)
    permissions.require(allowed(current_user, consultation), refusal)
    form = form_class()
    return _step(consultation, name, form, lambda: verb(consultation, form), success, anchor)


_MANAGE_REFUSAL = "Only the lead city's policy leads and coordinators can add contributors."


def _contributor_page(consultation: Consultation, form: ContributorForm, status: int = 200) -> ResponseReturnValue:
    """Choosing an officer to add: its own page, as the list holds every officer of the network."""
    form.user_id.choices = [(0, "Choose an officer")] + [
        (u.id, u.display_name) for u in team.eligible_contributors(consultation)
    ]
    return render_template(
        "drafts/contributor.html", consultation=consultation, form=form if form.errors else None,
        contributor_form=form, consultation_url=consultation_url(consultation),
        back_url=response_url(consultation, "contributors"),
    ), status


@bp.get("/<int:consultation_id>/response/contributors/add")
@login_required
def contributor_form(consultation_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    permissions.require(permissions.can_manage_contributors(current_user, consultation), _MANAGE_REFUSAL)
    return _contributor_page(consultation, ContributorForm(formdata=None))


@bp.post("/<int:consultation_id>/response/contributors")
@login_required
def add_contributor(consultation_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    permissions.require(permissions.can_manage_contributors(current_user, consultation), _MANAGE_REFUSAL)
    form = ContributorForm()
    if form.validate():
        outcome = run(form, lambda: people.add_contributor(current_user, consultation, form.user_id.data or 0),
                      success="Contributor added.", then=response_url(consultation, "contributors"))
        if not isinstance(outcome, Refused):
            return outcome
        if outcome.stale is not None:
            return back_with(form, outcome, response_url(consultation, "contributors"))
    return _contributor_page(consultation, form, 400)


@bp.post("/<int:consultation_id>/response/contributors/<int:contributor_id>/remove")
@login_required
def remove_contributor(consultation_id: int, contributor_id: int) -> ResponseReturnValue:
    return _people(consultation_id, BaseForm, lambda c: people.remove_contributor(current_user, c, contributor_id),
                   "Contributor removed.", "contributors")


@bp.post("/<int:consultation_id>/response/support")
@login_required
def support(consultation_id: int) -> ResponseReturnValue:
    return _guarded(consultation_id, permissions.support_cities_for, "You cannot record support for this response now.",
                    "support_form", SupportForm, lambda c, form: people.record_support(
                        current_user, c, form.city_id.data or 0), "Support recorded.", "support")


@bp.post("/<int:consultation_id>/response/support/<int:city_id>/withdraw")
@login_required
def withdraw_support(consultation_id: int, city_id: int) -> ResponseReturnValue:
    return _people(consultation_id, BaseForm, lambda c: people.withdraw_support(current_user, c, city_id),
                   "Support withdrawn.", "support")


# --- review -----------------------------------------------------------------------------


def _review(consultation_id: int, step: str, name: str, form_class: type[F],
            verb: Callable[[Consultation, F], T], success: str | Callable[[T], str]) -> ResponseReturnValue:
    """A review step: only who may ever take it gets as far as its form."""
    consultation = queries.get_consultation(consultation_id)
    workflow.check_who(current_user, consultation, step)
    form = form_class()
    return _step(consultation, name, form, lambda: verb(consultation, form), success)


@bp.post("/<int:consultation_id>/response/send-for-review")
@login_required
def send_for_review(consultation_id: int) -> ResponseReturnValue:
    return _review(consultation_id, "send_for_review", "review_form", StepForm, lambda c, form: review.send_for_review(
        current_user, c, seen_version=form.version.data), "Draft sent for review.")


@bp.post("/<int:consultation_id>/response/approve")
@login_required
def approve(consultation_id: int) -> ResponseReturnValue:
    return _review(consultation_id, "approve", "approve_form", ApproveForm, lambda c, form: review.approve(
        current_user, c, seen_version=form.version.data, number=form.number.data),
        lambda number: f"Draft approved. Version {number} is the text to submit.")


@bp.post("/<int:consultation_id>/response/return")
@login_required
def return_draft(consultation_id: int) -> ResponseReturnValue:
    return _review(consultation_id, "return_to_drafting", "return_form", ReturnForm, lambda c, form: (
        review.return_for_changes(current_user, c, form.comment.data or "", seen_version=form.version.data)),
        "Draft returned for changes.")


@bp.post("/<int:consultation_id>/response/reopen")
@login_required
def reopen(consultation_id: int) -> ResponseReturnValue:
    return _review(consultation_id, "reopen", "reopen_form", ReopenForm, lambda c, form: review.reopen(
        current_user, c, form.reason.data or "", seen_version=form.version.data), "Draft reopened for editing.")


# --- structure ----------------------------------------------------------------------------
# The response's structure is the lead city's decision: contributors write within it.


def _structure(consultation_id: int, name: str, form_class: type[F], verb: Callable[[Consultation, F], T],
               success: str, refusal: str) -> ResponseReturnValue:
    return _guarded(consultation_id, permissions.can_manage_questions, refusal, name, form_class, verb, success,
                    "questions")


@bp.post("/<int:consultation_id>/response/mode")
@login_required
def mode(consultation_id: int) -> ResponseReturnValue:
    return _structure(consultation_id, "mode_form", ModeForm, lambda c, form: versions.set_mode(
        current_user, c, form.mode.data or "", seen_version=form.version.data),
        "Organisation of the response changed.",
        "Only the lead city's policy leads and coordinators can change how this draft is organised.")


@bp.post("/<int:consultation_id>/response/questions/from-document")
@login_required
def questions_from_document(consultation_id: int) -> ResponseReturnValue:
    """Answer question by question from the questions found in the consultation's documents; done,
    the page opens at its questions."""
    consultation = queries.get_consultation(consultation_id)
    permissions.require(permissions.can_manage_questions(current_user, consultation),
                        "Only the lead city's policy leads and coordinators can change how this draft is organised.")
    form = StepForm()
    return _step(consultation, "document_questions_form", form, lambda: versions.start_from_document(
        current_user, consultation, documents_queries.questions_for(consultation.id), seen_version=form.version.data),
        lambda started: started.message, "document-questions", done="questions")


@bp.post("/<int:consultation_id>/response/questions")
@login_required
def add_question(consultation_id: int) -> ResponseReturnValue:
    return _structure(consultation_id, "question_form", QuestionForm, lambda c, form: versions.add_question(
        current_user, c, form.text.data or "", seen_version=form.version.data),
        "Question added.", "Only the lead city's policy leads and coordinators can add questions.")


@bp.post("/<int:consultation_id>/response/questions/<int:question_id>/remove")
@login_required
def remove_question(consultation_id: int, question_id: int) -> ResponseReturnValue:
    return _structure(consultation_id, "remove_question_form", StepForm, lambda c, form: versions.remove_question(
        current_user, c, question_id, seen_version=form.version.data),
        "Question removed.", "Only the lead city's policy leads and coordinators can remove questions.")
