"""The reports' charts: SVG drawn on the server by pygal, shown as images.

The page's Content-Security-Policy allows no inline style or script, and pygal's SVG carries
both (a <style> element, and a <script> that sets up its tooltips). So a chart is never put into
the page's markup: it is an <img> whose source is the SVG as a data: address (img-src allows
data:). An SVG shown as an image is a document of its own: its style applies inside it and no
script of it ever runs; the script is taken out anyway. Every chart is followed on the page by a
table of the same numbers, and its alternative text says so: nothing is in a chart only.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from pygal.style import Style

from tracker.reports.queries import Counts, Report, Row

# GOV.UK Frontend's colours (blue, green, red, orange, purple, dark grey), in Arial as the pages.
_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    colors=("#1d70b8", "#00703c", "#d4351c", "#f47738", "#4c2c92", "#505a5f"),
    font_family="arial, sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=16,
    value_font_size=14,
    tooltip_font_size=14,
    title_font_size=18,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


@dataclass(frozen=True)
class Chart:
    """What the template needs: the image's source, its alternative text and which table
    (by its id) has the same numbers."""

    src: str
    alt: str
    table_id: str


def _image(chart: pygal.graph.graph.Graph) -> str:
    svg = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _options(height: int) -> dict[str, object]:
    return {
        "style": _STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 960,
        "height": height,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "print_values": True,
        "print_zeroes": False,
        "min_scale": 1,
        "max_scale": 6,
        "margin": 16,
        # pygal places a bottom legend by its boxes' size, not its text's: room for the text.
        "margin_bottom": 40,
        "truncate_label": -1,
        "truncate_legend": -1,
    }


def _series(chart: pygal.graph.graph.Graph, rows: Sequence[Row], names: dict[str, str]) -> None:
    chart.x_labels = [r.label for r in rows]
    for attribute, name in names.items():
        chart.add(name, [getattr(r.counts, attribute) for r in rows])


def quarters_chart(report: Report) -> Chart:
    chart = pygal.Bar(**_options(440))
    _series(chart, report.by_quarter, {"received": "Received", "submitted": "Submitted", "missed": "Missed"})
    return Chart(_image(chart), "Bar chart of consultations received, responses submitted and consultations "
                 "missed in each quarter. The same numbers are in the table that follows.", "quarters")


def work_areas_chart(report: Report) -> Chart:
    rows = report.by_work_area
    chart = pygal.HorizontalBar(**_options(200 + 60 * max(1, len(rows))))
    _series(chart, list(reversed(rows)), {"received": "Received", "submitted": "Submitted"})
    return Chart(_image(chart), "Bar chart of consultations received and responses submitted in each work "
                 "area. The same numbers are in the table that follows.", "work-areas")


def outcomes_chart(total: Counts) -> Chart:
    chart = pygal.Bar(**{**_options(360), "show_legend": False})
    chart.x_labels = ["Every ask taken up", "Some asks taken up", "No ask taken up"]
    chart.add("Outcomes", [total.taken_up_yes, total.taken_up_partly, total.taken_up_no])
    return Chart(_image(chart), "Bar chart of published outcomes: every ask, some asks or no ask taken up. "
                 "The same numbers are in the table that follows.", "outcomes")


def charts(report: Report) -> dict[str, Chart]:
    """The page's charts, none for an empty report (a chart of zeros says nothing)."""
    if report.is_empty:
        return {}
    drawn = {"quarters": quarters_chart(report), "work_areas": work_areas_chart(report)}
    if report.total.outcome_published:
        drawn["outcomes"] = outcomes_chart(report.total)
    return drawn
