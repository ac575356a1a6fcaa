"""CSV and Excel downloads, shared by every feature that offers one.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (CSV or formula injection, OWASP): such text is
written with a leading apostrophe, in both formats, so the spreadsheet shows it as text and never
runs it. Numbers are written as numbers (a negative number is not text and is left alone).

Dates are UK dates: in CSV as text (``31/03/2026``, ``31/03/2026 23:59`` in UK time); in Excel as
real date cells in UK time with a UK number format. CSV is streamed row by row, never held whole
in memory; the workbook is written in openpyxl's write-only mode, which keeps rows on disk.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, stream_with_context
from flask_login import login_required
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tracker.timeutil import to_uk

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel reads a UTF-8 CSV as UTF-8 only when it starts with a byte order mark.
_BOM = "\ufeff"
UK_DATE = "%d/%m/%Y"
UK_DATETIME = "%d/%m/%Y %H:%M"
# Excel's own number formats for the date cells (shown the UK way whatever the reader's locale).
_XLSX_DATE = "dd/mm/yyyy"
_XLSX_DATETIME = "dd/mm/yyyy hh:mm"
# An Excel sheet's name: at most 31 characters, none of these.
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})

Cell = str | int | float | date | datetime | None
# openpyxl writes some 2,000 rows a second: a workbook of more rows than this would outlast a
# web request (gunicorn's 30 seconds), so larger downloads are offered as CSV only.
XLSX_MAX_ROWS = 20_000


def xlsx_max_rows() -> int:
    return int(current_app.config.get("XLSX_MAX_ROWS", XLSX_MAX_ROWS))


def too_many_for_excel(rows: int) -> str | None:
    """Why ``rows`` rows cannot be downloaded as Excel, or None."""
    limit = xlsx_max_rows()
    if rows <= limit:
        return None
    return (f"That is {rows:,} rows: Excel downloads stop at {limit:,}. Download CSV instead, "
            "or choose fewer (filters, or a shorter period).")


def neutralise(value: str) -> str:
    """Text a spreadsheet would take for a formula, made plain text."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def csv_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return to_uk(value).strftime(UK_DATETIME)
    if isinstance(value, date):
        return value.strftime(UK_DATE)
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Cell) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        # Excel has no time zones: the UK wall-clock time, as the pages show it.
        cell = WriteOnlyCell(sheet, value=to_uk(value).replace(tzinfo=None))
        cell.number_format = _XLSX_DATETIME
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _XLSX_DATE
        return cell
    # openpyxl writes text starting with "=" as a formula: neutralised text never starts so.
    return value if isinstance(value, int | float) else neutralise(str(value))


@dataclass(frozen=True)
class Table:
    """One table of a download: a sheet of the workbook, or the whole of a CSV file."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def _csv_lines(table: Table) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flushed() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow([neutralise(c) for c in table.columns])
    yield _BOM + flushed()
    for n, row in enumerate(table.rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if n % 500 == 0:  # a chunk per few hundred rows, not one per row
            yield flushed()
    yield flushed()


def _attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def csv_response(filename: str, table: Table) -> Response:
    """The table as a CSV download, streamed as its rows are read."""
    response = Response(stream_with_context(_csv_lines(table)), mimetype=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = _attachment(filename)
    return response


def sheet_title(title: str) -> str:
    return (title.translate(_SHEET_FORBIDDEN).strip() or "Sheet")[:31]


def workbook_bytes(tables: Sequence[Table]) -> bytes:
    """The tables as an Excel workbook, one sheet each, the column names in its first row."""
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(sheet_title(table.title))
        sheet.append([neutralise(c) for c in table.columns])
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    # Write-only rows wait in temporary files until the save; the zip is built in a spooled file.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
        workbook.save(out)
        out.seek(0)
        return out.read()


def xlsx_response(filename: str, tables: Sequence[Table]) -> Response:
    response = Response(workbook_bytes(tables), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = _attachment(filename)
    return response


@dataclass(frozen=True)
class Download:
    """What a download gives: its file's name (without the extension), its table, and for a table
    that may be long, how to count its rows before an Excel workbook of them is made."""

    name: str
    table: Table
    count: Callable[[], int] | None = None


def download_routes(bp: Blueprint, path: str, build: Callable[[], Download]) -> None:
    """``<path>.csv`` and ``<path>.xlsx`` (endpoints ``download_csv`` and ``download_xlsx``) for
    signed-in people: the table ``build`` makes from the request's arguments, in that format. One
    route per format with no arguments in the path, like every other page's address."""
    for fmt in ("csv", "xlsx"):
        bp.add_url_rule(f"{path}.{fmt}", f"download_{fmt}", login_required(_download_view(build, fmt)))


def _download_view(build: Callable[[], Download], fmt: str) -> Callable[[], Response]:
    def view() -> Response:
        download = build()
        if fmt == "csv":
            return csv_response(f"{download.name}.csv", download.table)
        refused = too_many_for_excel(download.count()) if download.count else None
        if refused:
            abort(400, refused)
        return xlsx_response(f"{download.name}.xlsx", [download.table])

    return view
