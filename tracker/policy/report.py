"""The network's annual report to the LGA Leadership Board: its "key activities and outcomes"
for one financial year (April to March, as the Board's reports run), per work area.

``build`` reads the figures (a fixed handful of statements, each bounded by the year); the page
shows them, and ``to_markdown`` / ``to_docx`` write the same report for download, the DOCX through
the response export's Markdown-to-Word writer (tracker/drafts/word_out.py).

What counts in a year: responses whose submission (UK time) falls in it; the asks those responses
made and what government did with each as recorded so far; engagements that took place in it; joint
work is the year's responses and engagements with a partner network; a member city's local evidence
counts once for each of the year's responses it gave evidence for when the lead city asked (a reply
with evidence: "nothing to add" does not count).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from docx import Document
from docx.enum.text import WD_BREAK
from sqlalchemy import select

from tracker.drafts.markdown import shift_source
from tracker.drafts.word_out import add_markdown
from tracker.extensions import db
from tracker.models import City, Consultation, WorkArea
from tracker.models.drafts import Submission
from tracker.models.evidence import EvidenceReply, EvidenceRequest, ReplyState
from tracker.models.policy import (
    ENGAGEMENT_KIND_LABELS,
    AskTakenUp,
    ConsultationPartner,
    Engagement,
    EngagementKind,
    EngagementPartner,
    PartnerNetwork,
    PartnerRole,
    PolicyAsk,
    ResponseAsk,
)
from tracker.timeutil import format_date, format_uk, uk_instant, uk_today, utcnow

NO_AREA = "Across the network"
AIM = ("The {network} network brings together {members} urban councils in England and Wales to make the case "
       "for the places they serve: it responds to government consultations together, raises its standing asks "
       "with ministers and departments, runs an All-Party Parliamentary Group and briefs MPs, and works jointly "
       "with other networks of local government.")
# The network was founded in 2013: no report can be about an earlier year.
EARLIEST_YEAR = 2013


def financial_year(today: date | None = None) -> int:
    """The financial year ``today`` falls in, by the year it starts (January to March belong to the
    year that started the April before)."""
    today = today or uk_today()
    return today.year if today.month >= 4 else today.year - 1


def year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


def year_bounds(year: int) -> tuple[date, date]:
    """The first day of the year and the first day after it."""
    return date(year, 4, 1), date(year + 1, 4, 1)


def valid_year(year: int) -> bool:
    return EARLIEST_YEAR <= year <= financial_year() + 1


@dataclass
class AreaSection:
    name: str
    responses: list[dict[str, Any]] = field(default_factory=list)
    asks: list[dict[str, Any]] = field(default_factory=list)
    engagements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ministerial(self) -> list[dict[str, Any]]:
        return [e for e in self.engagements if e["kind"] in (EngagementKind.MINISTER, EngagementKind.OFFICIALS)]

    @property
    def appg(self) -> list[dict[str, Any]]:
        return [e for e in self.engagements if e["kind"] == EngagementKind.APPG]

    @property
    def other_engagements(self) -> list[dict[str, Any]]:
        return [e for e in self.engagements if e["kind"] not in (
            EngagementKind.MINISTER, EngagementKind.OFFICIALS, EngagementKind.APPG)]

    @property
    def taken_up(self) -> list[dict[str, Any]]:
        return [a for a in self.asks if a["taken_up"] in (AskTakenUp.FULL, AskTakenUp.PART)]

    @property
    def joint(self) -> list[str]:
        return [f"Response: {r['title']} (with {', '.join(r['partners'])})" for r in self.responses if r["partners"]] + [
            f"{e['kind_label']}: {e['title']} (with {', '.join(e['partners'])})" for e in self.engagements if e["partners"]]

    @property
    def is_empty(self) -> bool:
        return not (self.responses or self.engagements)


@dataclass
class Totals:
    responses: int = 0
    asks_made: int = 0
    asks_full: int = 0
    asks_part: int = 0
    asks_not: int = 0
    asks_unknown: int = 0
    engagements: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    joint_responses: int = 0
    co_signed: int = 0
    joint_engagements: int = 0
    # The year's responses that drew on at least one member city's local evidence.
    evidence_responses: int = 0


@dataclass
class AnnualReportData:
    year: int
    label: str
    starts: date
    ends: date  # the last day
    aim: str
    introduction: str
    version: int  # of the introduction, 0 when none is saved
    sections: list[AreaSection]
    totals: Totals
    # (member city, the year's responses it gave local evidence for), by city name.
    evidence: list[tuple[str, int]] = field(default_factory=list)


def build(year: int, *, network: str, members: int, introduction: str = "", version: int = 0) -> AnnualReportData:
    first, after = year_bounds(year)
    start_at, end_at = uk_instant(first, time(0, 0)), uk_instant(after, time(0, 0))
    areas = {a.id: a.name for a in db.session.scalars(select(WorkArea).order_by(WorkArea.name))}
    sections: dict[str, AreaSection] = {name: AreaSection(name) for name in [*areas.values(), NO_AREA]}

    def section(area_id: int | None) -> AreaSection:
        return sections[areas.get(area_id, NO_AREA) if area_id is not None else NO_AREA]

    submitted = db.session.execute(
        select(Consultation.id, Consultation.title, Consultation.issuing_organisation, Consultation.url,
               Consultation.work_area_id, Submission.submitted_at)
        .join(Submission, Submission.consultation_id == Consultation.id)
        .where(Submission.submitted_at >= start_at, Submission.submitted_at < end_at)
        .order_by(Submission.submitted_at, Consultation.id)
    ).all()
    ids = [r.id for r in submitted]
    partners: dict[int, list[tuple[str, str]]] = {}
    for consultation_id, name, role in db.session.execute(
        select(ConsultationPartner.consultation_id, PartnerNetwork.name, ConsultationPartner.role)
        .join(PartnerNetwork, PartnerNetwork.id == ConsultationPartner.partner_id)
        .where(ConsultationPartner.consultation_id.in_(ids)).order_by(PartnerNetwork.name)
    ).tuples():
        partners.setdefault(consultation_id, []).append((name, role))
    totals = Totals()
    area_of: dict[int, int | None] = {}
    for r in submitted:
        area_of[r.id] = r.work_area_id
        with_them = partners.get(r.id, [])
        section(r.work_area_id).responses.append({
            "consultation_id": r.id, "title": r.title, "organisation": r.issuing_organisation, "url": r.url,
            "submitted_at": r.submitted_at, "partners": [
                f"{name} ({PartnerRole(role).label.lower()})" for name, role in with_them],
        })
        totals.responses += 1
        totals.joint_responses += bool(with_them)
        totals.co_signed += any(role == PartnerRole.CO_SIGNATORY for _, role in with_them)

    for ask_title, consultation_id, consultation_title, taken_up in db.session.execute(
        select(PolicyAsk.title, ResponseAsk.consultation_id, Consultation.title, ResponseAsk.taken_up)
        .join(ResponseAsk, ResponseAsk.ask_id == PolicyAsk.id)
        .join(Consultation, Consultation.id == ResponseAsk.consultation_id)
        .where(ResponseAsk.consultation_id.in_(ids)).order_by(PolicyAsk.title, Consultation.title)
    ).tuples():
        section(area_of[consultation_id]).asks.append({
            "title": ask_title, "consultation_id": consultation_id, "consultation_title": consultation_title,
            "taken_up": taken_up, "taken_up_label": AskTakenUp(taken_up).label if taken_up else "Not known yet",
        })
        totals.asks_made += 1
        if taken_up == AskTakenUp.FULL:
            totals.asks_full += 1
        elif taken_up == AskTakenUp.PART:
            totals.asks_part += 1
        elif taken_up == AskTakenUp.NOT:
            totals.asks_not += 1
        else:
            totals.asks_unknown += 1

    engagements = db.session.execute(
        select(Engagement.id, Engagement.occurred_on, Engagement.kind, Engagement.title, Engagement.attendees,
               Engagement.work_area_id)
        .where(Engagement.occurred_on >= first, Engagement.occurred_on < after)
        .order_by(Engagement.occurred_on, Engagement.id)
    ).all()
    engagement_partners: dict[int, list[str]] = {}
    for engagement_id, name in db.session.execute(
        select(EngagementPartner.engagement_id, PartnerNetwork.name)
        .join(PartnerNetwork, PartnerNetwork.id == EngagementPartner.partner_id)
        .join(Engagement, Engagement.id == EngagementPartner.engagement_id)
        .where(Engagement.occurred_on >= first, Engagement.occurred_on < after).order_by(PartnerNetwork.name)
    ).tuples():
        engagement_partners.setdefault(engagement_id, []).append(name)
    for e in engagements:
        met_with = engagement_partners.get(e.id, [])
        section(e.work_area_id).engagements.append({
            "id": e.id, "occurred_on": e.occurred_on, "kind": e.kind,
            "kind_label": ENGAGEMENT_KIND_LABELS.get(e.kind, e.kind), "title": e.title, "attendees": e.attendees,
            "partners": met_with,
        })
        totals.engagements += 1
        totals.by_kind[e.kind] = totals.by_kind.get(e.kind, 0) + 1
        totals.joint_engagements += bool(met_with)

    evidence = _evidence(ids)
    totals.evidence_responses = len({consultation_id for consultation_id, _ in evidence})
    by_city: dict[str, int] = {}
    for _, city in evidence:
        by_city[city] = by_city.get(city, 0) + 1
    return AnnualReportData(
        year=year, label=year_label(year), starts=first, ends=date(year + 1, 3, 31),
        aim=AIM.format(network=network, members=members), introduction=introduction, version=version,
        sections=[s for s in sections.values() if not s.is_empty], totals=totals,
        evidence=sorted(by_city.items()),
    )


def _evidence(consultation_ids: list[int]) -> list[tuple[int, str]]:
    """(response, city) for each of these responses a member city gave local evidence for."""
    if not consultation_ids:
        return []
    return list(db.session.execute(
        select(EvidenceRequest.consultation_id, City.name).distinct()
        .select_from(EvidenceReply)
        .join(EvidenceRequest, EvidenceRequest.id == EvidenceReply.request_id)
        .join(City, City.id == EvidenceReply.city_id)
        .where(EvidenceRequest.consultation_id.in_(consultation_ids), EvidenceReply.state == ReplyState.REPLIED.value)
    ).tuples())


def kind_counts(totals: Totals) -> list[tuple[str, int]]:
    return [(label, totals.by_kind.get(kind, 0)) for kind, label in ENGAGEMENT_KIND_LABELS.items()]


def figures(totals: Totals) -> list[tuple[str, str]]:
    """The year's figures as the page lists them."""
    t = totals
    return [
        ("Consultation responses submitted", str(t.responses)),
        ("Asks made in them", str(t.asks_made)),
        ("Asks taken up in full", str(t.asks_full)),
        ("Asks taken up in part", str(t.asks_part)),
        ("Asks not taken up", str(t.asks_not)),
        ("Asks whose outcome is not known yet", str(t.asks_unknown)),
        ("Engagements", str(t.engagements)),
        *[(f"{label}", str(n)) for label, n in kind_counts(t)],
        ("Responses with partner networks", f"{t.joint_responses} ({t.co_signed} co-signed)"),
        ("Engagements with partner networks", str(t.joint_engagements)),
        ("Responses with local evidence from member cities", str(t.evidence_responses)),
    ]


# --- the downloads --------------------------------------------------------------------------

_SPECIAL = re.compile(r"([\\`*_\[\]#<>!|])")


def _text(value: str) -> str:
    """Typed text (a title, a name) as literal Markdown."""
    return _SPECIAL.sub(r"\\\1", " ".join(value.split()))


def title(data: AnnualReportData, network: str) -> str:
    return f"{network}: key activities and outcomes {data.label}"


def _body(data: AnnualReportData) -> list[str]:
    t = data.totals
    lines = [
        f"Report to the LGA Leadership Board for {format_date(data.starts)} to {format_date(data.ends)}.", "",
        "## Our aim", "", _text(data.aim), "",
    ]
    if data.introduction.strip():
        lines += ["## Introduction", "", shift_source(data.introduction.strip(), 3), ""]
    lines += [
        "## The year in figures", "",
        f"- Consultation responses submitted: {t.responses}",
        f"- Asks made in them: {t.asks_made}; taken up in full: {t.asks_full}; in part: {t.asks_part}; "
        f"not taken up: {t.asks_not}; not known yet: {t.asks_unknown}",
        f"- Engagements: {t.engagements}",
    ]
    lines += [f"  - {label}: {n}" for label, n in kind_counts(t)]
    lines += [f"- Joint work: {t.joint_responses} responses with partner networks ({t.co_signed} co-signed), "
              f"{t.joint_engagements} engagements with partner networks",
              f"- Local evidence: {t.evidence_responses} responses drew on member cities' evidence", ""]
    if data.evidence:
        lines += ["## Local evidence from member cities", ""]
        lines += [f"- {_text(city)}: {n} {'response' if n == 1 else 'responses'}" for city, n in data.evidence]
        lines.append("")
    for s in data.sections:
        lines += [f"## {_text(s.name)}", ""]
        if s.responses:
            lines += ["### Responses submitted", ""]
            for r in s.responses:
                link = f" ({r['url']})" if r["url"] else ""
                lines.append(f"- {_text(r['title'])}, {_text(r['organisation'])}, submitted "
                             f"{format_uk(r['submitted_at'], '%-d %B %Y')}{link}")
            lines.append("")
        if s.asks:
            lines += ["### Our asks and what government did", ""]
            lines += [f"- {_text(a['title'])} (in {_text(a['consultation_title'])}): {a['taken_up_label'].lower()}"
                      for a in s.asks]
            lines.append("")
        for heading, rows in (("Ministers and officials", s.ministerial), ("APPG", s.appg),
                              ("Other engagement", s.other_engagements)):
            if rows:
                lines += [f"### {heading}", ""]
                lines += [f"- {format_date(e['occurred_on'])}: {_text(e['title'])} ({e['kind_label']}; "
                          f"{_text(e['attendees'])})" for e in rows]
                lines.append("")
        if s.joint:
            lines += ["### Joint work", ""]
            lines += [f"- {_text(j)}" for j in s.joint]
            lines.append("")
    if not data.sections:
        lines += ["No responses were submitted and no engagements recorded in this year.", ""]
    return lines


def to_markdown(data: AnnualReportData, network: str) -> str:
    return "\n".join([f"# {_text(title(data, network))}", "", *_body(data)]).rstrip() + "\n"


def to_docx(data: AnnualReportData, network: str) -> bytes:
    doc = Document()
    doc.core_properties.title = title(data, network)
    doc.core_properties.author = network
    for _ in range(3):
        doc.add_paragraph()
    doc.add_paragraph(style="Title").add_run(title(data, network))
    doc.add_paragraph(style="Subtitle").add_run("Report to the LGA Leadership Board")
    doc.add_paragraph().add_run(f"Drafted {format_uk(utcnow(), '%-d %B %Y')}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    # The body's "##" sections are Word's Heading 1 (the title page holds the title).
    add_markdown(doc, "\n".join(_body(data)), 1)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def filename(data: AnnualReportData, ext: str) -> str:
    return f"key-activities-and-outcomes-{data.year}-{str(data.year + 1)[-2:]}.{ext}"
