"""Demo data of the policy feature for `make run`: the network's asks in several work areas (one
edited, so its history shows), the asks the demo's submitted responses made and what government
did with them, partners on responses, engagements this financial year (a ministerial meeting, an
APPG meeting, a briefing to MPs, officials) with asks raised and follow-ups (one done, one due
soon, one overdue), and the annual report's introduction for this year.

Made through the feature's own verbs, as a coordinator, so the activity log has every change.
Idempotent: nothing is added once any ask exists. Flushes only.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import City, Consultation, Status, User, WorkArea
from tracker.models.policy import (
    AskStatus,
    AskTakenUp,
    EngagementKind,
    PartnerNetwork,
    PartnerRole,
    PolicyAsk,
)
from tracker.policy import engagements, report, services
from tracker.policy.engagements import EngagementInput
from tracker.timeutil import uk_today

# (work area, lead city, title, text)
ASKS = [
    ("Transport", "Hull", "Five-year bus funding settlements",
     "Give local transport authorities five-year, formula-based bus funding in place of competitive pots."),
    ("Transport", "Hull", "Devolve pavement parking enforcement",
     "Give every council outside London the power to enforce against pavement parking."),
    ("Housing", "Salford", "Fund councils to enforce the decent homes standard",
     "Fund private rented sector enforcement through a ring-fenced, multi-year grant."),
    ("Health and Social Care", "Wolverhampton", "A public health grant that follows need",
     "Allocate the public health grant by deprivation and health need, settled three years ahead."),
    ("Climate Emergency", "Exeter", "Local net zero delivery funding",
     "Replace competitive net zero funds with a long-term local delivery allocation."),
    ("Brexit and Trade", "Sunderland", "Freeport benefits for the wider economy",
     "Measure freeports and investment zones by the jobs and skills they bring to the wider area."),
    ("Towns and Urban Centres", "Preston", "Simplify funding for towns",
     "Bring towns funding into one flexible pot with a single assurance framework."),
]
# Consultation title -> the asks it made (by title) and what government did with each.
MADE: dict[str, list[tuple[str, AskTakenUp | None]]] = {
    "Pavement parking: options for change": [("Devolve pavement parking enforcement", None)],
    "Tobacco and vapes: licensing retail sales": [("A public health grant that follows need", None)],
    "Biodiversity net gain: improvements for minor development": [
        ("Local net zero delivery funding", AskTakenUp.PART)],
    "Freeports and investment zones: evaluation framework": [
        ("Freeport benefits for the wider economy", AskTakenUp.FULL)],
    "Bus services: improving accessibility information": [("Five-year bus funding settlements", None)],
}


def _demo_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed_demo() -> None:
    if db.session.scalar(select(PolicyAsk.id).limit(1)) is not None:
        return
    coordinator = _demo_user("coordinator@keycities.test")
    lead = _demo_user("lead.hull@keycities.test")
    salford = _demo_user("lead.salford@keycities.test")
    if coordinator is None or lead is None:
        return
    areas = {a.name: a.id for a in db.session.scalars(select(WorkArea))}
    cities = {c.name: c.id for c in db.session.scalars(select(City))}
    asks: dict[str, PolicyAsk] = {}
    for area, city, title, text in ASKS:
        asks[title] = services.create_ask(coordinator, work_area_id=areas[area], lead_city_id=cities[city],
                                          title=title, text=text)
    towns = asks["Simplify funding for towns"]
    services.edit_ask(coordinator, towns, seen_version=towns.version, title=towns.title,
                      text=towns.text + " Five years, not one.", status=AskStatus.ACTIVE.value,
                      lead_city_id=towns.lead_city_id, work_area_id=towns.work_area_id)
    bus = asks["Five-year bus funding settlements"]
    services.edit_ask(lead, bus, seen_version=bus.version, title=bus.title,
                      text=bus.text + " Include community transport.", status=AskStatus.ACTIVE.value,
                      lead_city_id=bus.lead_city_id, work_area_id=bus.work_area_id)

    consultations = {c.title: c for c in db.session.scalars(select(Consultation).where(Consultation.title.in_(MADE)))}
    for title, made in MADE.items():
        consultation = consultations.get(title)
        if consultation is None:
            continue
        services.set_response_asks(coordinator, consultation, [asks[a].id for a, _ in made], [])
        if consultation.status == Status.OUTCOME_PUBLISHED:
            services.record_take_up(coordinator, consultation,
                                    {asks[a].id: t.value for a, t in made if t is not None}, {})
    partners = {p.name: p.id for p in db.session.scalars(select(PartnerNetwork))}
    for title, partner, role in (
        ("Freeports and investment zones: evaluation framework", "Core Cities", PartnerRole.CO_SIGNATORY),
        ("Pavement parking: options for change", "Local Government Association", PartnerRole.PARTNER),
    ):
        if title in consultations and partner in partners:
            services.set_consultation_partners(coordinator, consultations[title], {partners[partner]: role.value}, "")

    today = uk_today()
    start, _ = report.year_bounds(report.financial_year(today))
    # Spread over the financial year so far, never before its first day.
    def day(days_ago: int) -> date:
        return max(start, today - timedelta(days=days_ago))

    pavement = consultations.get("Pavement parking: options for change")
    minister = engagements.create_engagement(coordinator, EngagementInput(
        occurred_on=day(40), kind=EngagementKind.MINISTER.value,
        title="Meeting with the Minister for Local Transport",
        attendees="Minister for Local Transport; DfT buses and local transport officials; Cllr leads for Hull and Preston",
        work_area_id=areas["Transport"], notes="The minister was open to multi-year settlements from the next spending review.",
        ask_ids=[bus.id, asks["Devolve pavement parking enforcement"].id],
        consultation_ids=[pavement.id] if pavement else [], partner_ids=[]))
    appg = engagements.create_engagement(coordinator, EngagementInput(
        occurred_on=day(25), kind=EngagementKind.APPG.value,
        title="APPG for Key Cities: the future of towns funding",
        attendees="APPG officers and members; Core Cities; LGA", work_area_id=areas["Towns and Urban Centres"],
        notes="Joint session with Core Cities.", ask_ids=[towns.id], consultation_ids=[],
        partner_ids=[partners[p] for p in ("Core Cities", "Local Government Association") if p in partners]))
    engagements.create_engagement(lead, EngagementInput(
        occurred_on=day(12), kind=EngagementKind.MP_BRIEFING.value,
        title="Briefing to MPs ahead of the Opposition Day debate on buses",
        attendees="MPs for Hull, Doncaster, Sunderland and Wolverhampton constituencies",
        work_area_id=areas["Transport"], notes="", ask_ids=[bus.id], consultation_ids=[], partner_ids=[]))
    engagements.create_engagement(coordinator, EngagementInput(
        occurred_on=day(5), kind=EngagementKind.OFFICIALS.value,
        title="Officials' roundtable on the public health grant formula",
        attendees="DHSC public health finance team", work_area_id=areas["Health and Social Care"], notes="",
        ask_ids=[asks["A public health grant that follows need"].id], consultation_ids=[], partner_ids=[]))

    done = engagements.add_follow_up(coordinator, minister, description="Send the minister our costed bus funding model",
                                     owner_id=lead.id, due_on=today - timedelta(days=20))
    engagements.complete_follow_up(lead, done)
    engagements.add_follow_up(coordinator, minister, description="Share Hull's pavement parking survey with DfT officials",
                              owner_id=lead.id, due_on=today + timedelta(days=2))
    engagements.add_follow_up(coordinator, appg, description="Circulate the APPG note to member cities",
                              owner_id=(salford or coordinator).id, due_on=today - timedelta(days=3))

    services.save_introduction(coordinator, report.financial_year(today), (
        "This year the network responded to government on transport, health, climate and trade, and took its "
        "asks on **multi-year funding** to ministers and the APPG.\n\n"
        "Member cities led the work areas, with Core Cities and the LGA alongside us on freeports and towns."), 0)
    db.session.flush()
