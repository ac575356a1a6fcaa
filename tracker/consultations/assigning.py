"""The assignment form's choices and hints: the lead city proposed from the work area, the
policy leads of the chosen city, the proposed internal deadline in words. Shared by the assign
step and the inbox's accept-and-assign page, so both offer the same things."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol

from flask import current_app

from tracker.routing import parse_id
from tracker.timeutil import default_internal_deadline


class Assigning(Protocol):
    """The fields an assignment form has (consultations.forms.AssignForm and its kin)."""

    work_area: Any
    city: Any
    policy_lead: Any


def set_choices(form: Assigning, work_areas: Sequence[Any], cities: Sequence[Any], leads: Sequence[Any]) -> None:
    form.work_area.choices = [("", "Choose a work area")] + [(str(a.id), a.name) for a in work_areas]
    form.city.choices = [("", "The work area's lead city")] + [(str(c.id), c.name) for c in cities]
    _set_lead_choices(form, leads)


def proposed_city_id(work_areas: Sequence[Any], work_area_id: int | None) -> int | None:
    """The city that leads the work area: the lead-city field names it, so the person sees
    who will lead before saving (a blank "the work area's lead city" named no one)."""
    area = next((a for a in work_areas if a.id == work_area_id), None)
    return area.lead_city_id if area is not None else None


def show_leads_of_chosen_city(form: Assigning, work_areas: Sequence[Any], leads: Sequence[Any]) -> None:
    """Offer the policy leads of the city chosen (or proposed by the work area), as the hint
    says, and the person already chosen; every lead when no city is known yet. A submitted form
    was checked against every lead: the service says when one is not of the chosen city."""
    city_id = parse_id(form.city.data) or proposed_city_id(work_areas, parse_id(form.work_area.data))
    if city_id is None:
        return
    chosen = form.policy_lead.data or ""
    _set_lead_choices(form, [u for u in leads if u.city_id == city_id or str(u.id) == chosen])


def _set_lead_choices(form: Assigning, leads: Sequence[Any]) -> None:
    form.policy_lead.choices = [("", "No one yet")] + [
        (str(u.id), u.display_name, {"data-city": str(u.city_id)}) for u in leads
    ]


def leads_by_area(work_areas: Sequence[Any]) -> str:
    """For the page's script: each work area's lead city, as JSON."""
    return json.dumps({str(a.id): a.lead_city_id for a in work_areas if a.lead_city_id})


def proposal_hint(closes_at: datetime, proposed: date) -> str:
    days = current_app.config["INTERNAL_DEADLINE_WORKING_DAYS"]
    when = f"{proposed:%A %-d %B %Y}"
    if proposed == default_internal_deadline(closes_at, days):
        return f"Proposed: {when}, {days} working days before the closing date, skipping weekends and bank holidays."
    return f"Proposed: {when}. The closing date is less than {days} working days away."
