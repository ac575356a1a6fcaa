"""The annual report to the LGA Leadership Board: the page for a financial year, its editable
introduction (versioned) and its downloads (DOCX, Markdown)."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response as ResponseBase

from tracker.drafts.markdown import render
from tracker.extensions import db
from tracker.models import City
from tracker.policy import bp, permissions, report, services
from tracker.policy.forms import IntroductionForm
from tracker.views import Refused, page_status, run_if


def _year(value: int | None) -> int:
    year = report.financial_year() if value is None else value
    if not report.valid_year(year):
        abort(404, f"There is no report for {year}: choose a financial year from "
                   f"{report.EARLIEST_YEAR} to {report.financial_year() + 1}.")
    return year


def _data(year: int) -> report.AnnualReportData:
    saved = services.get_report(year)
    members = db.session.scalar(select(func.count()).select_from(City).where(City.is_member.is_(True))) or 0
    return report.build(year, network=current_app.config["NETWORK_NAME"], members=members,
                        introduction=saved.introduction if saved else "", version=saved.version if saved else 0)


@bp.get("/report")
@login_required
def annual_report() -> ResponseReturnValue:
    raw = request.args.get("year", "")
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        abort(404, "Choose a financial year by the year it starts, for example 2025 for 2025/26.")
    return _page(_year(int(raw) if raw else None))


def _page(year: int, form: IntroductionForm | None = None, refused: Refused | None = None,
          status: int = 200) -> ResponseReturnValue:
    data = _data(year)
    can_edit = permissions.can_edit_report(current_user)
    if can_edit and form is None:
        form = IntroductionForm(formdata=None, data={"version": data.version, "introduction": data.introduction})
    latest = report.financial_year()
    return render_template(
        "policy/report.html", data=data, intro_html=render(data.introduction, 3), can_edit=can_edit,
        intro_form=form, form=form if form is not None and form.errors else None,
        stale=refused.stale if refused else None, figures=report.figures(data.totals),
        years=[(y, report.year_label(y)) for y in range(latest + 1, max(report.EARLIEST_YEAR, latest - 6) - 1, -1)],
    ), status


@bp.post("/report/<int:year>/introduction")
@login_required
def report_introduction(year: int) -> ResponseReturnValue:
    year = _year(year)
    permissions.require(permissions.can_edit_report(current_user), "Only coordinators can edit the annual report.")
    form = IntroductionForm()
    outcome = run_if(form.validate(), form, lambda: services.save_introduction(
        current_user, year, form.introduction.data or "", form.version.data or 0),
        success="Introduction saved.", then=url_for("policy.annual_report", year=year, _anchor="introduction"))
    if isinstance(outcome, ResponseBase):
        return outcome
    return _page(year, form, outcome, page_status(form, outcome))


@bp.get("/report/<int:year>.docx")
@login_required
def report_docx(year: int) -> ResponseReturnValue:
    data = _data(_year(year))
    body = report.to_docx(data, current_app.config["NETWORK_NAME"])
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="{report.filename(data, "docx")}"'})


@bp.get("/report/<int:year>.md")
@login_required
def report_markdown(year: int) -> ResponseReturnValue:
    data = _data(_year(year))
    return Response(report.to_markdown(data, current_app.config["NETWORK_NAME"]), mimetype="text/markdown",
                    headers={"Content-Disposition": f'attachment; filename="{report.filename(data, "md")}"'})
