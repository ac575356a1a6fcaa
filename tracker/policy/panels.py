"""The policy panels other features' pages show: the asks a response makes, its partners and the
engagements it was raised at (the response page, the outcome form, the consultation page), and
the partners of each response in the library. Each panel is one statement; plain data out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, bindparam, case, cast, exists, literal, null, or_, select, union_all

from tracker.extensions import db
from tracker.models import Consultation, User, WorkArea
from tracker.models.drafts import Response
from tracker.models.policy import (
    ENGAGEMENT_KIND_LABELS,
    AskStatus,
    AskTakenUp,
    ConsultationPartner,
    Engagement,
    EngagementConsultation,
    PartnerNetwork,
    PartnerRole,
    PolicyAsk,
    ResponseAsk,
)
from tracker.policy import permissions
from tracker.policy.services import seen_partners


@dataclass(frozen=True)
class MadeAsk:
    """An ask a consultation's response makes, as its pages show it."""

    id: int
    ask_id: int
    title: str
    area: str
    taken_up: str | None

    @property
    def taken_up_label(self) -> str:
        return AskTakenUp(self.taken_up).label if self.taken_up else "Not recorded yet"


@dataclass(frozen=True)
class PartnerOf:
    """A partner network of a consultation's response."""

    id: int
    partner_id: int
    name: str
    role: str

    @property
    def role_label(self) -> str:
        return PartnerRole(self.role).label


@dataclass
class _Facts:
    made: list[MadeAsk] = field(default_factory=list)
    partners: list[PartnerOf] = field(default_factory=list)
    engagements: list[dict[str, Any]] = field(default_factory=list)
    # With the choices: every ask (id, "area: title", status) and partner network (id, name, active).
    asks: list[tuple[int, str, str]] = field(default_factory=list)
    networks: list[tuple[int, str, bool]] = field(default_factory=list)


def _facts_statement(with_choices: bool) -> Any:
    """The asks a consultation's response makes, its partners and the engagements it was raised
    at (and, for the forms, every ask and partner network), as rows of one statement: each panel
    on a page is one round trip, not five."""
    cid: Any = bindparam("consultation_id")
    parts: list[Any] = [
        select(literal("made").label("part"), ResponseAsk.id, ResponseAsk.ask_id.label("ref"),
               PolicyAsk.title, WorkArea.name.label("extra"), ResponseAsk.taken_up.label("value"),
               # Typed: a compound statement's columns take the first part's types.
               cast(null(), Date).label("day"))
        .join(PolicyAsk, PolicyAsk.id == ResponseAsk.ask_id).join(WorkArea, WorkArea.id == PolicyAsk.work_area_id)
        .where(ResponseAsk.consultation_id == cid),
        select(literal("partner"), ConsultationPartner.id, ConsultationPartner.partner_id, PartnerNetwork.name,
               null(), ConsultationPartner.role, null())
        .join(PartnerNetwork, PartnerNetwork.id == ConsultationPartner.partner_id)
        .where(ConsultationPartner.consultation_id == cid),
        select(literal("engagement"), Engagement.id, null(), Engagement.title, Engagement.kind, null(),
               Engagement.occurred_on)
        .join(EngagementConsultation, EngagementConsultation.engagement_id == Engagement.id)
        .where(EngagementConsultation.consultation_id == cid),
    ]
    if with_choices:
        parts += [
            select(literal("ask"), PolicyAsk.id, null(), PolicyAsk.title, WorkArea.name, PolicyAsk.status, null())
            .join(WorkArea, WorkArea.id == PolicyAsk.work_area_id),
            select(literal("network"), PartnerNetwork.id, null(), PartnerNetwork.name, null(),
                   case((PartnerNetwork.is_active.is_(True), "active"), else_="inactive"), null()),
        ]
    return union_all(*parts)


_FACTS = {choices: _facts_statement(choices) for choices in (False, True)}

# Whether the consultation's response is linked to anything of this feature's (asks it makes,
# partners, engagements): a flag a page reads with the consultation (drafts.queries.page_statement),
# and its panel reads the links only then.
LINKED = or_(exists().where(ResponseAsk.consultation_id == Consultation.id),
             exists().where(ConsultationPartner.consultation_id == Consultation.id),
             exists().where(EngagementConsultation.consultation_id == Consultation.id))


def _facts(consultation_id: int, *, with_choices: bool = False, linked: bool = True) -> _Facts:
    facts = _Facts()
    if not linked and not with_choices:
        return facts
    for row in db.session.execute(_FACTS[with_choices], {"consultation_id": consultation_id}):
        if row.part == "made":
            facts.made.append(MadeAsk(row.id, row.ref, row.title, row.extra, row.value))
        elif row.part == "partner":
            facts.partners.append(PartnerOf(row.id, row.ref, row.title, row.value))
        elif row.part == "engagement":
            facts.engagements.append({"id": row.id, "occurred_on": row.day, "title": row.title,
                                      "kind_label": ENGAGEMENT_KIND_LABELS.get(row.extra, row.extra)})
        elif row.part == "ask":
            facts.asks.append((row.id, f"{row.extra}: {row.title}", row.value))
        else:
            facts.networks.append((row.id, row.title, row.value == "active"))
    facts.made.sort(key=lambda r: r.id)
    facts.partners.sort(key=lambda r: r.id)
    facts.engagements.sort(key=lambda e: (e["occurred_on"], e["id"]), reverse=True)
    facts.asks.sort(key=lambda a: a[1])
    facts.networks.sort(key=lambda n: n[1])
    return facts


def seen_take_up(made: Sequence[ResponseAsk | MadeAsk]) -> str:
    return ",".join(f"{r.ask_id}:{r.taken_up or ''}" for r in made)


def response_panel(user: User, consultation: Consultation, response: Response | None,
                   linked: bool = True) -> dict[str, Any]:
    """The response page's panel: the asks it makes (with take-up once known) and its partners,
    with links to the pages that change them for whoever may. The choices (every ask, every
    partner network) are drawn on those pages only: most who open a response never change them.
    ``linked`` False: the page knows there is nothing to read (LINKED)."""
    facts = _facts(consultation.id, linked=linked)
    return {
        "consultation_id": consultation.id,
        "made": facts.made,
        "can_choose": permissions.can_choose_asks(user, consultation, response),
        "can_take_up": permissions.can_record_take_up(user, consultation) and bool(facts.made),
        "seen_take_up": seen_take_up(facts.made),
        "take_up_choices": AskTakenUp.choices(),
        "partners": facts.partners,
        "can_partners": permissions.can_set_partners(user, consultation),
        "engagements": facts.engagements,
    }


def asks_page(user: User, consultation: Consultation, response: Response | None) -> dict[str, Any]:
    """The page that chooses the asks a response makes: every active ask, and those it makes."""
    permissions.require(permissions.can_choose_asks(user, consultation, response),
                        "You cannot change the asks of this response.")
    facts = _facts(consultation.id, with_choices=True)
    made_ids = {r.ask_id for r in facts.made}
    return {
        "made_ids": made_ids,
        "seen_asks": ",".join(str(r.ask_id) for r in facts.made),
        "ask_choices": [(i, label) for i, label, status in facts.asks if status == AskStatus.ACTIVE or i in made_ids],
    }


def partners_page(user: User, consultation: Consultation) -> dict[str, Any]:
    """The page that records the partner networks a response was made with, and their roles."""
    permissions.require(permissions.can_set_partners(user, consultation),
                        "You cannot change the partners of this response.")
    facts = _facts(consultation.id, with_choices=True)
    roles = {p.partner_id: p.role for p in facts.partners}
    return {
        "partner_rows": [{"id": i, "name": name, "role": roles.get(i, "")}
                         for i, name, active in facts.networks if active or i in roles],
        "partner_roles": PartnerRole.choices(),
        "seen_partners": seen_partners(facts.partners),
    }


def outcome_panel(consultation: Consultation, typed: Mapping[str, str]) -> dict[str, Any]:
    """The outcome form's panel: per ask the response made, what government did with it (as typed
    when the form is redrawn)."""
    made = _facts(consultation.id).made
    return {
        "made": [{"ask_id": r.ask_id, "title": r.title, "area": r.area,
                  "value": typed.get(f"take_up_{r.ask_id}", r.taken_up or "")} for r in made],
        "seen_take_up": typed.get("seen_take_up", seen_take_up(made)),
        "choices": AskTakenUp.choices(),
    }


def consultation_panel(user: User, consultation: Consultation, linked: bool = True) -> dict[str, Any]:
    facts = _facts(consultation.id, linked=linked)
    return {
        "consultation_id": consultation.id,
        "made": facts.made,
        "partners": facts.partners,
        "engagements": facts.engagements,
        "can_record_engagement": permissions.can_record_engagement(user),
    }


def partners_by_consultation(consultation_ids: list[int]) -> dict[int, list[str]]:
    """For the library: each consultation's partner networks, 'Core Cities (co-signatory)'."""
    if not consultation_ids:
        return {}
    result: dict[int, list[str]] = {}
    for consultation_id, name, role in db.session.execute(
        select(ConsultationPartner.consultation_id, PartnerNetwork.name, ConsultationPartner.role)
        .join(PartnerNetwork, PartnerNetwork.id == ConsultationPartner.partner_id)
        .where(ConsultationPartner.consultation_id.in_(consultation_ids))
        .order_by(PartnerNetwork.name)
    ).tuples():
        result.setdefault(consultation_id, []).append(f"{name} ({PartnerRole(role).label.lower()})")
    return result
