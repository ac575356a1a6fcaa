"""Views of the consultations feature: list, page, create/edit, triage, assign, transitions.

Views are thin: read the form, call a service, commit, flash, redirect. The services
check every rule and permission again on the server.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from tracker.auth.decorators import coordinator_required
from tracker.consultations import bp, calendar, queries, services, workflow
from tracker.consultations.forms import (
    AssignForm,
    ConsultationForm,
    EditConsultationForm,
    TransitionForm,
    TriageForm,
)
from tracker.errors import DomainError, InvalidTransition, Stale
from tracker.extensions import db
from tracker.models import STATUS_LABELS, City, Consultation, Status, User, WorkArea
from tracker.models.consultation import MAX_SUMMARY
from tracker.pagination import page_number
from tracker.timeutil import to_uk, uk_instant
from tracker.urls import base_host, external_url
from tracker.views import attach_error, on_version

# Transitions the consultation page offers as plain buttons (no data of their own).
SIMPLE_TRANSITIONS = (
    "start_drafting",
    "mark_missed",
    "withdraw",
)
# These end the consultation's path: the page asks for confirmation first.
DESTRUCTIVE = frozenset({"mark_missed", "withdraw"})
# Built by the drafts feature at these endpoints. The review steps have rules about the draft
# itself (a version to approve, a comment when returning, a reason to reopen), so they are
# taken on the response page only, never from a bare button here.
FEATURE_FORMS = {
    "send_for_review": "drafts.response",
    "return_to_drafting": "drafts.response",
    "approve": "drafts.response",
    "reopen": "drafts.response",
    "submit": "drafts.submit",
    "publish_outcome": "drafts.outcome",
}


def _consultation_or_404(consultation_id: int) -> Consultation:
    consultation = queries.get_consultation(consultation_id)
    if consultation is None:
        abort(404, f"There is no consultation number {consultation_id}.")
    return consultation


def _feature_url(endpoint: str, consultation: Consultation) -> str | None:
    """A link to another feature's page if that feature is installed."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, consultation_id=consultation.id)
    except BuildError:
        return None


# --- list ------------------------------------------------------------------


def _parse_filters(
    args: Any, work_areas: Sequence[Any], cities: Sequence[Any]
) -> tuple[queries.ListFilters, list[dict[str, str]]]:
    """Read the filters; a value we do not know is dropped with a message, never a 500."""
    filters = queries.ListFilters()
    errors: list[dict[str, str]] = []

    status = (args.get("status") or "").strip()
    if status:
        if status == queries.OPEN_FILTER or status in {s.value for s in Status}:
            filters.status = status
        else:
            errors.append({"text": f"“{status}” is not a status: choose one from the list.", "href": "#status"})

    def _id(name: str, label: str, known: set[int]) -> int | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        if raw.isascii() and raw.isdecimal() and len(raw) < 12 and int(raw) in known:
            return int(raw)
        errors.append({"text": f"“{raw}” is not a {label} we know: choose one from the list.", "href": f"#{name}"})
        return None

    filters.work_area_id = _id("work_area", "work area", {a.id for a in work_areas})
    filters.city_id = _id("city", "member city", {c.id for c in cities})

    window = (args.get("closing") or "").strip()
    if window:
        if window in queries.WINDOWS:
            filters.window = window
        else:
            errors.append({"text": f"“{window}” is not a closing window: choose one from the list.", "href": "#closing"})

    q = (args.get("q") or "").strip()
    if len(q) > 200:
        errors.append({"text": "Search for at most 200 characters.", "href": "#q"})
        q = q[:200]
    filters.q = q
    return filters, errors


def _page_number(args: Any, errors: list[dict[str, str]]) -> int:
    number = page_number(args)
    if number is not None:
        return number
    raw = (args.get("page") or "").strip()[:20]
    errors.append({"text": f"“{raw}” is not a page number.", "href": "#results"})
    return 1


def _pagination(page: queries.Page, filters: queries.ListFilters) -> dict[str, Any] | None:
    """Parameters for govukPagination: first, last, current ±2 and ellipses between."""
    if page.pages <= 1:
        return None
    args = filters.as_args()

    def href(n: int) -> str:
        return url_for("consultations.index", **args, page=n)

    numbers = sorted({1, page.pages, *range(max(1, page.number - 2), min(page.pages, page.number + 2) + 1)})
    items: list[dict[str, Any]] = []
    previous = None
    for n in numbers:
        if previous is not None and n > previous + 1:
            items.append({"ellipsis": True})
        items.append({"number": str(n), "href": href(n), "current": n == page.number})
        previous = n
    params: dict[str, Any] = {"items": items, "landmarkLabel": "Pages of results"}
    if page.number > 1:
        params["previous"] = {"href": href(page.number - 1)}
    if page.number < page.pages:
        params["next"] = {"href": href(page.number + 1)}
    return params


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    work_areas, cities = queries.filter_choices()
    filters, errors = _parse_filters(request.args, work_areas, cities)
    number = _page_number(request.args, errors)
    page = queries.list_consultations(filters, number, current_app.config["PAGE_SIZE"])
    return (
        render_template(
            "consultations/index.html",
            page=page,
            filters=filters,
            filter_errors=errors,
            pagination=_pagination(page, filters),
            work_areas=work_areas,
            cities=cities,
            statuses=[(s.value, STATUS_LABELS[s]) for s in Status],
            windows=queries.WINDOWS,
        ),
        400 if errors else 200,
    )


# --- the consultation page ---------------------------------------------------


@bp.get("/<int:consultation_id>")
@login_required
def detail(consultation_id: int):  # type: ignore[no-untyped-def]
    consultation = _consultation_or_404(consultation_id)
    allowed = {t.name for t in workflow.available(current_user, consultation)}
    buttons = [workflow.TRANSITIONS[name] for name in SIMPLE_TRANSITIONS if name in allowed]
    feature_links = [
        (workflow.TRANSITIONS[name].label, url)
        for name, endpoint in FEATURE_FORMS.items()
        if name in allowed and (url := _feature_url(endpoint, consultation))
    ]
    history = queries.history(consultation.id)
    names = queries.history_names(history)
    return render_template(
        "consultations/detail.html",
        consultation=consultation,
        history=history,
        changes={entry.id: _changes(entry, names) for entry in history},
        names=names,
        iso_uk=_iso_uk,
        allowed=allowed,
        buttons=buttons,
        destructive=DESTRUCTIVE,
        feature_links=feature_links,
        internal_deadline_days=current_app.config["INTERNAL_DEADLINE_WORKING_DAYS"],
    )


def _changes(entry: Any, names: dict[str, dict[int, str]]) -> list[tuple[str, Any, Any]]:
    """(field, before, after) as the history shows them: keys of `after` first, then those only
    in `before`. Done here, not by a template macro per value: a long history spent most of
    the page's rendering time calling it."""
    before, after = entry.before or {}, entry.after or {}
    keys = [*after.keys(), *(key for key in before if key not in after)]
    return [
        (key.replace("_id", "").replace("_", " "), _shown(key, before.get(key), names),
         _shown(key, after.get(key), names))
        for key in keys
    ]


def _shown(key: str, value: Any, names: dict[str, dict[int, str]]) -> Any:
    if value in (None, ""):
        return "–"
    if key in names and value in names[key]:
        return names[key][value]
    if key.endswith("_at"):
        return _iso_uk(value)
    return value


def _iso_uk(value: str) -> str:
    """An instant the activity log stored as ISO text, in UK time (other text unchanged)."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    if parsed.tzinfo is None:
        return value
    return to_uk(parsed).strftime("%-d %b %Y, %H:%M")


# --- create and edit -----------------------------------------------------------


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
        closes_at=closes_at,
        url=(form.url.data or "").strip(),
        summary=form.summary.data or "",
        opened_at=opened_at,
    )


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def create():  # type: ignore[no-untyped-def]
    form = ConsultationForm()
    if form.validate_on_submit():
        try:
            consultation = services.create_consultation(current_user, _data_from(form))
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(f"Logged “{consultation.title}”.", "success")
            return redirect(url_for("consultations.detail", consultation_id=consultation.id))
    return render_template("consultations/form.html", form=form, consultation=None, max_summary=MAX_SUMMARY), (
        400 if form.errors else 200
    )


@bp.route("/<int:consultation_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(consultation_id: int):  # type: ignore[no-untyped-def]
    consultation = _consultation_or_404(consultation_id)
    form = EditConsultationForm()
    form.existing_closes_at = consultation.closes_at
    stale: Stale | None = None
    if request.method == "GET":
        form.version.data = consultation.version
        closes = to_uk(consultation.closes_at)
        form.title.data = consultation.title
        form.issuing_organisation.data = consultation.issuing_organisation
        form.url.data = consultation.url
        form.summary.data = consultation.summary
        form.opened_on.data = to_uk(consultation.opened_at).date() if consultation.opened_at else None
        form.closes_on.data = closes.date()
        form.closes_time.data = closes.strftime("%H:%M")
    elif form.validate_on_submit():
        try:
            changed = services.update_consultation(current_user, consultation, _data_from(form, consultation),
                                                   seen_version=form.version.data)
        except Stale as exc:
            db.session.rollback()
            stale = exc
            on_version(form, exc.version)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            flash("Saved the changes." if changed else "Nothing had changed.", "success")
            return redirect(url_for("consultations.detail", consultation_id=consultation.id))
    return render_template("consultations/form.html", form=form, consultation=consultation,
                           max_summary=MAX_SUMMARY, stale=stale), (
        409 if stale else 400 if form.errors else 200
    )


# --- triage and assign ---------------------------------------------------------


def _refuse_unless_possible(consultation: Consultation, name: str) -> Response | None:
    """A form for a step the consultation is not at: say why and go back to its page.

    Not for a form sent from an older page: the service refuses it saying what changed
    since, and the form comes back with what the user typed."""
    if request.method == "POST" and request.form.get("version") != str(consultation.version):
        return None
    try:
        workflow.check(current_user, consultation, name)
    except InvalidTransition as exc:
        flash(exc.message, "error")
        return redirect(url_for("consultations.detail", consultation_id=consultation.id))
    return None


@bp.route("/<int:consultation_id>/triage", methods=["GET", "POST"])
@coordinator_required
def triage(consultation_id: int):  # type: ignore[no-untyped-def]
    consultation = _consultation_or_404(consultation_id)
    if (refusal := _refuse_unless_possible(consultation, "triage")) is not None:
        return refusal
    form = TriageForm()
    stale: Stale | None = None
    if request.method == "GET":
        form.version.data = consultation.version
        if consultation.decision:
            form.decision.data = consultation.decision
            form.reason.data = consultation.decision_reason
    if form.validate_on_submit():
        try:
            services.triage(current_user, consultation, form.decision.data, form.reason.data or "",
                            seen_version=form.version.data)
        except Stale as exc:
            db.session.rollback()
            stale = exc
            on_version(form, exc.version)
        except InvalidTransition as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("consultations.detail", consultation_id=consultation.id))
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(f"Triaged: {consultation.status_label.lower()}.", "success")
            return redirect(url_for("consultations.detail", consultation_id=consultation.id))
    return render_template("consultations/triage.html", form=form, consultation=consultation, stale=stale), (
        409 if stale else 400 if form.errors else 200
    )


def _assign_choices(form: AssignForm, work_areas: list[WorkArea], cities: list[City], leads: list[User]) -> None:
    form.work_area.choices = [("", "Choose a work area")] + [(str(a.id), a.name) for a in work_areas]
    form.city.choices = [("", "The work area's lead city")] + [(str(c.id), c.name) for c in cities]
    form.policy_lead.choices = [("", "No one yet")] + [
        (str(u.id), u.display_name, {"data-city": str(u.city_id)}) for u in leads
    ]


@bp.route("/<int:consultation_id>/assign", methods=["GET", "POST"])
@coordinator_required
def assign(consultation_id: int):  # type: ignore[no-untyped-def]
    consultation = _consultation_or_404(consultation_id)
    if (refusal := _refuse_unless_possible(consultation, "assign")) is not None:
        return refusal
    work_areas = list(queries.work_areas())
    cities = list(queries.cities())
    leads = list(queries.policy_leads())
    form = AssignForm()
    _assign_choices(form, work_areas, cities, leads)
    proposed_deadline = services.proposed_internal_deadline(consultation)
    stale: Stale | None = None
    if request.method == "GET":
        form.version.data = consultation.version
        form.work_area.data = str(consultation.work_area_id or "")
        form.city.data = str(consultation.lead_city_id or "")
        form.policy_lead.data = str(consultation.policy_lead_id or "")
        form.internal_deadline.data = consultation.internal_deadline or proposed_deadline
    if form.validate_on_submit():
        areas = {a.id: a for a in work_areas}
        by_id_city = {c.id: c for c in cities}
        by_id_lead = {u.id: u for u in leads}
        try:
            status = services.assign(
                current_user,
                consultation,
                work_area=areas[int(form.work_area.data)],
                city=by_id_city.get(int(form.city.data)) if form.city.data else None,
                policy_lead=by_id_lead.get(int(form.policy_lead.data)) if form.policy_lead.data else None,
                internal_deadline=form.internal_deadline.data,
                seen_version=form.version.data,
            )
        except Stale as exc:
            db.session.rollback()
            stale = exc
            on_version(form, exc.version)
        except InvalidTransition as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("consultations.detail", consultation_id=consultation.id))
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(f"{STATUS_LABELS[status]}: {consultation.lead_city.name if consultation.lead_city else ''} leads.",
                  "success")
            return redirect(url_for("consultations.detail", consultation_id=consultation.id))
    leads_by_area = {str(a.id): a.lead_city_id for a in work_areas if a.lead_city_id}
    return render_template(
        "consultations/assign.html",
        form=form,
        consultation=consultation,
        leads_by_area=json.dumps(leads_by_area),
        proposed_deadline=proposed_deadline,
        working_days=current_app.config["INTERNAL_DEADLINE_WORKING_DAYS"],
        stale=stale,
    ), (409 if stale else 400 if form.errors else 200)


# --- calendar ---------------------------------------------------------------------


@bp.get("/<int:consultation_id>/deadlines.ics")
@login_required
def deadlines_ics(consultation_id: int):  # type: ignore[no-untyped-def]
    consultation = _consultation_or_404(consultation_id)
    body = calendar.deadlines_calendar(
        consultation, link=external_url("consultations.detail", consultation_id=consultation.id),
        network=current_app.config["NETWORK_NAME"], domain=base_host(),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="consultation-{consultation.id}-deadlines.ics"'},
    )


# --- simple transitions ------------------------------------------------------------


@bp.route("/<int:consultation_id>/transition/<name>", methods=["GET", "POST"])
@login_required
def transition(consultation_id: int, name: str):  # type: ignore[no-untyped-def]
    if name not in SIMPLE_TRANSITIONS:
        abort(404, f"There is no action called “{name}” here.")
    consultation = _consultation_or_404(consultation_id)
    back = url_for("consultations.detail", consultation_id=consultation.id)
    step = workflow.TRANSITIONS[name]
    form = TransitionForm()

    def page(status: int = 200, stale: Stale | None = None):  # type: ignore[no-untyped-def]
        return render_template("consultations/confirm.html", form=form, consultation=consultation, step=step,
                               destructive=name in DESTRUCTIVE, stale=stale), status

    if request.method == "GET":
        # The confirmation page; a refusal is explained on the consultation page.
        if (refusal := _refuse_unless_possible(consultation, name)) is not None:
            return refusal
        workflow.check(current_user, consultation, name)  # PermissionDenied -> the 403 page
        form.version.data = consultation.version
        return page()
    if not form.validate():
        return page(400)
    try:
        services.simple_transition(current_user, consultation, name, message=(form.message.data or "").strip(),
                                   seen_version=form.version.data)
    except Stale as exc:
        # Made on an older page: the confirmation comes back with what changed and the note kept.
        db.session.rollback()
        on_version(form, exc.version)
        return page(409, exc)
    except InvalidTransition as exc:
        # Usually a second click or a page left open: say what happened, nothing changed.
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    # PermissionDenied propagates to the styled 403 page (the error handler rolls back).
    db.session.commit()
    flash(f"{step.label}: the consultation is now {consultation.status_label.lower()}.", "success")
    return redirect(back)
