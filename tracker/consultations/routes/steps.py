"""The forms of a consultation's life: log, edit, triage, assign, and the simple transitions."""

from __future__ import annotations

from datetime import time

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.auth.permissions import coordinator_required
from tracker.consultations import actions, assigning, bp, queries, services, workflow
from tracker.consultations.forms import (
    AssignForm,
    ConsultationForm,
    EditConsultationForm,
    TransitionForm,
    TriageForm,
)
from tracker.consultations.routes.page import consultation_or_404
from tracker.errors import AlreadyThere, InvalidTransition
from tracker.models import STATUS_LABELS, Consultation, IssuerType, Status
from tracker.models.consultation import MAX_SUMMARY
from tracker.timeutil import to_uk, uk_instant
from tracker.views import Refused, page_status, run_if

ISSUER_TYPES = frozenset(t.value for t in IssuerType)


def _detail(consultation: Consultation) -> str:
    return url_for("consultations.detail", consultation_id=consultation.id)


def _data_from(form: ConsultationForm, consultation: Consultation | None = None) -> services.ConsultationData:
    closes_at = form.closes_at()
    opened_at = None
    if form.opened_on.data:
        if consultation and consultation.opened_at and to_uk(consultation.opened_at).date() == form.opened_on.data:
            opened_at = consultation.opened_at  # unchanged: keep the exact stored instant
        else:
            opened_at = uk_instant(form.opened_on.data, time(0, 0))
    if consultation is not None and form.keeps_closing_time():
        closes_at = consultation.closes_at
    return services.ConsultationData(
        title=form.title.data or "",
        issuing_organisation=form.issuing_organisation.data or "",
        # Not sent: None (a department when logged, unchanged when edited), not the field's default.
        issuer_type=IssuerType(form.issuer_type.data)
        if form.issuer_type.raw_data and form.issuer_type.data in ISSUER_TYPES else None,
        closes_at=closes_at,
        url=(form.url.data or "").strip(),
        summary=form.summary.data or "",
        opened_at=opened_at,
    )


def _existing_link(refused: Refused | None) -> str | None:
    """Where the consultation already logged with the same link is, when that was the refusal."""
    if refused is not None and isinstance(refused.error, AlreadyThere):
        return url_for("consultations.detail", consultation_id=refused.error.existing_id)
    return None


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def create() -> ResponseReturnValue:
    form = ConsultationForm()
    outcome = run_if(form.validate_on_submit(), form,
                     lambda: services.create_consultation(current_user, _data_from(form)),
                     success=lambda c: f"Logged “{c.title}”.", then=_detail)
    if isinstance(outcome, Response):
        return outcome
    return render_template("consultations/form.html", form=form, consultation=None, max_summary=MAX_SUMMARY,
                           existing_link=_existing_link(outcome)), page_status(form, outcome)


@bp.route("/<int:consultation_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    form = EditConsultationForm()
    form.existing_closes_at = consultation.closes_at
    if request.method == "GET":
        form.version.data = consultation.version
        closes = to_uk(consultation.closes_at)
        form.title.data = consultation.title
        form.issuing_organisation.data = consultation.issuing_organisation
        form.issuer_type.data = consultation.issuer_type
        form.url.data = consultation.url
        form.summary.data = consultation.summary
        form.opened_on.data = to_uk(consultation.opened_at).date() if consultation.opened_at else None
        form.closes_on.data = closes.date()
        form.closes_time.data = closes.strftime("%H:%M")
    outcome = run_if(form.validate_on_submit(), form, lambda: services.update_consultation(
                         current_user, consultation, _data_from(form, consultation),
                         seen_version=form.version.data),
                     success=lambda changed: "Saved the changes." if changed else "Nothing had changed.",
                     then=_detail(consultation))
    if isinstance(outcome, Response):
        return outcome
    return render_template("consultations/form.html", form=form, consultation=consultation,
                           max_summary=MAX_SUMMARY, stale=outcome and outcome.stale,
                           existing_link=_existing_link(outcome)), page_status(form, outcome)


def _refuse_unless_possible(consultation: Consultation, name: str) -> None:
    """A form for a step the consultation is not at: say why and go back to its page (the
    redirect ends the request).

    Not for a form sent from an older page: the service refuses it saying what changed
    since, and the form comes back with what the user typed."""
    if request.method == "POST" and request.form.get("version") != str(consultation.version):
        return
    try:
        workflow.check(current_user, consultation, name)
    except InvalidTransition as exc:
        flash(exc.message, "error")
        abort(redirect(_detail(consultation)))


@bp.route("/<int:consultation_id>/triage", methods=["GET", "POST"])
@coordinator_required
def triage(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    _refuse_unless_possible(consultation, "triage")
    form = TriageForm()
    if request.method == "GET":
        form.version.data = consultation.version
        if consultation.decision:
            form.decision.data = consultation.decision
            form.reason.data = consultation.decision_reason
    outcome = run_if(form.validate_on_submit(), form,
                     lambda: services.triage(current_user, consultation, form.decision.data,
                                             form.reason.data or "", seen_version=form.version.data),
                     success=lambda _: f"Triaged: {consultation.status_label.lower()}.",
                     then=_detail(consultation), invalid_to=_detail(consultation))
    if isinstance(outcome, Response):
        return outcome
    return render_template("consultations/triage.html", form=form, consultation=consultation,
                           stale=outcome and outcome.stale), page_status(form, outcome)


@bp.route("/<int:consultation_id>/assign", methods=["GET", "POST"])
@coordinator_required
def assign(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    _refuse_unless_possible(consultation, "assign")
    work_areas = list(queries.work_areas())
    cities = list(queries.cities())
    leads = list(queries.policy_leads())
    form = AssignForm()
    assigning.set_choices(form, work_areas, cities, leads)
    proposed_deadline = services.proposed_internal_deadline(consultation)
    if request.method == "GET":
        form.version.data = consultation.version
        form.work_area.data = str(consultation.work_area_id or "")
        # Named even when the work area came from the import and no city was chosen yet.
        form.city.data = str(consultation.lead_city_id
                             or assigning.proposed_city_id(work_areas, consultation.work_area_id) or "")
        form.policy_lead.data = str(consultation.policy_lead_id or "")
        form.internal_deadline.data = consultation.internal_deadline or proposed_deadline
    areas = {a.id: a for a in work_areas}
    by_id_city = {c.id: c for c in cities}
    by_id_lead = {u.id: u for u in leads}
    outcome = run_if(
        form.validate_on_submit(),
        form,
        lambda: services.assign(
            current_user,
            consultation,
            work_area=areas[int(form.work_area.data)],
            city=by_id_city.get(int(form.city.data)) if form.city.data else None,
            policy_lead=by_id_lead.get(int(form.policy_lead.data)) if form.policy_lead.data else None,
            internal_deadline=form.internal_deadline.data,
            seen_version=form.version.data,
        ),
        success=lambda status: (f"{STATUS_LABELS[status]}: "
                                f"{consultation.lead_city.name if consultation.lead_city else ''} leads."),
        then=_detail(consultation), invalid_to=_detail(consultation),
    )
    if isinstance(outcome, Response):
        return outcome
    assigning.show_leads_of_chosen_city(form, work_areas, leads)
    first = consultation.status == Status.TRIAGED.value
    return render_template(
        "consultations/assign.html",
        form=form,
        consultation=consultation,
        heading="Assign" if first else "Reassign",
        submit_label="Assign" if first else "Save assignment",
        leads_by_area=assigning.leads_by_area(work_areas),
        deadline_hint=assigning.proposal_hint(consultation.closes_at, proposed_deadline),
        stale=outcome and outcome.stale,
    ), page_status(form, outcome)


@bp.route("/<int:consultation_id>/transition/<name>", methods=["GET", "POST"])
@login_required
def transition(consultation_id: int, name: str) -> ResponseReturnValue:
    if name not in actions.SIMPLE_TRANSITIONS:
        abort(404, f"There is no action called “{name}” here.")
    consultation = consultation_or_404(consultation_id)
    step = workflow.TRANSITIONS[name]
    form = TransitionForm()
    if request.method == "GET":
        # The confirmation page; a refusal is explained on the consultation page.
        _refuse_unless_possible(consultation, name)
        workflow.check(current_user, consultation, name)  # PermissionDenied -> the 403 page
        form.version.data = consultation.version
    outcome = run_if(form.validate_on_submit(), form, lambda: services.simple_transition(
                         current_user, consultation, name, message=(form.message.data or "").strip(),
                         seen_version=form.version.data),
                     success=lambda _: f"{step.label}: the consultation is now {consultation.status_label.lower()}.",
                     then=_detail(consultation), invalid_to=_detail(consultation))
    if isinstance(outcome, Response):
        return outcome
    return render_template("consultations/confirm.html", form=form, consultation=consultation, step=step,
                           destructive=name in actions.DESTRUCTIVE,
                           stale=outcome and outcome.stale), page_status(form, outcome)
