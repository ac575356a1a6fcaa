"""Partner networks (Core Cities, the LGA, ...): the list, and adding one (admins)."""

from __future__ import annotations

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth.permissions import admin_required
from tracker.policy import bp, queries, services
from tracker.policy.forms import PartnerForm
from tracker.views import page_status, run_if


@bp.route("/partners", methods=["GET", "POST"])
@admin_required
def partners() -> ResponseReturnValue:
    form = PartnerForm()
    outcome = run_if(form.validate_on_submit(), form,
                     lambda: services.add_partner(current_user, name=form.name.data or "",
                                                  description=form.description.data or ""),
                     success=lambda p: f"{p.name} added.", then=url_for("policy.partners"))
    if isinstance(outcome, Response):
        return outcome
    return render_template("policy/partners.html", form=form, partners=queries.partner_networks()), \
        page_status(form, outcome)
