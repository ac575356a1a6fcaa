"""Partner networks (Core Cities, the LGA, ...): the list, adding one, changing and removing one
(admins; removing asks first)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth.permissions import admin_required
from tracker.extensions import db
from tracker.models.policy import PartnerNetwork
from tracker.policy import bp, queries, services
from tracker.policy import partners as partner_verbs
from tracker.policy.forms import PartnerEditForm, PartnerForm, PartnerRemoveForm
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


def _partner(partner_id: int) -> PartnerNetwork:
    return db.get_or_404(PartnerNetwork, partner_id, description="That partner network does not exist.")


@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@admin_required
def edit_partner(partner_id: int) -> ResponseReturnValue:
    partner = _partner(partner_id)
    form = PartnerEditForm(obj=partner if request.method == "GET" else None)
    if request.method == "GET":
        form.offered.data = "yes" if partner.is_active else "no"
    outcome = run_if(form.validate_on_submit(), form, lambda: partner_verbs.edit_partner(
        current_user, partner, name=form.name.data or "", description=form.description.data or "",
        offered=form.offered.data == "yes", seen_version=form.version.data or 0),
        success=lambda p: f"{p.name} saved.", then=url_for("policy.partners"))
    if isinstance(outcome, Response):
        return outcome
    return render_template("policy/partner_edit.html", form=form, partner=_partner(partner_id),
                           stale=outcome and outcome.stale), page_status(form, outcome)


@bp.route("/partners/<int:partner_id>/remove", methods=["GET", "POST"])
@admin_required
def remove_partner(partner_id: int) -> ResponseReturnValue:
    """A confirmation page saying what removing does, then the removal on the version it showed."""
    partner = _partner(partner_id)
    form = PartnerRemoveForm(data={"version": partner.version} if request.method == "GET" else None)
    outcome = run_if(form.validate_on_submit(), form,
                     lambda: partner_verbs.remove_partner(current_user, partner, form.version.data or 0),
                     success=lambda said: said, then=url_for("policy.partners"))
    if isinstance(outcome, Response):
        return outcome
    partner = _partner(partner_id)
    return render_template("policy/partner_remove.html", form=form, partner=partner, uses=partner_verbs.uses(partner),
                           stale=outcome and outcome.stale), page_status(form, outcome)
