"""Partner networks (Core Cities, the LGA, ...): the list, and adding one (admins)."""

from __future__ import annotations

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker.auth.permissions import admin_required
from tracker.policy import bp, queries, services
from tracker.policy.forms import PartnerForm
from tracker.views import Refused, page_status, run


@bp.route("/partners", methods=["GET", "POST"])
@admin_required
def partners() -> ResponseReturnValue:
    form = PartnerForm()
    refused: Refused | None = None
    if form.validate_on_submit():
        outcome = run(form, lambda: services.add_partner(current_user, name=form.name.data or "",
                                                         description=form.description.data or ""),
                      success=lambda p: f"{p.name} added.", then=url_for("policy.partners"))
        if not isinstance(outcome, Refused):
            return outcome
        refused = outcome
    return render_template("policy/partners.html", form=form, partners=queries.partner_networks()), \
        page_status(form, refused)
