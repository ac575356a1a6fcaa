"""The consultation list's downloads: every consultation the list shows with its filters, in the
columns the reports' downloads use."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from tracker import exports
from tracker.consultations import bp, queries
from tracker.consultations.filters import parse_filters
from tracker.reports import rows as download_rows
from tracker.timeutil import uk_today


def _download() -> exports.Download:
    """Every consultation the list shows with these filters (all its pages), one row each."""
    work_areas, cities = queries.filter_choices()
    filters, errors = parse_filters(request.args, work_areas, cities, current_user)
    if errors:
        abort(400, " ".join(e["text"] for e in errors))
    where, params = queries.matching(filters)
    return exports.Download(
        f"key-cities-consultations-{uk_today():%Y-%m-%d}",
        exports.Table("Consultations", download_rows.COLUMNS, download_rows.consultation_rows(where, params)),
        count=lambda: download_rows.count(where, params),
    )


exports.download_routes(bp, "/download", _download)
