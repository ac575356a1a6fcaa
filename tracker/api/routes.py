"""JSON API for the pages' scripts and other tools. Signed-in users only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker.api import bp
from tracker.consultations import queries
from tracker.consultations.routes.page import no_such_consultation
from tracker.extensions import db
from tracker.models import City, Consultation


def api_login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Like login_required, but a JSON 401 instead of a redirect to the login page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return jsonify(error="Sign in first", reason="This API needs a signed-in user.", status=401), 401
        return view(*args, **kwargs)

    return wrapped


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@bp.get("/work-areas")
@api_login_required
def work_areas() -> ResponseReturnValue:
    return jsonify(
        work_areas=[
            {
                "id": area.id,
                "name": area.name,
                "lead_city": {"id": area.lead_city.id, "name": area.lead_city.name} if area.lead_city else None,
            }
            for area in queries.work_areas()
        ]
    )


@bp.get("/cities/<int:city_id>/policy-leads")
@api_login_required
def policy_leads(city_id: int) -> ResponseReturnValue:
    city = db.session.get(City, city_id)
    if city is None:
        abort(404, f"There is no city number {city_id}.")
    return jsonify(
        city={"id": city.id, "name": city.name},
        policy_leads=[{"id": u.id, "name": u.name, "job_title": u.job_title} for u in queries.policy_leads(city.id)],
    )


def consultation_json(c: Consultation) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "issuing_organisation": c.issuing_organisation,
        "url": c.url,
        "summary": c.summary,
        "source": c.source,
        "external_id": c.external_id,
        "opened_at": _iso(c.opened_at),
        "closes_at": _iso(c.closes_at),
        "status": c.status,
        "status_label": c.status_label,
        "decision": c.decision,
        "decision_reason": c.decision_reason,
        "work_area": {"id": c.work_area.id, "name": c.work_area.name} if c.work_area else None,
        "lead_city": {"id": c.lead_city.id, "name": c.lead_city.name} if c.lead_city else None,
        "policy_lead": {"id": c.policy_lead.id, "name": c.policy_lead.name} if c.policy_lead else None,
        "internal_deadline": _iso(c.internal_deadline),
    }


@bp.get("/consultations/<int:consultation_id>")
@api_login_required
def consultation(consultation_id: int) -> ResponseReturnValue:
    c = queries.get_consultation(consultation_id)
    if c is None:
        no_such_consultation(consultation_id)
    return jsonify(consultation=consultation_json(c))
