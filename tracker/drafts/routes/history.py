"""A response's versions: the list, one version, the difference between two, restoring one, and
the downloads."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.drafts import bp, export, permissions, queries, versions
from tracker.drafts.diff import diff_versions
from tracker.drafts.forms import RestoreForm
from tracker.drafts.markdown import heading_top, render
from tracker.drafts.routes.common import back_with, consultation_url, response_url, sections
from tracker.errors import DomainError
from tracker.models import Consultation
from tracker.routing import parse_id
from tracker.views import Refused, run


@bp.get("/<int:consultation_id>/response/versions")
@login_required
def history(consultation_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    resp = queries.get_response(consultation)
    return render_template(
        "drafts/history.html",
        consultation=consultation,
        response=resp,
        versions=queries.list_versions(resp),
        can_edit=permissions.can_edit(current_user, consultation, resp),
        restore_form=RestoreForm(),
        consultation_url=consultation_url(consultation),
    )


@bp.get("/<int:consultation_id>/response/versions/<int:number>")
@login_required
def version(consultation_id: int, number: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    resp = queries.get_response(consultation)
    v = queries.get_version(resp, number)
    qs = queries.questions(consultation)
    submission = queries.get_submission(consultation)
    can_edit = permissions.can_edit(current_user, consultation, resp)
    return render_template(
        "drafts/version.html",
        consultation=consultation,
        response=resp,
        version=v,
        body_html=render(v.body, heading_top(bool(qs))),
        sections=sections(v, qs),
        is_submitted=submission is not None and submission.version_id == v.id,
        submission=submission,
        # Restoring the latest version would only copy it.
        can_restore=can_edit and resp is not None and v.number != resp.current_number,
        restore_form=RestoreForm(base_version=resp.current_number if resp else 0),
        consultation_url=consultation_url(consultation),
    )


@bp.get("/<int:consultation_id>/response/diff")
@login_required
def diff(consultation_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    resp = queries.get_response(consultation)
    a, b = parse_id(request.args.get("from")), parse_id(request.args.get("to"))
    if a is None or b is None:
        raise DomainError("Choose two versions to compare.")
    old, new = queries.get_version(resp, a), queries.get_version(resp, b)
    return render_template(
        "drafts/diff.html",
        consultation=consultation,
        old=old,
        new=new,
        sections=diff_versions(old, new, queries.questions(consultation)),
        consultation_url=consultation_url(consultation),
    )


@bp.post("/<int:consultation_id>/response/versions/<int:number>/restore")
@login_required
def restore(consultation_id: int, number: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    form = RestoreForm()
    if not form.validate():
        raise DomainError("The restore form was incomplete; reload the history and try again.")
    outcome = run(form, lambda: versions.restore_version(current_user, consultation, number, form.base_version.data or 0),
                  success=lambda new: f"Version {number} restored as version {new.number}.",
                  then=response_url(consultation))
    if isinstance(outcome, Refused):
        return back_with(form, outcome, url_for("drafts.history", consultation_id=consultation.id))
    return outcome


def _export_context(consultation: Consultation, number: int) -> export.ExportContext:
    resp = queries.get_response(consultation)
    return export.ExportContext(
        consultation=consultation,
        version=queries.get_version(resp, number),
        questions=queries.questions(consultation),
        supporting_cities=[s.city.name for s in queries.supporting_cities(consultation)],
        network_name=current_app.config["NETWORK_NAME"],
    )


def _download(ctx: export.ExportContext, body: str | bytes, mimetype: str, extension: str) -> ResponseReturnValue:
    return FlaskResponse(
        body, mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{export.filename(ctx, extension)}"'},
    )


@bp.get("/<int:consultation_id>/response/versions/<int:number>/export.md")
@login_required
def export_markdown(consultation_id: int, number: int) -> ResponseReturnValue:
    ctx = _export_context(queries.get_consultation(consultation_id), number)
    return _download(ctx, export.to_markdown(ctx), "text/markdown", "md")


@bp.get("/<int:consultation_id>/response/versions/<int:number>/export.docx")
@login_required
def export_docx(consultation_id: int, number: int) -> ResponseReturnValue:
    ctx = _export_context(queries.get_consultation(consultation_id), number)
    return _download(ctx, export.to_docx(ctx),
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
