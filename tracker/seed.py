"""Reference data (member cities, work areas) and the demo data set.

Both are safe to run again: rows are found by their natural key and only
created when missing.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from tracker.consultations import services as consultation_services
from tracker.extensions import db
from tracker.models import City, Consultation, Decision, Role, Source, Status, User, WorkArea
from tracker.policy import reference as policy_reference
from tracker.timeutil import uk_instant, uk_today, utcnow

MEMBER_CITIES: list[tuple[str, str]] = [
    ("BCP", "England"),
    ("Bath & North East Somerset", "England"),
    ("Blackpool", "England"),
    ("Bradford", "England"),
    ("Carlisle", "England"),
    ("Coventry", "England"),
    ("Doncaster", "England"),
    ("Exeter", "England"),
    ("Gloucester", "England"),
    ("Hull", "England"),
    ("Kirklees", "England"),
    ("Lancaster", "England"),
    ("Lincoln", "England"),
    ("Medway", "England"),
    ("Newport", "Wales"),
    ("Norwich", "England"),
    ("Plymouth", "England"),
    ("Portsmouth", "England"),
    ("Preston", "England"),
    ("Salford", "England"),
    ("Southampton", "England"),
    ("Southend", "England"),
    ("Sunderland", "England"),
    ("Wolverhampton", "England"),
    ("Wrexham", "Wales"),
]

# Which city leads which area is not public: a plausible demo mapping, editable by admins.
WORK_AREAS: list[tuple[str, str, str]] = [
    ("Towns and Urban Centres", "Preston", "High streets, town centres and regeneration."),
    ("Culture", "Coventry", "Arts, heritage, libraries and the creative economy."),
    ("Brexit and Trade", "Sunderland", "Trade, investment and the UK's new trading relationships."),
    ("Health and Social Care", "Wolverhampton", "Public health, adult social care and integration with the NHS."),
    ("Housing", "Salford", "Housing supply, planning, homelessness and private renting."),
    ("Young People, Skills and Education", "Doncaster", "Schools, further education, apprenticeships and skills."),
    ("Transport", "Hull", "Local transport, buses, rail and active travel."),
    ("Community Cohesion", "Bradford", "Integration, communities and local democracy."),
    ("Climate Emergency", "Exeter", "Net zero, adaptation, energy and the environment."),
]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def seed_reference_data() -> dict[str, int]:
    """The 25 member cities and 9 work areas. Returns how many rows were created."""
    created = {"cities": 0, "work_areas": 0}
    cities = {c.name: c for c in db.session.scalars(select(City))}
    for name, nation in MEMBER_CITIES:
        if name not in cities:
            cities[name] = City(name=name, slug=slugify(name), nation=nation, is_member=True)
            db.session.add(cities[name])
            created["cities"] += 1
    db.session.flush()
    areas = {a.name for a in db.session.scalars(select(WorkArea))}
    for name, lead, description in WORK_AREAS:
        if name not in areas:
            db.session.add(
                WorkArea(name=name, slug=slugify(name), description=description, lead_city=cities[lead])
            )
            created["work_areas"] += 1
    db.session.flush()
    policy_reference.seed_partner_networks()
    return created


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role
    city: str | None
    job_title: str


DEMO_PASSWORD_SUFFIX = "-demo-2026"  # noqa: S105 - demo data, printed by make run
DEMO_USERS: list[DemoUser] = [
    DemoUser("admin@keycities.test", "Alex Admin", Role.ADMIN, None, "Network IT"),
    DemoUser("coordinator@keycities.test", "Chris Coordinator", Role.COORDINATOR, None, "Policy coordinator"),
    DemoUser("lead.hull@keycities.test", "Priya Patel", Role.POLICY_LEAD, "Hull", "Transport policy officer"),
    DemoUser("lead.salford@keycities.test", "Sam Okafor", Role.POLICY_LEAD, "Salford", "Strategic housing lead"),
    DemoUser("lead.exeter@keycities.test", "Jo Evans", Role.POLICY_LEAD, "Exeter", "Net zero programme manager"),
    DemoUser("lead.preston@keycities.test", "Megan Hughes", Role.POLICY_LEAD, "Preston", "Regeneration policy lead"),
    DemoUser("lead.wolverhampton@keycities.test", "Dev Sharma", Role.POLICY_LEAD, "Wolverhampton", "Public health policy lead"),
    DemoUser("lead.coventry@keycities.test", "Rosa Lind", Role.POLICY_LEAD, "Coventry", "Culture and heritage officer"),
    DemoUser("lead.doncaster@keycities.test", "Tom Barker", Role.POLICY_LEAD, "Doncaster", "Skills policy officer"),
    DemoUser("lead.bradford@keycities.test", "Aisha Khan", Role.POLICY_LEAD, "Bradford", "Communities policy lead"),
    DemoUser("lead.sunderland@keycities.test", "Gareth Moss", Role.POLICY_LEAD, "Sunderland", "Economic policy officer"),
    DemoUser("contributor.newport@keycities.test", "Ffion Davies", Role.CONTRIBUTOR, "Newport", "Policy officer"),
    DemoUser("contributor.plymouth@keycities.test", "Ben Carter", Role.CONTRIBUTOR, "Plymouth", "Policy and insight officer"),
]


def demo_password(user: DemoUser) -> str:
    return user.email.split("@")[0].split(".")[0] + DEMO_PASSWORD_SUFFIX


def demo_accounts_with_published_passwords() -> list[str]:
    """Demo accounts that would sign in with the password the README publishes, once enabled."""
    emails = [d.email for d in DEMO_USERS]
    users = db.session.scalars(select(User).where(User.email.in_(emails))).all()
    by_email = {d.email: d for d in DEMO_USERS}
    return [u.email for u in users if u.check_password(demo_password(by_email[u.email]))]


def seed_demo_users() -> list[tuple[DemoUser, str]]:
    """Demo accounts for every role; returns them with their passwords."""
    from tracker.auth.services import create_user

    cities = {c.name: c for c in db.session.scalars(select(City))}
    existing = set(db.session.scalars(select(User.email)))
    result = []
    for demo in DEMO_USERS:
        password = demo_password(demo)
        if demo.email not in existing:
            create_user(
                email=demo.email,
                name=demo.name,
                password=password,
                role=demo.role,
                city=cities[demo.city] if demo.city else None,
                job_title=demo.job_title,
            )
        result.append((demo, password))
    return result


# One row per demo consultation: its title, organisation, work area, days from today to its
# closing date and the status the demo walks it to.
DEMO_CONSULTATIONS_CSV = Path(__file__).with_name("demo_consultations.csv")


def demo_consultations() -> list[tuple[str, str, str, int, Status]]:
    with DEMO_CONSULTATIONS_CSV.open(newline="", encoding="utf-8") as f:
        return [(r["title"], r["organisation"], r["work_area"], int(r["days_to_closing"]), Status(r["status"]))
                for r in csv.DictReader(f)]

_PATH = [Status.TRIAGED, Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW, Status.APPROVED, Status.SUBMITTED, Status.OUTCOME_PUBLISHED]
_WALK = {
    Status.DRAFTING: "start_drafting",
    Status.IN_REVIEW: "send_for_review",
    Status.APPROVED: "approve",
    Status.SUBMITTED: "submit",
    Status.OUTCOME_PUBLISHED: "publish_outcome",
}


def _demo_closing(days: int) -> datetime:
    return uk_instant(uk_today() + timedelta(days=days), time(23, 59))


def seed_demo_consultations() -> int:
    """A few dozen consultations spread over every state, walked there through the workflow."""
    from tracker.consultations import workflow

    existing = set(db.session.scalars(select(Consultation.title)))
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@keycities.test"))
    if coordinator is None:
        raise RuntimeError("The demo users are seeded before the demo consultations.")
    areas = {a.name: a for a in db.session.scalars(select(WorkArea))}
    leads_by_city: dict[int | None, User] = {}
    for user in db.session.scalars(select(User).where(User.role == Role.POLICY_LEAD.value)):
        leads_by_city.setdefault(user.city_id, user)
    rng = random.Random(2026)
    created = 0
    for title, org, area_name, days, target in demo_consultations():
        if title in existing:
            continue
        area = areas[area_name]
        closes_at = _demo_closing(days)
        data = consultation_services.ConsultationData(
            title=title,
            issuing_organisation=org,
            closes_at=closes_at,
            url="https://www.gov.uk/government/consultations/" + slugify(title),
            summary=f"The government is seeking views on {title[0].lower() + title[1:]}.",
            opened_at=closes_at - timedelta(days=rng.choice([42, 56, 84])),
        )
        consultation = consultation_services.create_consultation(None, data, source=Source.MANUAL)
        consultation.created_by = coordinator
        consultation.work_area = area
        created += 1
        if target == Status.NEW:
            continue
        if target in (Status.MONITORING, Status.DECLINED):
            decision = Decision.MONITOR if target == Status.MONITORING else Decision.NO_RESPONSE
            consultation_services.triage(coordinator, consultation, decision, "Low impact on member cities; keep an eye on the outcome.")
            continue
        consultation_services.triage(coordinator, consultation, Decision.RESPOND, "Direct impact on member councils.")
        if target == Status.TRIAGED:
            continue
        lead = leads_by_city.get(area.lead_city_id)
        consultation_services.assign(
            coordinator,
            consultation,
            work_area=area,
            city=area.lead_city,
            policy_lead=lead,
            internal_deadline=None,
        )
        if target == Status.MISSED:
            workflow.apply(consultation, "mark_missed", None, message="Closed without a submitted response")
            continue
        for step in _PATH[_PATH.index(Status.ASSIGNED) + 1 : _PATH.index(target) + 1]:
            actor = lead if step in (Status.DRAFTING, Status.IN_REVIEW) else coordinator
            workflow.apply(consultation, _WALK[step], actor)
    db.session.flush()
    return created


def seed_feature_demos() -> None:
    """Each feature that has demo data keeps it in tracker/<feature>/demo.py: seed_demo()."""
    from tracker.alerts import demo as alerts_demo
    from tracker.drafts import demo as drafts_demo
    from tracker.evidence import demo as evidence_demo
    from tracker.intake import demo as intake_demo
    from tracker.policy import demo as policy_demo
    from tracker.reminders import demo as reminders_demo
    from tracker.reports import demo as reports_demo

    for module in (drafts_demo, evidence_demo, reminders_demo, intake_demo, reports_demo, policy_demo,
                   alerts_demo):
        module.seed_demo()


def seed_demo() -> list[tuple[DemoUser, str]]:
    users = seed_demo_users()
    seed_demo_consultations()
    seed_feature_demos()
    return users


__all__ = ["seed_reference_data", "seed_demo", "utcnow"]
