"""Demo data for the reports: a year of the network's past work, so `make run` shows every quarter
of the last 12 months in the charts (the seed's own demo consultations were all received on the
day it ran).

Consultations received 2 to 11 months ago, closed since, each at the end of its path: submitted
(by the internal deadline, or only before closing), outcome published (taken up in full, in
part, not), missed, monitor only, no response. Their responses have one version, the submitted
one, and their supporting cities and contributors. Idempotent (by title); flushes only.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import City, Consultation, Decision, Role, Status, User, WorkArea
from tracker.models.drafts import (
    CitySupport,
    Contributor,
    Outcome,
    Response,
    ResponseVersion,
    Submission,
    SubmissionMethod,
)
from tracker.timeutil import default_internal_deadline, uk_instant, uk_today, utcnow

# title, organisation, work area, days ago received, status, when submitted ("early": the day
# before the internal deadline; "late": the closing day), taken up, supporting cities
_PAST = [
    ("Concessionary bus travel: reimbursement guidance", "Department for Transport", "Transport", 360,
     Status.OUTCOME_PUBLISHED, "early", "yes", ("Hull", "Preston", "Sunderland", "Newport")),
    ("Local plan-making: new system", "Ministry of Housing, Communities and Local Government", "Housing", 310,
     Status.OUTCOME_PUBLISHED, "late", "partly", ("Salford", "Bradford")),
    ("Museum estate and development fund", "Department for Culture, Media and Sport", "Culture", 300,
     Status.DECLINED, None, None, ()),
    ("Household support: successor scheme", "Department for Work and Pensions", "Towns and Urban Centres", 260,
     Status.SUBMITTED, "early", None, ("Preston", "Blackpool", "Hull")),
    ("Heat network zoning: consultation", "Department for Energy Security and Net Zero", "Climate Emergency", 240,
     Status.OUTCOME_PUBLISHED, "early", "no", ("Exeter", "Plymouth")),
    ("Special educational needs: local inclusion plans", "Department for Education",
     "Young People, Skills and Education", 220, Status.MISSED, None, None, ()),
    ("Integrated care strategies: statutory guidance", "Department of Health and Social Care",
     "Health and Social Care", 180, Status.OUTCOME_PUBLISHED, "late", "partly", ("Wolverhampton", "Kirklees", "Hull")),
    ("Export support for regional businesses", "Department for Business and Trade", "Brexit and Trade", 160,
     Status.MONITORING, None, None, ()),
    ("Community right to buy: assets of community value", "Ministry of Housing, Communities and Local Government",
     "Community Cohesion", 140, Status.SUBMITTED, "early", None, ("Bradford", "Newport", "Coventry", "Salford", "Hull")),
    ("Road safety strategy: call for evidence", "Department for Transport", "Transport", 110,
     Status.SUBMITTED, "late", None, ("Hull", "Doncaster")),
    ("Affordable homes programme: allocations", "Ministry of Housing, Communities and Local Government", "Housing",
     90, Status.MISSED, None, None, ()),
    ("Culture recovery: local cultural compacts", "Department for Culture, Media and Sport", "Culture", 75,
     Status.SUBMITTED, "early", None, ("Coventry", "Lancaster", "Lincoln")),
]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _submitted_at(kind: str, closes_at: datetime, deadline_day: datetime) -> datetime:
    if kind == "early":
        return deadline_day - timedelta(days=1)
    return closes_at - timedelta(hours=11)  # the closing day, around lunchtime


def seed_demo() -> int:
    existing = set(db.session.scalars(select(Consultation.title)))
    areas = {a.name: a for a in db.session.scalars(select(WorkArea))}
    cities = {c.name: c for c in db.session.scalars(select(City))}
    leads = {u.city_id: u for u in db.session.scalars(
        select(User).where(User.role == Role.POLICY_LEAD.value).order_by(User.id))}
    coordinator = _user("coordinator@keycities.test")
    helpers = [u for u in (_user("contributor.newport@keycities.test"), _user("contributor.plymouth@keycities.test")) if u]
    now = utcnow()
    created = 0
    for n, (title, organisation, area_name, days_ago, status, when, taken_up, supporters) in enumerate(_PAST):
        if title in existing or area_name not in areas:
            continue
        area = areas[area_name]
        received = uk_instant(uk_today() - timedelta(days=days_ago), time(9, 30))
        closes_at = uk_instant((received + timedelta(days=49)).date(), time(23, 59))
        decision = {Status.MONITORING: Decision.MONITOR, Status.DECLINED: Decision.NO_RESPONSE}.get(status, Decision.RESPOND)
        consultation = Consultation(
            title=title, issuing_organisation=organisation, closes_at=closes_at, opened_at=received,
            url="https://www.gov.uk/government/consultations/demo-" + str(n + 1),
            summary=f"The government sought views on {title[0].lower() + title[1:]}.",
            status=status.value, decision=decision.value, work_area=area,
            decision_reason="Direct impact on member councils." if decision == Decision.RESPOND
            else "Low impact on member cities; keep an eye on the outcome.",
            created_by=coordinator, created_at=received, updated_at=min(now, closes_at),
        )
        if decision == Decision.RESPOND:
            consultation.lead_city = area.lead_city
            consultation.policy_lead = leads.get(area.lead_city_id)
            consultation.internal_deadline = default_internal_deadline(closes_at, 5)
        db.session.add(consultation)
        db.session.flush()
        created += 1
        if when is None:
            continue
        lead = consultation.policy_lead or coordinator
        response = Response(consultation_id=consultation.id, current_number=1, approved_number=1)
        db.session.add(response)
        db.session.flush()
        assert consultation.internal_deadline is not None
        submitted_at = _submitted_at(when, closes_at, uk_instant(consultation.internal_deadline, time(16, 0)))
        body = (f"The Key Cities network welcomes the opportunity to respond on **{title.split(':')[0].lower()}**.\n\n"
                "We ask for multi-year funding, allocations designed around need, and early involvement of urban councils.")
        version = ResponseVersion(response_id=response.id, number=1, author_id=lead.id if lead else None,
                                  note="Final text", body=body, answers={}, search_text=body,
                                  created_at=submitted_at - timedelta(days=2))
        db.session.add(version)
        if helpers:
            helper = helpers[n % len(helpers)]
            db.session.add(Contributor(response_id=response.id, user_id=helper.id,
                                       added_by_id=lead.id if lead else None))
        for name in supporters:
            if name in cities:
                db.session.add(CitySupport(consultation_id=consultation.id, city_id=cities[name].id,
                                           recorded_by_id=coordinator.id if coordinator else None))
        db.session.flush()
        db.session.add(Submission(
            consultation_id=consultation.id, version_id=version.id,
            method=(SubmissionMethod.ONLINE_FORM if n % 2 else SubmissionMethod.EMAIL).value,
            submitted_at=submitted_at, reference=f"KC-PAST-{n + 1:02d}",
            recorded_by_id=coordinator.id if coordinator else None))
        if taken_up is not None:
            db.session.add(Outcome(
                consultation_id=consultation.id, url=consultation.url + "/outcome",
                published_on=min(uk_today(), (closes_at + timedelta(days=70)).date()), taken_up=taken_up,
                notes="The government's response took up some of the network's asks.",
                recorded_by_id=coordinator.id if coordinator else None))
    db.session.flush()
    return created
