"""The rest of a scaled network: the asks the network presses across its responses, the engagement
log with its follow-ups, partner networks, and the triage inbox of imported items (most decided
long ago, a few dozen waiting), in proportion to its consultations.

Rows go in through SQLAlchemy Core inserts, so that each column's default applies to what is not
given here: these tables are small beside the consultations'.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from tracker.extensions import Model, db
from tracker.models import City, Consultation, User, WorkArea, policy
from tracker.models.drafts import Submission
from tracker.models.intake import IntakeItem, ItemSource, ItemState

PARTNERS = ["Core Cities UK", "Local Government Association", "District Councils' Network", "Centre for Cities",
            "Northern Powerhouse Partnership", "Welsh Local Government Association"]
ASKS = ["Multi-year funding settlements", "Devolved transport budgets", "An end to competitive bidding",
        "Fair funding for urban social care", "A say in skills funding", "Local retention of business rates",
        "Simpler reporting to government", "Long-term regeneration funds"]
KINDS = ["meeting", "roundtable", "letter", "event", "briefing"]
TAKEN_UP = [t.value for t in policy.AskTakenUp] + [None]


def _add(model: type[Model], rows: list[dict[str, Any]], counts: dict[str, int]) -> None:
    if rows:
        db.session.execute(insert(model), rows)
        counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)


def seed_policy_and_intake(rng: random.Random, n: int, now: datetime, today: date) -> dict[str, int]:
    """Asks (one per 100 consultations, 16 to 60), engagements (one per 20) with their follow-ups
    and links, partner networks, and imported items (one per 5; some 60 waiting in the inbox)."""
    counts: dict[str, int] = {}
    areas = list(db.session.scalars(select(WorkArea.id)))
    cities = list(db.session.scalars(select(City.id).where(City.is_member.is_(True))))
    users = list(db.session.scalars(select(User.id).where(User.is_enabled.is_(True))))
    submitted = list(db.session.scalars(select(Consultation.id).where(
        Consultation.status.in_(["submitted", "outcome_published"])).order_by(Consultation.id)))
    consultations = list(db.session.scalars(select(Consultation.id).order_by(Consultation.id)))

    existing = set(db.session.scalars(select(policy.PartnerNetwork.name)))
    _add(policy.PartnerNetwork, [{"name": name, "description": f"{name}: a partner of the network"}
                          for name in PARTNERS if name not in existing], counts)
    partners = list(db.session.scalars(select(policy.PartnerNetwork.id)))

    first_ask = int(db.session.scalar(select(policy.PolicyAsk.id).order_by(policy.PolicyAsk.id.desc()).limit(1)) or 0) + 1
    # A curated list: it grows with the years, not with every consultation.
    ask_count = min(60, max(16, n // 100))
    _add(policy.PolicyAsk, [{
        "id": first_ask + i, "work_area_id": rng.choice(areas), "lead_city_id": rng.choice(cities),
        "title": f"{ASKS[i % len(ASKS)]} ({i + 1})", "text": "What the network asks government to do.",
        "created_by_id": rng.choice(users), "created_at": now - timedelta(days=rng.randint(30, 2000)),
        "updated_at": now} for i in range(ask_count)], counts)
    asks = list(range(first_ask, first_ask + ask_count))
    submitted_at = dict(db.session.execute(select(Submission.consultation_id, Submission.submitted_at)).tuples().all())
    _add(policy.ResponseAsk, [{"consultation_id": cid, "ask_id": ask, "taken_up": rng.choice(TAKEN_UP),
                        "submitted_at": submitted_at.get(cid), "added_by_id": rng.choice(users), "created_at": now}
                       for cid in submitted for ask in rng.sample(asks, rng.randint(0, 3))], counts)

    first = int(db.session.scalar(select(policy.Engagement.id).order_by(policy.Engagement.id.desc()).limit(1)) or 0) + 1
    engagement_count = max(50, n // 20)
    engagements = []
    links: dict[type[Model], list[dict[str, Any]]] = {policy.EngagementAsk: [], policy.EngagementConsultation: [],
                                                      policy.EngagementPartner: [], policy.FollowUp: []}
    for i in range(engagement_count):
        eid = first + i
        occurred = today - timedelta(days=rng.randint(0, 8 * 365))
        engagements.append({
            "id": eid, "occurred_on": occurred, "kind": rng.choice(KINDS), "title": f"Engagement {eid} with officials",
            "attendees": "Officials and member cities' leaders", "work_area_id": rng.choice(areas),
            "notes": "Notes of the conversation.", "created_by_id": rng.choice(users), "created_at": now,
            "updated_at": now})
        links[policy.EngagementAsk] += [{"engagement_id": eid, "ask_id": a} for a in rng.sample(asks, rng.randint(0, 2))]
        links[policy.EngagementConsultation] += [{"engagement_id": eid, "consultation_id": c}
                                          for c in rng.sample(consultations, min(len(consultations), rng.randint(0, 2)))]
        links[policy.EngagementPartner] += [{"engagement_id": eid, "partner_id": p}
                                     for p in rng.sample(partners, rng.randint(0, 1))]
        for _ in range(rng.randint(0, 2)):
            due = occurred + timedelta(days=rng.randint(7, 60))
            done = due < today - timedelta(days=14)
            links[policy.FollowUp].append({
                "engagement_id": eid, "description": "Send the network's evidence to officials",
                "owner_id": rng.choice(users), "due_on": due, "done_at": now if done else None,
                "done_by_id": None, "created_by_id": rng.choice(users), "created_at": now})
    _add(policy.Engagement, engagements, counts)
    for model, rows in links.items():
        _add(model, rows, counts)

    item_count = max(100, n // 5)
    waiting = min(60, item_count)
    first_item = int(db.session.scalar(select(IntakeItem.id).order_by(IntakeItem.id.desc()).limit(1)) or 0) + 1
    items = []
    for i in range(item_count):
        closes = now + timedelta(days=rng.randint(5, 80)) if i < waiting else now - timedelta(days=rng.randint(1, 2900))
        # The old ones were decided long ago: dismissed (an accepted one is its consultation).
        state = ItemState.PENDING.value if i < waiting else ItemState.DISMISSED.value
        items.append({
            "id": first_item + i, "source": ItemSource.GOVUK.value, "content_id": f"scale-{first_item + i:08d}",
            "base_path": f"/government/consultations/scale-item-{first_item + i}", "document_type": "open_consultation",
            "title": f"Imported consultation {first_item + i}", "summary": "A consultation published on GOV.UK.",
            "organisations": ["Department for Transport"], "opened_at": closes - timedelta(days=56),
            "closes_at": closes, "public_updated_at": closes - timedelta(days=56),
            "suggested_work_area_id": rng.choice(areas), "suggestion_reasons": ["keyword: transport"],
            "state": state, "dismissal_reason": "Not for the network" if state == ItemState.DISMISSED.value else "",
            "first_seen_at": closes - timedelta(days=55), "last_seen_at": now, "last_changed_at": now})
    _add(IntakeItem, items, counts)
    return counts
