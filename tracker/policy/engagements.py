"""The engagement log's verbs: record and edit an engagement (versioned, every edit kept in the
activity log), add follow-up actions and mark them done. Flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from tracker import activity
from tracker.errors import DomainError, one_line
from tracker.extensions import db
from tracker.models import Consultation, User, WorkArea
from tracker.models.policy import (
    ENGAGEMENT_KIND_LABELS,
    Engagement,
    EngagementAsk,
    EngagementConsultation,
    EngagementPartner,
    FollowUp,
    PartnerNetwork,
    PolicyAsk,
)
from tracker.policy import locking, permissions
from tracker.timeutil import uk_today, utcnow

SUBJECT = "engagement"
FOLLOW_UP_SUBJECT = "follow_up"
MAX_TITLE = 200
MAX_ATTENDEES = 2_000
MAX_NOTES = 20_000
MAX_FOLLOW_UP = 300
# An engagement is logged after it happens, or ahead of one planned; not decades either way.
FURTHEST = timedelta(days=366 * 2)
FIELDS = ("occurred_on", "kind", "title", "attendees", "work_area_id", "notes", "asks", "consultations",
          "partners", "version")


@dataclass
class EngagementInput:
    occurred_on: date | None
    kind: str
    title: str
    attendees: str
    work_area_id: int | None
    notes: str
    ask_ids: list[int] = field(default_factory=list)
    consultation_ids: list[int] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)


def _links(engagement: Engagement) -> dict[str, list[int]]:
    if engagement.id is None:
        return {"asks": [], "consultations": [], "partners": []}
    return {
        "asks": sorted(db.session.scalars(select(EngagementAsk.ask_id).where(EngagementAsk.engagement_id == engagement.id))),
        "consultations": sorted(db.session.scalars(select(EngagementConsultation.consultation_id).where(
            EngagementConsultation.engagement_id == engagement.id))),
        "partners": sorted(db.session.scalars(select(EngagementPartner.partner_id).where(
            EngagementPartner.engagement_id == engagement.id))),
    }


def _snapshot(engagement: Engagement) -> dict[str, Any]:
    own = activity.snapshot(engagement, [f for f in FIELDS if f not in ("asks", "consultations", "partners")])
    return {**own, **_links(engagement)}


def _checked(data: EngagementInput) -> EngagementInput:
    if data.occurred_on is None:
        raise DomainError("Enter the date of the engagement", field="occurred_on")
    if abs(data.occurred_on - uk_today()) > FURTHEST:
        raise DomainError("The date must be within two years of today", field="occurred_on")
    if data.kind not in ENGAGEMENT_KIND_LABELS:
        raise DomainError("Choose the kind of engagement", field="kind")
    data.title = one_line(data.title, field="title", missing="Enter what the engagement was", limit=MAX_TITLE,
                          too_long=f"Title must be {MAX_TITLE} characters or fewer")
    data.attendees = data.attendees.strip()
    if not data.attendees:
        raise DomainError("Enter who the network met or briefed", field="attendees")
    if len(data.attendees) > MAX_ATTENDEES:
        raise DomainError(f"Who must be {MAX_ATTENDEES:,} characters or fewer", field="attendees")
    data.notes = data.notes.strip()
    if len(data.notes) > MAX_NOTES:
        raise DomainError(f"Notes must be {MAX_NOTES:,} characters or fewer", field="notes")
    if data.work_area_id is not None and db.session.get(WorkArea, data.work_area_id) is None:
        raise DomainError("Choose a work area from the list", field="work_area_id")
    for ids, model, name, message in (
        (data.ask_ids, PolicyAsk, "asks", "Choose asks from the list"),
        (data.partner_ids, PartnerNetwork, "partners", "Choose partner networks from the list"),
    ):
        found = set(db.session.scalars(select(model.id).where(model.id.in_(set(ids)))))
        if found != set(ids):
            raise DomainError(message, field=name)
    found = set(db.session.scalars(select(Consultation.id).where(Consultation.id.in_(set(data.consultation_ids)))))
    if found != set(data.consultation_ids):
        raise DomainError("Choose consultations from the list (search for them by title)", field="consultations")
    return data


def _replace_links(engagement: Engagement, data: EngagementInput, now_links: dict[str, list[int]]) -> None:
    for key, ids, model, column in (
        ("asks", data.ask_ids, EngagementAsk, "ask_id"),
        ("consultations", data.consultation_ids, EngagementConsultation, "consultation_id"),
        ("partners", data.partner_ids, EngagementPartner, "partner_id"),
    ):
        have, want = set(now_links[key]), set(ids)
        if have - want:
            for row in db.session.scalars(select(model).where(
                    model.engagement_id == engagement.id, getattr(model, column).in_(have - want))):
                db.session.delete(row)
        for ident in sorted(want - have):
            db.session.add(model(engagement_id=engagement.id, **{column: ident}))


def create_engagement(actor: User, data: EngagementInput) -> Engagement:
    permissions.require(permissions.can_record_engagement(actor),
                        "Only coordinators and policy leads can record engagements.")
    data = _checked(data)
    engagement = Engagement(occurred_on=data.occurred_on, kind=data.kind, title=data.title, attendees=data.attendees,
                            work_area_id=data.work_area_id, notes=data.notes, version=1, created_by=actor,
                            created_at=utcnow(), updated_at=utcnow())
    db.session.add(engagement)
    db.session.flush()
    _replace_links(engagement, data, _links(engagement))
    db.session.flush()
    activity.record("engagement_recorded", actor=actor, subject_type=SUBJECT, subject_id=engagement.id,
                    message=f"Recorded the engagement: {data.title}", after=_snapshot(engagement))
    db.session.flush()
    return engagement


def edit_engagement(actor: User, engagement: Engagement, data: EngagementInput, seen_version: int) -> Engagement:
    permissions.require(permissions.can_edit_engagement(actor, engagement),
                        "Only coordinators, whoever recorded it and the leads of its work area can edit this engagement.")
    data = _checked(data)
    before = _snapshot(engagement)
    locking.claim(engagement, seen_version, subject_type=SUBJECT, what="this engagement")
    engagement.occurred_on, engagement.kind, engagement.title = data.occurred_on, data.kind, data.title  # type: ignore[assignment]
    engagement.attendees, engagement.work_area_id, engagement.notes = data.attendees, data.work_area_id, data.notes
    _replace_links(engagement, data, {k: before[k] for k in ("asks", "consultations", "partners")})
    db.session.flush()
    db.session.expire(engagement, ["work_area"])
    old, new = activity.changes(before, _snapshot(engagement))
    changed = [name.removesuffix("_id").replace("_", " ") for name in new if name != "version"]
    activity.record("engagement_edited", actor=actor, subject_type=SUBJECT, subject_id=engagement.id,
                    message="Edited the engagement: " + (", ".join(changed) or "saved without changes"),
                    before=old, after=new)
    db.session.flush()
    return engagement


def add_follow_up(actor: User, engagement: Engagement, *, description: str, owner_id: int | None,
                  due_on: date | None) -> FollowUp:
    permissions.require(permissions.can_edit_engagement(actor, engagement),
                        "Only coordinators, whoever recorded it and the leads of its work area can add follow-ups.")
    description, owner, due_on = _follow_up_fields(description, owner_id, due_on)
    follow_up = FollowUp(engagement=engagement, description=description, owner=owner, due_on=due_on,
                         created_by_id=actor.id, created_at=utcnow())
    db.session.add(follow_up)
    db.session.flush()
    activity.record("follow_up_added", actor=actor, subject_type=SUBJECT, subject_id=engagement.id,
                    message=f"Follow-up for {owner.name} by {due_on:%-d %B %Y}: {description}",
                    after={"follow_up": follow_up.id, "owner_id": owner.id, "due_on": due_on.isoformat()})
    db.session.flush()
    return follow_up


def _follow_up_fields(description: str, owner_id: int | None, due_on: date | None) -> tuple[str, User, date]:
    description = one_line(description, field="description", missing="Enter the action to follow up",
                           limit=MAX_FOLLOW_UP, too_long=f"Action must be {MAX_FOLLOW_UP} characters or fewer")
    owner = db.session.get(User, owner_id) if owner_id else None
    if owner is None or not owner.is_enabled:
        raise DomainError("Choose who owns the action", field="owner_id")
    if due_on is None:
        raise DomainError("Enter the date the action is due", field="due_on")
    if abs(due_on - uk_today()) > FURTHEST:
        raise DomainError("The due date must be within two years of today", field="due_on")
    return description, owner, due_on


_FOLLOW_UP_REFUSAL = "Only coordinators, whoever recorded the engagement and the leads of its work area can change its follow-ups."


def edit_follow_up(actor: User, follow_up: FollowUp, *, description: str, owner_id: int | None,
                   due_on: date | None, seen_version: int) -> FollowUp:
    """Changes an action's words, owner or due day, on the version the page showed. A due day
    moved into the past is refused; one already past and left as it was is kept."""
    permissions.require(permissions.can_edit_engagement(actor, follow_up.engagement), _FOLLOW_UP_REFUSAL)
    description, owner, due_on = _follow_up_fields(description, owner_id, due_on)
    if due_on != follow_up.due_on and due_on < uk_today():
        raise DomainError("The due date must be today or in the future", field="due_on")
    before = {"description": follow_up.description, "owner_id": follow_up.owner_id,
              "due_on": follow_up.due_on.isoformat()}
    version = locking.claim(follow_up, seen_version, subject_type=FOLLOW_UP_SUBJECT, what="this follow-up")
    follow_up.description, follow_up.owner_id, follow_up.due_on = description, owner.id, due_on
    after = {"description": description, "owner_id": owner.id, "due_on": due_on.isoformat()}
    old, new = activity.changes(before, after)
    activity.record("follow_up_edited", actor=actor, subject_type=SUBJECT, subject_id=follow_up.engagement_id,
                    message=f"Changed the follow-up: {description}", before=old,
                    after={**new, "follow_up": follow_up.id, "version": version})
    db.session.flush()
    return follow_up


def delete_follow_up(actor: User, follow_up: FollowUp, seen_version: int) -> int:
    """Deletes an action (its reminders go with it: the sweep plans them from open actions);
    returns its engagement's id."""
    permissions.require(permissions.can_edit_engagement(actor, follow_up.engagement), _FOLLOW_UP_REFUSAL)
    locking.claim(follow_up, seen_version, subject_type=FOLLOW_UP_SUBJECT, what="this follow-up")
    engagement_id = follow_up.engagement_id
    activity.record("follow_up_deleted", actor=actor, subject_type=SUBJECT, subject_id=engagement_id,
                    message=f"Deleted the follow-up: {follow_up.description}",
                    before={"description": follow_up.description, "owner_id": follow_up.owner_id,
                            "due_on": follow_up.due_on.isoformat()})
    db.session.delete(follow_up)
    db.session.flush()
    return engagement_id


def complete_follow_up(actor: User, follow_up: FollowUp) -> FollowUp:
    permissions.require(permissions.can_close_follow_up(actor, follow_up),
                        "Only the action's owner, coordinators and whoever may edit the engagement can mark it done.")
    if follow_up.done_at is not None:
        who = follow_up.done_by.name if follow_up.done_by else "someone"
        raise DomainError(f"This action was already marked done by {who}.")
    follow_up.done_at, follow_up.done_by_id = utcnow(), actor.id
    follow_up.version += 1  # a page showing it open can no longer edit it unseen
    activity.record("follow_up_done", actor=actor, subject_type=SUBJECT, subject_id=follow_up.engagement_id,
                    message=f"Marked done: {follow_up.description}", after={"follow_up": follow_up.id})
    db.session.flush()
    return follow_up
