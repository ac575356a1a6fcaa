"""The report's tables, as the page shows them and the downloads write them: one definition of
each table's columns, so the page, its charts' tables and the files never disagree.

Download column names (stable; the first column names the row):

- ``quarters``: ``quarter`` ("2026 Q2", "(part)" when the range cuts it), then the counts below
- ``work-areas``: ``work_area``, then the counts
- ``lead-cities``: ``lead_city``, then the counts
- the counts: ``received``, ``decided_respond``, ``decided_monitor``, ``decided_no_response``,
  ``submitted``, ``submitted_by_internal_deadline``, ``submitted_before_closing``, ``missed``,
  ``average_supporting_cities`` (empty when none submitted), ``outcome_published``,
  ``taken_up_in_full``, ``taken_up_in_part``, ``not_taken_up``
- ``member-cities``: ``city``, ``led``, ``contributed_to``, ``supported``, ``gave_evidence``
- ``joint-working``: ``partner_network``, ``co_signed``, ``partner``, ``submitted``

The files have no total row (a spreadsheet sums its own); the page's tables end with one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tracker.exports import Cell, Table
from tracker.reports.queries import CityRow, Counts, PartnerRow, Report, Row

# (download column, heading on the page, the number)
_COUNT_COLUMNS: list[tuple[str, str, Callable[[Counts], Cell]]] = [
    ("received", "Received", lambda c: c.received),
    ("decided_respond", "Respond", lambda c: c.respond),
    ("decided_monitor", "Monitor only", lambda c: c.monitor),
    ("decided_no_response", "No response", lambda c: c.no_response),
    ("submitted", "Submitted", lambda c: c.submitted),
    ("submitted_by_internal_deadline", "Submitted by the internal deadline", lambda c: c.by_internal_deadline),
    ("submitted_before_closing", "Submitted before closing", lambda c: c.before_closing),
    ("missed", "Missed", lambda c: c.missed),
    ("average_supporting_cities", "Supporting cities per response", lambda c: c.average_supporting_cities),
    ("outcome_published", "Outcome published", lambda c: c.outcome_published),
    ("taken_up_in_full", "Every ask taken up", lambda c: c.taken_up_yes),
    ("taken_up_in_part", "Some asks taken up", lambda c: c.taken_up_partly),
    ("not_taken_up", "No ask taken up", lambda c: c.taken_up_no),
]


@dataclass(frozen=True)
class ReportTable:
    """A table of the page: its id (the page's anchor and the download's name), caption,
    download column names, headings, rows and total row (all plain values)."""

    id: str
    caption: str
    columns: Sequence[str]
    headings: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    total: Sequence[Cell] | None

    def download(self) -> Table:
        return Table(self.caption, self.columns, self.rows)


def _counts_table(table_id: str, caption: str, first: tuple[str, str], rows: Sequence[Row],
                  total: Counts) -> ReportTable:
    return ReportTable(
        id=table_id,
        caption=caption,
        columns=[first[0], *(c[0] for c in _COUNT_COLUMNS)],
        headings=[first[1], *(c[1] for c in _COUNT_COLUMNS)],
        rows=[[r.label, *(c[2](r.counts) for c in _COUNT_COLUMNS)] for r in rows],
        total=["Total", *(c[2](total) for c in _COUNT_COLUMNS)],
    )


def _member_cities(rows: Sequence[CityRow]) -> ReportTable:
    return ReportTable(
        id="member-cities",
        caption="Member cities: consultations led, contributed to, supported and given evidence for",
        columns=["city", "led", "contributed_to", "supported", "gave_evidence"],
        headings=["City", "Led", "Contributed to", "Supported", "Gave evidence"],
        rows=[[c.name, c.led, c.contributed, c.supported, c.evidence] for c in rows],
        total=None if len(rows) < 2 else ["Total", sum(c.led for c in rows), sum(c.contributed for c in rows),
                                           sum(c.supported for c in rows), sum(c.evidence for c in rows)],
    )


def _joint_working(rows: Sequence[PartnerRow]) -> ReportTable:
    return ReportTable(
        id="joint-working",
        caption="Joint working: responses with partner networks",
        columns=["partner_network", "co_signed", "partner", "submitted"],
        headings=["Partner network", "Co-signed", "As partner", "Of those, submitted"],
        rows=[[p.name, p.co_signed, p.partnered, p.submitted] for p in rows],
        total=None,
    )


def tables(report: Report) -> dict[str, ReportTable]:
    """The report's tables by id, in the page's order."""
    built = [
        _counts_table("quarters", "Consultations by quarter received", ("quarter", "Quarter"),
                      report.by_quarter, report.total),
        _counts_table("work-areas", "Consultations by work area", ("work_area", "Work area"),
                      report.by_work_area, report.total),
        _counts_table("lead-cities", "Consultations by lead city", ("lead_city", "Lead city"),
                      report.by_lead_city, report.total),
        _member_cities(report.member_cities),
        _joint_working(report.partners),
    ]
    return {t.id: t for t in built}


def outcomes_table(total: Counts) -> ReportTable:
    """The outcomes chart's numbers (also columns of the tables above)."""
    return ReportTable(
        id="outcomes",
        caption="Outcomes of the responses submitted",
        columns=["outcome", "consultations"],
        headings=["Outcome", "Consultations"],
        rows=[["Government response published", total.outcome_published],
              ["Outcomes: every ask taken up", total.taken_up_yes],
              ["Outcomes: some asks taken up", total.taken_up_partly],
              ["Outcomes: no ask taken up", total.taken_up_no]],
        total=None,
    )
