"""Workflow notifications: who hears of each change of a consultation's life, and what they read.

The verbs call these in the same transaction as the change, after claiming the
consultation's version; notify() adds the in-app notifications and the email rows,
and the emails are queued after the commit. Each event's key is the consultation and
the version the change produced, so one change never tells one person twice. The
person who made the change is never told of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select

from tracker.extensions import db
from tracker.locking import claimed_version
from tracker.messaging.notify import notify
from tracker.models import Consultation, Role, User
from tracker.models.drafts import (
    CitySupport,
    Comment,
    Contributor,
    Outcome,
    Response,
    ResponseVersion,
    Submission,
)
from tracker.models.messages import Event
from tracker.timeutil import to_uk
from tracker.urls import external_url


def event_key(consultation: Consultation) -> str:
    version = claimed_version(consultation) or consultation.version
    return f"consultation-{consultation.id}-v{version}"


def _closes(consultation: Consultation) -> str:
    return f"{to_uk(consultation.closes_at):%A %-d %B %Y at %H:%M} (UK time)"


def _deadline(consultation: Consultation) -> str:
    return f"{consultation.internal_deadline:%A %-d %B %Y}" if consultation.internal_deadline else "not set"


def _who(actor: User | None) -> str:
    return actor.display_name if actor else "The tracker"


def _users(*conditions: Any) -> list[User]:
    """Enabled users matching any of the conditions (one query)."""
    return list(db.session.scalars(select(User).where(User.is_enabled.is_(True), or_(*conditions)).order_by(User.id)))


def _city_leads(city_id: int | None) -> Any:
    return (User.role == Role.POLICY_LEAD.value) & (User.city_id == city_id)


def _contributors(consultation: Consultation) -> Any:
    return User.id.in_(
        select(Contributor.user_id)
        .join(Response, Response.id == Contributor.response_id)
        .where(Response.consultation_id == consultation.id)
    )


def _team(consultation: Consultation) -> list[Any]:
    """Conditions for the drafting team: the named policy lead, the lead city's policy leads and
    the draft's contributors (the people the deadline reminders go to)."""
    conditions = [_contributors(consultation)]
    if consultation.policy_lead_id is not None:
        conditions.append(User.id == consultation.policy_lead_id)
    if consultation.lead_city_id is not None:
        conditions.append(_city_leads(consultation.lead_city_id))
    return conditions


def _supporting_leads(consultation: Consultation) -> Any:
    return (User.role == Role.POLICY_LEAD.value) & User.city_id.in_(
        select(CitySupport.city_id).where(CitySupport.consultation_id == consultation.id)
    )


def _send(
    people: Iterable[User], actor: User | None, consultation: Consultation, kind: Event, subject: str, body: str,
) -> int:
    recipients = [u for u in people if actor is None or u.id != actor.id]
    return len(notify(recipients, kind=kind.value, subject=subject, body=body, consultation=consultation,
                      key=event_key(consultation)))


def _footer(consultation: Consultation, endpoint: str = "drafts.response", text: str = "Open the response") -> str:
    return f"{text}: {external_url(endpoint, consultation_id=consultation.id)}"


# --- assignment ------------------------------------------------------------------------------


def assigned(actor: User | None, consultation: Consultation, *, before: dict[str, Any]) -> int:
    """Tell the new lead (or the lead city's policy leads when no one is named) and, on a
    reassignment, the previous one. ``before`` holds lead_city_id and policy_lead_id as they were."""
    old_city, old_lead = before.get("lead_city_id"), before.get("policy_lead_id")
    city = consultation.lead_city.name if consultation.lead_city else "a member city"
    who = _who(actor)
    title = consultation.title
    new_people = _users(
        User.id == consultation.policy_lead_id if consultation.policy_lead_id else _city_leads(consultation.lead_city_id)
    )
    moved = old_city is not None and (old_city != consultation.lead_city_id or old_lead != consultation.policy_lead_id)
    sent = 0
    if moved:
        previous = _users(User.id == old_lead if old_lead else _city_leads(old_city))
        previous = [u for u in previous if u.id not in {p.id for p in new_people}]
        lead_text = f" with {consultation.policy_lead.name} as policy lead" if consultation.policy_lead else ""
        sent += _send(
            previous, actor, consultation, Event.ASSIGNED,
            f"Reassigned away from you: {title}",
            f"{who} has reassigned “{title}” to {city}{lead_text}.\n\n"
            "You do not need to do anything more on it. The versions and comments already saved stay "
            "with the response, and you can still read it and comment.\n\n"
            + _footer(consultation, "consultations.detail", "See the consultation"),
        )
    first_time = old_city is None
    if consultation.policy_lead_id:
        named = "you are its policy lead"
        subject = f"{'Assigned to you' if first_time or moved else 'Assignment changed'}: {title}"
    else:
        named = "no policy lead is named yet: agree who will lead it, and ask a coordinator to record them"
        subject = f"{'Assigned to ' + city if first_time or moved else 'Assignment changed'}: {title}"
    what = "has assigned" if first_time or moved else "has changed the assignment of"
    sent += _send(
        new_people, actor, consultation, Event.ASSIGNED, subject,
        f"{who} {what} “{title}” to {city}; {named}.\n\n"
        f"Network internal deadline: {_deadline(consultation)}.\n"
        f"The government's consultation closes {_closes(consultation)}.\n\n"
        "What to do next: start the draft in the tracker and add contributors from other member "
        "cities, so the response is ready for review by the internal deadline.\n\n"
        + _footer(consultation, "drafts.edit", "Start or continue the draft"),
    )
    return sent


# --- review ----------------------------------------------------------------------------------


def sent_for_review(actor: User | None, consultation: Consultation, number: int) -> int:
    people = _users(User.role == Role.COORDINATOR.value)
    return _send(
        people, actor, consultation, Event.SENT_FOR_REVIEW,
        f"Ready for review: {consultation.title}",
        f"{_who(actor)} has sent version {number} of the network's response to “{consultation.title}” "
        "for review.\n\n"
        f"Network internal deadline: {_deadline(consultation)}.\n"
        f"The government's consultation closes {_closes(consultation)}.\n\n"
        "What to do next: read the draft, then approve that version or return it to the drafting "
        "team with a comment saying what needs to change.\n\n" + _footer(consultation),
    )


def returned(actor: User | None, consultation: Consultation, comment: str) -> int:
    return _send(
        _users(*_team(consultation)), actor, consultation, Event.RETURNED,
        f"Returned for changes: {consultation.title}",
        f"{_who(actor)} has returned the draft response to “{consultation.title}” for changes:\n\n"
        f"{comment.strip()}\n\n"
        f"What to do next: revise the draft and send it for review again before the network's "
        f"internal deadline, {_deadline(consultation)}.\n\n" + _footer(consultation),
    )


def approved(actor: User | None, consultation: Consultation, number: int) -> int:
    return _send(
        _users(*_team(consultation)), actor, consultation, Event.APPROVED,
        f"Approved: {consultation.title}",
        f"{_who(actor)} has approved version {number} of the network's response to “{consultation.title}”.\n\n"
        "That version is the text the network will submit. It can no longer be edited unless a "
        f"coordinator reopens it. The government's consultation closes {_closes(consultation)}.\n\n"
        "What to do next: nothing, unless your city has still to record its support.\n\n"
        + _footer(consultation),
    )


def reopened(actor: User | None, consultation: Consultation, reason: str) -> int:
    return _send(
        _users(*_team(consultation)), actor, consultation, Event.REOPENED,
        f"Reopened for editing: {consultation.title}",
        f"{_who(actor)} has reopened the approved response to “{consultation.title}” for editing.\n\n"
        f"Reason: {reason.strip()}\n\n"
        "What to do next: make the changes and send the draft for review again before the "
        f"government's consultation closes {_closes(consultation)}.\n\n" + _footer(consultation),
    )


# --- submission and outcome -----------------------------------------------------------------


def submitted(actor: User | None, consultation: Consultation, submission: Submission, number: int) -> int:
    people = _users(*_team(consultation), _supporting_leads(consultation))
    when = f"{to_uk(submission.submitted_at):%A %-d %B %Y at %H:%M}"
    reference = f", reference {submission.reference}" if submission.reference else ""
    return _send(
        people, actor, consultation, Event.SUBMITTED,
        f"Submitted: {consultation.title}",
        f"{_who(actor)} has recorded that the network submitted its response to “{consultation.title}” "
        f"on {when} by {submission.method_label.lower()}{reference}.\n\n"
        f"Version {number} is now frozen as the submitted text. Thank you to everyone who drafted, "
        "commented on and supported it.\n\n"
        "What to do next: nothing for now. You will hear when the government publishes its outcome.\n\n"
        + _footer(consultation),
    )


def outcome_published(actor: User | None, consultation: Consultation, outcome: Outcome) -> int:
    """Everyone who took part: the drafting team, the supporting cities' policy leads, and whoever
    saved a version, commented or recorded the submission."""
    response_ids = select(Response.id).where(Response.consultation_id == consultation.id)
    people = _users(
        *_team(consultation),
        _supporting_leads(consultation),
        User.id.in_(select(ResponseVersion.author_id).where(ResponseVersion.response_id.in_(response_ids))),
        User.id.in_(select(Comment.author_id).where(Comment.response_id.in_(response_ids))),
        User.id.in_(select(Submission.recorded_by_id).where(Submission.consultation_id == consultation.id)),
    )
    notes = f"\n\nNotes: {outcome.notes}" if outcome.notes else ""
    read = f"\n\nRead the government's response: {outcome.url}" if outcome.url else ""
    return _send(
        people, actor, consultation, Event.OUTCOME,
        f"Outcome published: {consultation.title}",
        f"The government has published its response to “{consultation.title}” "
        f"({outcome.published_on:%-d %B %Y}); {_who(actor)} has recorded it in the tracker.\n\n"
        f"Did the government take up the network's asks? {outcome.taken_up_label}.{notes}{read}\n\n"
        "What to do next: nothing; the response and its outcome are in the library for next time.\n\n"
        + _footer(consultation),
    )
