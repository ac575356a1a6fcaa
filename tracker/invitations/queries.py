"""Invitations as the pages list them: plain rows with their state in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.invitations.services import describe_role
from tracker.models import City
from tracker.models.invitations import Invitation

STATES = {"pending": "Waiting", "accepted": "Accepted", "expired": "Expired", "revoked": "Revoked"}
STATE_TAGS = {"pending": "govuk-tag--blue", "accepted": "govuk-tag--green", "expired": "govuk-tag--grey",
              "revoked": "govuk-tag--red"}


@dataclass(frozen=True)
class Row:
    id: int
    email: str
    name: str
    invited_as: str
    consultation_id: int | None
    consultation_title: str
    invited_by: str
    sent_at: datetime
    expires_at: datetime
    times_sent: int
    state: str
    state_label: str
    state_tag: str
    version: int


def admin_query(state: str | None, now: datetime) -> Select[tuple[Invitation]]:
    query = (select(Invitation)
             .options(joinedload(Invitation.user), joinedload(Invitation.city), joinedload(Invitation.consultation),
                      joinedload(Invitation.invited_by))
             .order_by(Invitation.sent_at.desc(), Invitation.id.desc()))
    if state == "pending":
        query = query.where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                            Invitation.expires_at > now)
    elif state == "accepted":
        query = query.where(Invitation.accepted_at.is_not(None))
    elif state == "revoked":
        query = query.where(Invitation.revoked_at.is_not(None), Invitation.accepted_at.is_(None))
    elif state == "expired":
        query = query.where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                            Invitation.expires_at <= now)
    return query


def rows(invitations: Iterable[Invitation], now: datetime) -> list[Row]:
    found = []
    for inv in invitations:
        state = inv.state(now)
        found.append(Row(
            id=inv.id, email=inv.email, name=inv.user.name, invited_as=describe_role(inv),
            consultation_id=inv.consultation_id, consultation_title=inv.consultation.title if inv.consultation else "",
            invited_by=inv.invited_by.name if inv.invited_by else "", sent_at=inv.sent_at, expires_at=inv.expires_at,
            times_sent=inv.times_sent, state=state, state_label=STATES[state], state_tag=STATE_TAGS[state],
            version=inv.version,
        ))
    return found


def for_consultation(consultation_id: int, now: datetime) -> list[Row]:
    invitations = db.session.scalars(
        select(Invitation)
        .options(joinedload(Invitation.user), joinedload(Invitation.city), joinedload(Invitation.invited_by))
        .where(Invitation.consultation_id == consultation_id)
        .order_by(Invitation.sent_at.desc(), Invitation.id.desc()).limit(200))
    return rows(invitations, now)


def get(invitation_id: int) -> Invitation | None:
    return db.session.scalar(select(Invitation).options(
        joinedload(Invitation.user), joinedload(Invitation.consultation)).where(Invitation.id == invitation_id))


def member_cities() -> list[tuple[str, str]]:
    return [(str(c.id), c.name) for c in db.session.scalars(
        select(City).where(City.is_member.is_(True)).order_by(City.name))]
