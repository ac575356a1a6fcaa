"""The reports' numbers: one function, report(), returns them all as plain data.

What each number means (and where it comes from):

- The report is about the consultations **received** in its range: received means logged or
  imported into the tracker (``consultation.created_at``), in UK time. Every other number is
  about those same consultations, whenever it happened: a consultation received in Q1 and
  submitted in Q2 counts as submitted in Q1's row. So each row reads as a funnel.
- **Respond / monitor only / no response**: the triage decision (``consultation.decision``);
  a consultation not yet triaged is in none of the three.
- **Submitted**: a submission is recorded (``submission`` row; ``submitted_at`` is when the
  network sent it). **By the internal deadline**: submitted on or before the UK calendar day of
  ``consultation.internal_deadline`` (none set: not counted as on time). **Before closing**:
  ``submitted_at`` at or before ``consultation.closes_at``.
- **Missed**: status ``missed`` (closed before the network submitted).
- **Average supporting cities**: the member cities recorded as supporting (``city_support``) the
  submitted responses, divided by the number submitted.
- **Outcome published**: an ``outcome`` row (the government's response recorded); **every ask /
  some asks / no ask taken up**: its overall ``taken_up`` (yes / partly / no), one per consultation,
  which policy/takeup.py keeps in step with the per-ask take-up the annual report counts.
- **Member cities**: per city, the consultations received in the range that it led
  (``lead_city_id``), that one of its officers was added to as a contributor (``contributor``,
  each consultation once however many of its officers), that it supported (``city_support``), and
  that it gave local evidence for (``evidence_reply`` in state ``replied``, each consultation once
  however many requests; "nothing to add" does not count).
- **Joint working**: per partner network (Core Cities, the LGA, ...), the consultations counted
  whose response it co-signed or worked on as a partner (``consultation_partner``), and how many
  of those were submitted.

Coordinators and admins see the network; policy leads and contributors see the consultations
their own city leads, and their own city's row of the member-city table.

Four statements whatever the data size: the counts grouped by work area, lead city and quarter
in SQL (the rows are groups, at most areas x cities x quarters, summed here into each table);
the member-city counts (four GROUP BYs in one UNION ALL); the partner networks' counts; the
names of areas and cities.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    distinct,
    func,
    literal,
    literal_column,
    select,
    union_all,
)

from tracker.consultations.queries import filter_choices
from tracker.extensions import db
from tracker.models import Consultation, Decision, Status, User
from tracker.models.drafts import CitySupport, Contributor, Outcome, Response, Submission, TakenUp
from tracker.models.evidence import EvidenceReply, EvidenceRequest, ReplyState
from tracker.models.policy import ConsultationPartner, PartnerNetwork, PartnerRole
from tracker.reports.periods import Period, QuarterSlice
from tracker.sql import uk_date


@dataclass(frozen=True)
class Counts:
    """The numbers of one row of a report (see the module's docstring for each)."""

    received: int = 0
    respond: int = 0
    monitor: int = 0
    no_response: int = 0
    submitted: int = 0
    by_internal_deadline: int = 0
    before_closing: int = 0
    missed: int = 0
    supporting_cities: int = 0
    outcome_published: int = 0
    taken_up_yes: int = 0
    taken_up_partly: int = 0
    taken_up_no: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def average_supporting_cities(self) -> float | None:
        """Supporting cities per submitted response; None when nothing was submitted."""
        return round(self.supporting_cities / self.submitted, 1) if self.submitted else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "average_supporting_cities": self.average_supporting_cities}


@dataclass(frozen=True)
class Row:
    """A row of a table: what it is about (a quarter's key "2026-Q2", a work area's or city's
    id, None for "none yet"), its label and its numbers."""

    key: str | int | None
    label: str
    counts: Counts


@dataclass(frozen=True)
class CityRow:
    city_id: int
    name: str
    led: int = 0
    contributed: int = 0
    supported: int = 0
    evidence: int = 0


@dataclass(frozen=True)
class PartnerRow:
    partner_id: int
    name: str
    co_signed: int = 0
    partnered: int = 0
    submitted: int = 0


@dataclass(frozen=True)
class Report:
    period: Period
    # "network", or "city" when the report is limited to the consultations one city leads.
    scope: str
    city_id: int | None
    city_name: str
    total: Counts
    by_quarter: list[Row] = field(default_factory=list)
    by_work_area: list[Row] = field(default_factory=list)
    by_lead_city: list[Row] = field(default_factory=list)
    member_cities: list[CityRow] = field(default_factory=list)
    partners: list[PartnerRow] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.total.received == 0

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (dates as ISO strings), e.g. for the API."""

        def rows(items: Sequence[Row]) -> list[dict[str, Any]]:
            return [{"key": r.key, "label": r.label, **r.counts.as_dict()} for r in items]

        return {
            "period": {"first_day": self.period.first_day.isoformat(),
                       "last_day": self.period.last_day.isoformat(), "label": self.period.label},
            "scope": self.scope,
            "city": None if self.city_id is None else {"id": self.city_id, "name": self.city_name},
            "total": self.total.as_dict(),
            "by_quarter": rows(self.by_quarter),
            "by_work_area": rows(self.by_work_area),
            "by_lead_city": rows(self.by_lead_city),
            "member_cities": [asdict(c) for c in self.member_cities],
            "partners": [asdict(p) for p in self.partners],
        }


def sees_network(user: User) -> bool:
    return bool(user.is_coordinator)


def in_period(period: Period) -> list[ColumnElement[bool]]:
    """Received in the period: bounds on the stored instant, so an index range can serve."""
    return [Consultation.created_at >= period.starts_at, Consultation.created_at < period.ends_before]


def scope_city_id(user: User) -> int | None:
    """None for the network's report; else the city whose consultations ``user`` sees. A policy
    lead or contributor always has a city (the forms and services insist); one without would see
    no consultation (0 is no city's id) rather than the network's."""
    return None if sees_network(user) else (user.city_id or 0)


def counted_consultations(period: Period, user: User) -> list[ColumnElement[bool]]:
    """The conditions that pick the consultations ``user``'s report for ``period`` counts."""
    where = in_period(period)
    city_id = scope_city_id(user)
    if city_id is not None:
        where.append(Consultation.lead_city_id == city_id)
    return where


def quarter_of_receipt(quarters: Sequence[QuarterSlice]) -> ColumnElement[Any]:
    """The index of the quarter (of the period's) a consultation was received in."""
    return case(*((Consultation.created_at < q.ends_before, n) for n, q in enumerate(quarters)),
                else_=len(quarters))


def _counts_statement(period: Period, user: User) -> Any:
    where = counted_consultations(period, user)
    supports = (select(CitySupport.consultation_id, func.count().label("n"))
                .join(Consultation, Consultation.id == CitySupport.consultation_id)
                .where(*where).group_by(CitySupport.consultation_id).subquery())
    submitted = Submission.id.is_not(None)

    def counted(condition: ColumnElement[bool]) -> Any:
        return func.count().filter(condition)

    return (
        select(
            Consultation.work_area_id,
            Consultation.lead_city_id,
            quarter_of_receipt(period.quarters()).label("quarter"),
            func.count().label("received"),
            counted(Consultation.decision == Decision.RESPOND.value),
            counted(Consultation.decision == Decision.MONITOR.value),
            counted(Consultation.decision == Decision.NO_RESPONSE.value),
            counted(submitted),
            counted(and_(submitted, Consultation.internal_deadline.is_not(None),
                         uk_date(Submission.submitted_at) <= Consultation.internal_deadline)),
            counted(and_(submitted, Submission.submitted_at <= Consultation.closes_at)),
            counted(Consultation.status == Status.MISSED.value),
            func.coalesce(func.sum(case((submitted, func.coalesce(supports.c.n, 0)), else_=0)), 0),
            counted(Outcome.id.is_not(None)),
            counted(Outcome.taken_up == TakenUp.YES.value),
            counted(Outcome.taken_up == TakenUp.PARTLY.value),
            counted(Outcome.taken_up == TakenUp.NO.value),
        )
        .outerjoin(Submission, Submission.consultation_id == Consultation.id)
        .outerjoin(Outcome, Outcome.consultation_id == Consultation.id)
        .outerjoin(supports, supports.c.consultation_id == Consultation.id)
        .where(*where)
        # By the select's own label: both databases accept it, and the CASE (whose bounds are
        # parameters) is not repeated, which PostgreSQL could not match to the select's.
        .group_by(Consultation.work_area_id, Consultation.lead_city_id, literal_column("quarter"))
    )


def _member_cities_statement(period: Period, city_id: int | None) -> Any:
    where = in_period(period)
    led = (select(literal("led").label("kind"), Consultation.lead_city_id.label("city_id"),
                  func.count().label("n"))
           .where(*where, Consultation.lead_city_id.is_not(None))
           .group_by(Consultation.lead_city_id))
    contributed = (select(literal("contributed"), User.city_id, func.count(distinct(Response.consultation_id)))
                   .select_from(Contributor)
                   .join(User, User.id == Contributor.user_id)
                   .join(Response, Response.id == Contributor.response_id)
                   .join(Consultation, Consultation.id == Response.consultation_id)
                   .where(*where, User.city_id.is_not(None))
                   .group_by(User.city_id))
    supported = (select(literal("supported"), CitySupport.city_id, func.count())
                 .join(Consultation, Consultation.id == CitySupport.consultation_id)
                 .where(*where)
                 .group_by(CitySupport.city_id))
    evidence = (select(literal("evidence"), EvidenceReply.city_id,
                       func.count(distinct(EvidenceRequest.consultation_id)))
                .select_from(EvidenceReply)
                .join(EvidenceRequest, EvidenceRequest.id == EvidenceReply.request_id)
                .join(Consultation, Consultation.id == EvidenceRequest.consultation_id)
                .where(*where, EvidenceReply.state == ReplyState.REPLIED.value)
                .group_by(EvidenceReply.city_id))
    if city_id is not None:
        led = led.where(Consultation.lead_city_id == city_id)
        contributed = contributed.where(User.city_id == city_id)
        supported = supported.where(CitySupport.city_id == city_id)
        evidence = evidence.where(EvidenceReply.city_id == city_id)
    return union_all(led, contributed, supported, evidence)


def _partners_statement(period: Period, user: User) -> Any:
    """Per partner network and role, the counted consultations (and those submitted)."""
    return (
        select(PartnerNetwork.id, PartnerNetwork.name, ConsultationPartner.role, func.count(),
               func.count(Submission.id))
        .select_from(ConsultationPartner)
        .join(PartnerNetwork, PartnerNetwork.id == ConsultationPartner.partner_id)
        .join(Consultation, Consultation.id == ConsultationPartner.consultation_id)
        .outerjoin(Submission, Submission.consultation_id == Consultation.id)
        .where(*counted_consultations(period, user))
        .group_by(PartnerNetwork.id, PartnerNetwork.name, ConsultationPartner.role)
    )


def _partners(rows: Iterable[Any]) -> list[PartnerRow]:
    counts: dict[int, dict[str, Any]] = {}
    for partner_id, name, role, n, submitted in rows:
        row = counts.setdefault(partner_id, {"partner_id": partner_id, "name": name, "submitted": 0})
        row["co_signed" if role == PartnerRole.CO_SIGNATORY.value else "partnered"] = int(n)
        row["submitted"] += int(submitted)
    return sorted((PartnerRow(**row) for row in counts.values()), key=lambda p: p.name)


def _sum_by(groups: Iterable[tuple[Any, Counts]]) -> dict[Any, Counts]:
    summed: dict[Any, Counts] = {}
    for key, counts in groups:
        summed[key] = summed.get(key, Counts()) + counts
    return summed


def report(period: Period, user: User) -> Report:
    """Every number of the reports page for ``user`` (scope from their role and city)."""
    city_id = scope_city_id(user)
    quarters = period.quarters()
    # int(): PostgreSQL sums integers as numeric (Decimal).
    groups = [(row[0], row[1], row[2], Counts(*(int(n) for n in row[3:])))
              for row in db.session.execute(_counts_statement(period, user))]
    member_rows = db.session.execute(_member_cities_statement(period, city_id)).all()
    area_rows, city_rows = filter_choices()
    city_names = {r.id: r.name for r in city_rows}

    total = sum((g[3] for g in groups), Counts())
    by_quarter_index = _sum_by((g[2], g[3]) for g in groups)
    by_quarter = [Row(q.key, q.label, by_quarter_index.get(n, Counts())) for n, q in enumerate(quarters)]

    by_area_id = _sum_by((g[0], g[3]) for g in groups)
    # Every work area, received or not (a zero says something); then those with none set.
    by_work_area = [Row(r.id, r.name, by_area_id.get(r.id, Counts())) for r in area_rows]
    if None in by_area_id:
        by_work_area.append(Row(None, "No work area", by_area_id[None]))

    by_city_id = _sum_by((g[1], g[3]) for g in groups)
    by_lead_city = [Row(r.id, r.name, by_city_id[r.id]) for r in city_rows if r.id in by_city_id]
    if None in by_city_id:
        by_lead_city.append(Row(None, "No lead city yet", by_city_id[None]))

    per_city: dict[int, dict[str, int]] = {}
    for kind, member_id, n in member_rows:
        per_city.setdefault(member_id, {})[kind] = int(n)
    shown_cities = [r for r in city_rows if city_id is None or r.id == city_id]
    member_cities = [CityRow(r.id, r.name, **per_city.get(r.id, {})) for r in shown_cities]

    return Report(
        period=period,
        scope="network" if city_id is None else "city",
        city_id=city_id or None,
        city_name=city_names.get(city_id, "") if city_id else "",
        total=total,
        by_quarter=by_quarter,
        by_work_area=by_work_area,
        by_lead_city=by_lead_city,
        member_cities=member_cities,
        partners=_partners(db.session.execute(_partners_statement(period, user))),
    )
