"""The consultation list's downloads: every consultation the list shows with its filters, in the
columns the reports' downloads use."""

from __future__ import annotations

from flask import abort, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from tracker import exports
from tracker.consultations import bp, queries
from tracker.consultations.filters import parse_filters
from tracker.reports import rows as download_rows
from tracker.timeutil import uk_today


@bp.get("/download.csv")
@login_required
def download_csv() -> ResponseReturnValue:
    return _download("csv")


@bp.get("/download.xlsx")
@login_required
def download_xlsx() -> ResponseReturnValue:
    return _download("xlsx")


def _download(fmt: str) -> ResponseReturnValue:
    """Every consultation the list shows with these filters (all its pages), one row each."""
    work_areas, cities = queries.filter_choices()
    filters, errors = parse_filters(request.args, work_areas, cities)
    if errors:
        abort(400, " ".join(e["text"] for e in errors))
    where, params = queries.matching(filters)
    if fmt == "xlsx":
        refused = exports.too_many_for_excel(download_rows.count(where, params))
        if refused:
            abort(400, refused)
    table = exports.Table("Consultations", download_rows.COLUMNS, download_rows.consultation_rows(where, params))
    name = f"key-cities-consultations-{uk_today():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(name, table)
    return exports.xlsx_response(name, [table])
