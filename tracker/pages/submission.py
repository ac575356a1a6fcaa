"""The submission form: how the approved version went to the government, as a checklist of the
ways the department asks for responses (the documents feature's reading of the consultation), and
the way recorded checked against them."""

from __future__ import annotations

from datetime import time
from typing import Any

from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.documents import queries as documents_queries
from tracker.documents import services as documents_services
from tracker.drafts import bp, queries, review
from tracker.drafts.forms import SubmissionForm, parse_time
from tracker.drafts.routes.record import given_date, record_page
from tracker.models import Consultation
from tracker.models.drafts import SubmissionMethod
from tracker.timeutil import to_uk, uk_instant, utcnow


def _rules(consultation: Consultation, form: SubmissionForm) -> dict[str, str | None]:
    """The services' verdicts on what the form read: not in the future, and a way the department
    asks for (a method the form itself refuses is not judged again)."""
    found: dict[str, str | None] = {}
    at = parse_time(form.submitted_time.data)
    if form.submitted_on.data is not None and at is not None:
        found["submitted_on"] = review.submission_time_problem(uk_instant(form.submitted_on.data, at))
    if form.method.data in {m.value for m in SubmissionMethod}:
        found["method"] = documents_services.check_submission_method(
            consultation.id, form.method.data, form.reference.data or "")
    return found


def _now(form: SubmissionForm) -> None:
    now = to_uk(utcnow())
    form.submitted_on.data = now.date()
    form.submitted_time.data = now.strftime("%H:%M")


def _method_hints(checklist: list[documents_queries.Step]) -> list[dict[str, Any]]:
    """Each way of the form's "How was it submitted?" beside what the department said of it, in
    the order of the form's choices."""
    said = {step.method: step.value for step in checklist if step.method != "response_form"}
    if not said:
        return [{} for _ in SubmissionMethod]
    hints = {
        SubmissionMethod.ONLINE_FORM: "The department's online form, listed above" if "online_form" in said else "",
        SubmissionMethod.EMAIL: f"To {said['email']}" if "email" in said else "",
        SubmissionMethod.POST: "To the postal address listed above" if "post" in said else "",
        SubmissionMethod.OTHER: "A way the department agreed that it does not list: say how in the reference",
    }
    return [{"hint": {"text": hints[m] or "Not a way the department lists"}} for m in SubmissionMethod]


def _extra(consultation: Consultation) -> dict[str, Any]:
    """The checklist: the department's own response form to fill in first, if it has one; then the
    ways to send it (any one of them)."""
    checklist = documents_queries.submission_checklist(consultation)
    return {"approved": queries.approved_version(queries.get_response(consultation)),
            "supports": queries.supporting_cities(consultation),
            "response_form": next((s for s in checklist if s.method == "response_form"), None),
            "ways": [s for s in checklist if s.method != "response_form"],
            "method_items": _method_hints(checklist)}


@bp.route("/<int:consultation_id>/submission", methods=["GET", "POST"])
@login_required
def submit(consultation_id: int) -> ResponseReturnValue:
    return record_page(
        consultation_id, "submit", SubmissionForm, lambda c, form: review.record_submission(
            current_user, c, method=form.method.data,
            submitted_at=uk_instant(given_date(form.submitted_on.data), time(*form.time_parts())),
            reference=form.reference.data or "", seen_version=form.version.data,
        ), "Submission recorded. The submitted version is now frozen.", "drafts/submit.html", _extra,
        prefill=_now, rules=_rules,
    )
