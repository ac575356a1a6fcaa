"""The reports page and its downloads."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker import exports
from tracker.consultations.counts import counts as recent
from tracker.reports import bp, charts, queries, rows, tables
from tracker.reports.forms import ReportPeriodForm
from tracker.reports.periods import Period
from tracker.timeutil import uk_today

DOWNLOADS = ("quarters", "work-areas", "lead-cities", "member-cities", "joint-working", "consultations")


def _form() -> ReportPeriodForm:
    # Read only from the address: a report chosen by a link is the same as one chosen in the form.
    return ReportPeriodForm(formdata=request.args if request.args else None, today=uk_today())


def _problems(form: ReportPeriodForm) -> str:
    return "; ".join(message for messages in form.errors.values() for message in messages)


def _drawn(period: Period) -> dict[str, Any]:
    """The report of ``period`` for the person's scope (the network, or their city), its tables
    and its charts: counted and drawn once in LIST_COUNT_CACHE_SECONDS by each web process, and
    again at once after it commits a change of consultations. Counting a year and drawing its
    charts is most of the page's work, and the numbers are the same for everyone in the scope."""
    scope = (queries.sees_network(current_user), queries.scope_city_id(current_user))

    def draw() -> dict[str, Any]:
        report = queries.report(period, current_user)
        return {"report": report, "tables": tables.tables(report), "outcomes": tables.outcomes_table(report.total),
                "charts": charts.charts(report), "too_many_for_excel": exports.too_many_for_excel(report.total.received)}

    return recent(("report", period.first_day, period.last_day, period.label, *scope), draw)


@bp.get("/reports")
@login_required
def index() -> ResponseReturnValue:
    form = _form()
    valid = form.validate() if request.args else True
    context: dict[str, Any] = {"form": form}
    if valid:
        args = form.as_args()
        context.update(_drawn(form.chosen(uk_today())))
        context.update(downloads={name: {fmt: url_for(f"reports.download_{fmt}", table=name, **args)
                                         for fmt in ("csv", "xlsx")} for name in DOWNLOADS})
    return render_template("reports/index.html", **context), 200 if valid else 400


def _download() -> exports.Download:
    """A table of the report (?table=quarters&period=2026-Q2)."""
    table = request.args.get("table", "")
    if table not in DOWNLOADS:
        abort(404, "There is no report table of that name: download one from the reports page.")
    form = _form()
    if not form.validate():
        abort(400, "The period asked for is not one the reports understand: "
                   + _problems(form) + ".")
    period = form.chosen(uk_today())
    name = f"key-cities-{table}-{period.first_day:%Y-%m-%d}-to-{period.last_day:%Y-%m-%d}"
    if table == "consultations":
        where = queries.counted_consultations(period, current_user)
        return exports.Download(name, exports.Table("Consultations", rows.COLUMNS, rows.consultation_rows(where)),
                                count=lambda: rows.count(where))
    return exports.Download(name, tables.tables(queries.report(period, current_user))[table].download())


exports.download_routes(bp, "/reports/download", _download)
