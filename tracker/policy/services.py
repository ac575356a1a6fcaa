"""The policy feature's verbs: asks, the asks a response makes and their take-up, partners of a
response, partner networks and the annual report's introduction (the engagement log's verbs
are in engagements.py).

Verbs check permission from the actor's row, raise a domain error, flush and never commit; every
change is written to the activity log with the fields before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from sqlalchemy import select

from tracker import activity
from tracker.errors import Change, DomainError, NotFound, Stale, one_line
from tracker.extensions import add_if_first, db
from tracker.models import ActivityLog, City, Consultation, User, WorkArea
from tracker.models.drafts import Outcome, Response, Submission
from tracker.models.policy import (
    AnnualReport,
    AskStatus,
    AskTakenUp,
    ConsultationPartner,
    PartnerNetwork,
    PartnerRole,
    PolicyAsk,
    ResponseAsk,
)
from tracker.policy import locking, permissions, takeup
from tracker.timeutil import utcnow

MAX_ASK_TITLE = 200
MAX_ASK_TEXT = 5_000
MAX_INTRODUCTION = 20_000
MAX_PARTNER_NAME = 120
MAX_PARTNER_DESCRIPTION = 1_000
ASK_FIELDS = ("title", "text", "status", "lead_city_id", "work_area_id", "version")
ASK_SUBJECT = "policy_ask"
REPORT_SUBJECT = "annual_report"
RESPONSE_ASKS_ACTION = "response_asks"
PARTNERS_ACTION = "consultation_partners"
TAKE_UP_ACTION = "ask_take_up"


# --- asks -----------------------------------------------------------------------------------


def _ask_text(title: str, text: str) -> tuple[str, str]:
    title = one_line(title, field="title", missing="Enter the ask's title", limit=MAX_ASK_TITLE,
                     too_long=f"Title must be {MAX_ASK_TITLE} characters or fewer")
    text = text.strip()
    if not text:
        raise DomainError("Enter what the network asks of government", field="text")
    if len(text) > MAX_ASK_TEXT:
        raise DomainError(f"The ask must be {MAX_ASK_TEXT:,} characters or fewer", field="text")
    return title, text


def _work_area(work_area_id: int | None) -> WorkArea:
    area = db.session.get(WorkArea, work_area_id) if work_area_id else None
    if area is None:
        raise DomainError("Choose the work area", field="work_area_id")
    return area


def _lead_city(city_id: int | None) -> City:
    city = db.session.get(City, city_id) if city_id else None
    if city is None or not city.is_member:
        raise DomainError("Choose the member city that leads on this ask", field="lead_city_id")
    return city


def create_ask(actor: User, *, work_area_id: int | None, lead_city_id: int | None, title: str,
               text: str) -> PolicyAsk:
    permissions.require(permissions.can_create_ask(actor), "Only coordinators and admins can add the network's asks.")
    title, text = _ask_text(title, text)
    area, city = _work_area(work_area_id), _lead_city(lead_city_id)
    ask = PolicyAsk(work_area=area, lead_city=city, title=title, text=text, status=AskStatus.ACTIVE.value,
                    version=1, created_by=actor, created_at=utcnow(), updated_at=utcnow())
    db.session.add(ask)
    db.session.flush()
    activity.record("ask_created", actor=actor, subject_type=ASK_SUBJECT, subject_id=ask.id,
                    message=f"Added the ask: {title}", after=activity.snapshot(ask, ASK_FIELDS))
    db.session.flush()
    return ask


def edit_ask(actor: User, ask: PolicyAsk, *, seen_version: int, title: str, text: str, status: str,
             lead_city_id: int | None, work_area_id: int | None) -> PolicyAsk:
    """Save an edit made on the page of ``seen_version``; the city that owns an ask and its work
    area are changed by coordinators only."""
    permissions.require(permissions.can_edit_ask(actor, ask),
                        "Only coordinators and the policy leads of the city that owns this ask can edit it.")
    title, text = _ask_text(title, text)
    if status not in {s.value for s in AskStatus}:
        raise DomainError("Choose whether the ask is active, achieved or retired", field="status")
    area, city = _work_area(work_area_id), _lead_city(lead_city_id)
    if not actor.is_coordinator and (city.id != ask.lead_city_id or area.id != ask.work_area_id):
        field = "lead_city_id" if city.id != ask.lead_city_id else "work_area_id"
        raise DomainError("Only coordinators can move an ask to another city or work area", field=field)
    before = activity.snapshot(ask, ASK_FIELDS)
    if (title, text, status, city.id, area.id) == (ask.title, ask.text, ask.status, ask.lead_city_id, ask.work_area_id):
        if seen_version != ask.version:
            raise locking.stale(ask, seen_version, subject_type=ASK_SUBJECT, what="this ask")
        return ask
    locking.claim(ask, seen_version, subject_type=ASK_SUBJECT, what="this ask")
    ask.title, ask.text, ask.status, ask.lead_city, ask.work_area = title, text, status, city, area
    db.session.flush()
    old, new = activity.changes(before, activity.snapshot(ask, ASK_FIELDS))
    changed = [name.removesuffix("_id").replace("_", " ") for name in new if name != "version"]
    activity.record("ask_edited", actor=actor, subject_type=ASK_SUBJECT, subject_id=ask.id,
                    message=f"Edited the ask: {', '.join(changed)}", before=old, after=new)
    db.session.flush()
    return ask


# --- the asks a response makes ----------------------------------------------------------------


def _made(consultation: Consultation) -> dict[int, ResponseAsk]:
    rows = db.session.scalars(select(ResponseAsk).where(ResponseAsk.consultation_id == consultation.id)).all()
    return {row.ask_id: row for row in rows}


def _last_changes(consultation: Consultation, action: str) -> list[Change]:
    entry = db.session.scalar(
        select(ActivityLog).where(ActivityLog.consultation_id == consultation.id, ActivityLog.action == action)
        .order_by(ActivityLog.id.desc()).limit(1)
    )
    if entry is None:
        return []
    return [Change(who=entry.actor.display_name if entry.actor else "The tracker", when=entry.created_at,
                   what=entry.message)]


def _set_stale(consultation: Consultation, action: str, what: str) -> Stale:
    changes = _last_changes(consultation, action)
    who = changes[-1].who if changes else "Someone else"
    return Stale(f"{who} changed {what} after you opened the page, so your choice was not saved. The page "
                 "now shows the choice as it is, with yours still ticked: check it and save again.",
                 changes=changes)


def set_response_asks(actor: User, consultation: Consultation, ask_ids: list[int],
                      seen_ids: list[int]) -> list[int]:
    """Which of the network's asks the response makes. ``seen_ids`` are the ones the page showed
    as made: if they changed since, nothing is saved (Stale)."""
    response = db.session.scalar(select(Response).where(Response.consultation_id == consultation.id))
    permissions.require(permissions.can_choose_asks(actor, consultation, response),
                        "Only the drafting team and coordinators can choose the asks this response makes.")
    made = _made(consultation)
    if sorted(made) != sorted(set(seen_ids)):
        raise _set_stale(consultation, RESPONSE_ASKS_ACTION, "the asks this response makes")
    wanted = set(ask_ids)
    asks = {a.id: a for a in db.session.scalars(select(PolicyAsk).where(PolicyAsk.id.in_(wanted | set(made))))}
    for ask_id in wanted - set(made):
        ask = asks.get(ask_id)
        if ask is None or ask.status != AskStatus.ACTIVE:
            raise DomainError("Choose from the network's active asks", field="asks")
    added = sorted(wanted - set(made))
    removed = sorted(set(made) - wanted)
    if not added and not removed:
        return sorted(made)
    for ask_id in removed:
        db.session.delete(made[ask_id])
    submitted_at = db.session.scalar(select(Submission.submitted_at).where(Submission.consultation_id == consultation.id))
    for ask_id in added:
        db.session.add(ResponseAsk(consultation_id=consultation.id, ask_id=ask_id, added_by_id=actor.id,
                                   submitted_at=submitted_at))
    parts = []
    if added:
        parts.append("added " + "; ".join(asks[i].title for i in added))
    if removed:
        parts.append("removed " + "; ".join(asks[i].title for i in removed))
    activity.record(RESPONSE_ASKS_ACTION, actor=actor, consultation=consultation,
                    message="Asks made by the response: " + ", ".join(parts),
                    before={"asks": sorted(made)}, after={"asks": sorted(wanted)})
    db.session.flush()
    return sorted(wanted)


def record_take_up(actor: User, consultation: Consultation, values: Mapping[int, str],
                   seen: Mapping[int, str]) -> int:
    """Per ask the response made, whether government took it up ('' for not known). ``seen`` is
    what the page showed; an ask whose record changed since is not overwritten (Stale).
    Returns how many asks changed."""
    permissions.require(permissions.can_record_take_up(actor, consultation),
                        "Only coordinators can record what government did with the network's asks.")
    made = _made(consultation)
    allowed = {t.value for t in AskTakenUp} | {""}
    changed: list[tuple[ResponseAsk, str]] = []
    for ask_id, value in values.items():
        row = made.get(ask_id)
        if row is None:
            raise DomainError("That ask is not one this response makes. Reload the page and try again.",
                              field="taken_up")
        if value not in allowed:
            raise DomainError("Choose in full, in part or not for each ask", field="taken_up")
        if (row.taken_up or "") == value:
            continue
        if (row.taken_up or "") != seen.get(ask_id, ""):
            raise _set_stale(consultation, TAKE_UP_ACTION, "what government did with the asks")
        changed.append((row, value))
    if not changed:
        return 0
    outcome = db.session.scalar(select(Outcome.taken_up).where(Outcome.consultation_id == consultation.id))
    if outcome is not None:  # the asks may not come to disagree with the outcome's overall answer
        takeup.check_take_up(consultation, outcome, {row.ask_id: value for row, value in changed})
    before = {str(row.ask_id): row.taken_up for row, _ in changed}
    for row, value in changed:
        row.taken_up = value or None
    db.session.flush()
    titles = db.session.execute(select(PolicyAsk.id, PolicyAsk.title).where(
        PolicyAsk.id.in_([row.ask_id for row, _ in changed]))).tuples().all()
    names = dict(titles)
    activity.record(TAKE_UP_ACTION, actor=actor, consultation=consultation,
                    message="Take-up of the asks: " + "; ".join(
                        f"{names[row.ask_id]}: {AskTakenUp(v).label.lower() if v else 'not recorded'}"
                        for row, v in changed),
                    before=before, after={str(row.ask_id): row.taken_up for row, _ in changed})
    db.session.flush()
    return len(changed)


# --- partners -----------------------------------------------------------------------------


def add_partner(actor: User, *, name: str, description: str) -> PartnerNetwork:
    permissions.require(permissions.can_manage_partners(actor), "Only admins can add partner networks.")
    name = one_line(name, field="name", missing="Enter the partner network's name", limit=MAX_PARTNER_NAME,
                    too_long=f"Name must be {MAX_PARTNER_NAME} characters or fewer")
    description = description.strip()
    if len(description) > MAX_PARTNER_DESCRIPTION:
        raise DomainError(f"Description must be {MAX_PARTNER_DESCRIPTION:,} characters or fewer", field="description")
    taken = db.session.scalar(select(PartnerNetwork.id).where(PartnerNetwork.name.ilike(name)))
    if taken is not None:
        raise DomainError(f"There is already a partner network called {name}", field="name")
    partner = PartnerNetwork(name=name, description=description, is_active=True)
    db.session.add(partner)
    db.session.flush()
    activity.record("partner_added", actor=actor, subject_type="partner_network", subject_id=partner.id,
                    message=f"Added the partner network {name}", after={"name": name})
    return partner


class _PartnerChoice(Protocol):
    @property
    def partner_id(self) -> int: ...

    @property
    def role(self) -> str: ...


def seen_partners(rows: Sequence[_PartnerChoice]) -> str:
    """What a page showed of a response's partners, as the form carries it back."""
    return ",".join(f"{row.partner_id}:{row.role}" for row in sorted(rows, key=lambda r: r.partner_id))


def set_consultation_partners(actor: User, consultation: Consultation, chosen: Mapping[int, str],
                              seen: str) -> None:
    """The partner networks that co-signed or worked with us on the response ('' for neither)."""
    permissions.require(permissions.can_set_partners(actor, consultation),
                        "Only coordinators and the lead city's policy leads can record partners of a response.")
    rows = {row.partner_id: row for row in db.session.scalars(
        select(ConsultationPartner).where(ConsultationPartner.consultation_id == consultation.id))}
    if seen_partners(list(rows.values())) != seen:
        raise _set_stale(consultation, PARTNERS_ACTION, "the partners of this response")
    partners = {p.id: p for p in db.session.scalars(select(PartnerNetwork))}
    roles = {r.value for r in PartnerRole}
    said: list[str] = []
    for partner_id, role in chosen.items():
        partner = partners.get(partner_id)
        if partner is None or (role and role not in roles):
            raise DomainError("Choose partner or co-signatory for each network, or neither", field="partners")
        row = rows.get(partner_id)
        if not role:
            if row is not None:
                db.session.delete(row)
                said.append(f"{partner.name}: removed")
        elif row is None:
            if not partner.is_active:
                raise DomainError(f"{partner.name} is no longer a partner network", field="partners")
            db.session.add(ConsultationPartner(consultation_id=consultation.id, partner_id=partner_id, role=role,
                                               added_by_id=actor.id))
            said.append(f"{partner.name}: {PartnerRole(role).label.lower()}")
        elif row.role != role:
            row.role = role
            said.append(f"{partner.name}: {PartnerRole(role).label.lower()}")
    if said:
        activity.record(PARTNERS_ACTION, actor=actor, consultation=consultation,
                        message="Partners of the response: " + "; ".join(said))
    db.session.flush()


# --- the annual report ------------------------------------------------------------------------


def get_report(year: int) -> AnnualReport | None:
    return db.session.scalar(select(AnnualReport).where(AnnualReport.year == year))


def save_introduction(actor: User, year: int, text: str, seen_version: int) -> AnnualReport:
    """The report's introduction for one financial year; ``seen_version`` 0 when the page showed none."""
    permissions.require(permissions.can_edit_report(actor), "Only coordinators can edit the annual report.")
    text = text.strip()
    if len(text) > MAX_INTRODUCTION:
        raise DomainError(f"The introduction must be {MAX_INTRODUCTION:,} characters or fewer", field="introduction")
    report = get_report(year)
    what = f"the {year}/{str(year + 1)[-2:]} introduction"
    if report is None:
        if seen_version != 0:
            raise NotFound("That report introduction does not exist.")
        report = AnnualReport(year=year, introduction=text, version=1, updated_by=actor, updated_at=utcnow())
        if not add_if_first(report):
            # Someone else wrote the first introduction of this year at the same moment.
            report = get_report(year)
            assert report is not None
            raise locking.stale(report, 0, subject_type=REPORT_SUBJECT, what=what)
        activity.record("report_introduction", actor=actor, subject_type=REPORT_SUBJECT, subject_id=report.id,
                        message=f"Wrote the introduction of the {year}/{str(year + 1)[-2:]} report",
                        after={"introduction": text, "version": 1})
        db.session.flush()
        return report
    if text == report.introduction and seen_version == report.version:
        return report
    before = {"introduction": report.introduction, "version": report.version}
    locking.claim(report, seen_version, subject_type=REPORT_SUBJECT, what=what)
    report.introduction, report.updated_by = text, actor
    activity.record("report_introduction", actor=actor, subject_type=REPORT_SUBJECT, subject_id=report.id,
                    message=f"Edited the introduction of the {year}/{str(year + 1)[-2:]} report",
                    before=before, after={"introduction": text, "version": report.version})
    db.session.flush()
    return report


def record_outcome_take_up(actor: User, consultation: Consultation, formdata: Mapping[str, str],
                           overall: str | None = None) -> int:
    """The outcome form's per-ask radios (take_up_<ask id>), recorded with the outcome; ``overall``
    (the form's overall answer) is first checked against them (takeup.py)."""
    from tracker.policy.forms import seen_take_up, take_up_values

    values = take_up_values(formdata)
    if overall is not None:
        takeup.check_take_up(consultation, overall, values)
    if not values:
        return 0
    return record_take_up(actor, consultation, values, seen_take_up(formdata.get("seen_take_up")))
