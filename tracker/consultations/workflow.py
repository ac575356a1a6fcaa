"""The consultation's life: every status change, and who may make it, in one place.

Services call ``apply()``, which also claims the consultation's next version
(locking.py); templates call ``allowed()`` to decide which buttons to show.
``actor=None`` means the system itself (a scheduled task or the importer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker import activity, locking
from tracker.errors import InvalidTransition, PermissionDenied
from tracker.models import OPEN_STATUSES, Consultation, Role, Status, User

Who = Callable[[User | None, Consultation], bool]


def coordinator(user: User | None, consultation: Consultation) -> bool:
    return user is not None and user.is_coordinator


def city_lead(user: User | None, consultation: Consultation) -> bool:
    """A coordinator, or a policy lead of the city that leads this consultation."""
    if user is None:
        return False
    if user.is_coordinator:
        return True
    return (
        user.role == Role.POLICY_LEAD
        and consultation.lead_city_id is not None
        and user.city_id == consultation.lead_city_id
    )


def city_lead_or_system(user: User | None, consultation: Consultation) -> bool:
    """As city_lead; the system too (drafts: an added contributor's first save starts drafting)."""
    return user is None or city_lead(user, consultation)


def coordinator_or_system(user: User | None, consultation: Consultation) -> bool:
    return user is None or user.is_coordinator


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[Status]
    # None: the target depends on the call (triage) or the status stays (reassign).
    target: Status | None
    who: Who
    who_text: str


def _t(name: str, label: str, sources: set[Status], target: Status | None, who: Who, who_text: str) -> Transition:
    return Transition(name, label, frozenset(sources), target, who, who_text)


_DECIDED = {Status.NEW, Status.TRIAGED, Status.MONITORING, Status.DECLINED}

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("triage", "Triage", _DECIDED, None, coordinator, "coordinators"),
        _t(
            "assign",
            "Assign",
            {Status.TRIAGED, Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW},
            None,
            coordinator,
            "coordinators",
        ),
        _t("start_drafting", "Start drafting", {Status.ASSIGNED}, Status.DRAFTING, city_lead_or_system,
           "the lead city's policy leads and coordinators"),
        _t("send_for_review", "Send for review", {Status.DRAFTING}, Status.IN_REVIEW, city_lead,
           "the lead city's policy leads and coordinators"),
        _t("return_to_drafting", "Return for changes", {Status.IN_REVIEW}, Status.DRAFTING,
           coordinator, "coordinators"),
        _t("approve", "Approve", {Status.IN_REVIEW}, Status.APPROVED, coordinator, "coordinators"),
        _t("reopen", "Reopen for editing", {Status.APPROVED}, Status.DRAFTING, coordinator,
           "coordinators"),
        _t("submit", "Record submission", {Status.APPROVED}, Status.SUBMITTED, coordinator,
           "coordinators"),
        _t("publish_outcome", "Record outcome", {Status.SUBMITTED, Status.MONITORING},
           Status.OUTCOME_PUBLISHED, coordinator_or_system, "coordinators"),
        _t("mark_missed", "Mark as missed", set(OPEN_STATUSES), Status.MISSED,
           coordinator_or_system, "coordinators"),
        _t("withdraw", "Mark as withdrawn", set(OPEN_STATUSES) | {Status.MONITORING, Status.DECLINED},
           Status.WITHDRAWN, coordinator_or_system, "coordinators"),
    ]
}

TRIAGE_TARGETS = {
    "respond": Status.TRIAGED,
    "monitor": Status.MONITORING,
    "no_response": Status.DECLINED,
}


def get(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise InvalidTransition(f"There is no action called {name!r}.") from None


def allowed(user: User | None, consultation: Consultation, name: str) -> bool:
    transition = get(name)
    return Status(consultation.status) in transition.sources and transition.who(user, consultation)


def available(user: User | None, consultation: Consultation) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if allowed(user, consultation, t.name)]


def check_who(user: User | None, consultation: Consultation, name: str) -> Transition:
    """Only the "who" half of check(): whether this user may ever make this step here."""
    transition = get(name)
    if not transition.who(user, consultation):
        raise PermissionDenied(f"Only {transition.who_text} can “{transition.label.lower()}” here.")
    return transition


def check(user: User | None, consultation: Consultation, name: str) -> Transition:
    """Raise a clear error unless ``user`` may make this transition now."""
    transition = get(name)
    status = Status(consultation.status)
    if status not in transition.sources:
        sources = ", ".join(sorted(s.label.lower() for s in transition.sources))
        raise InvalidTransition(
            f"“{transition.label}” is not possible while the consultation is "
            f"{status.label.lower()}; it needs to be {sources}."
        )
    if not transition.who(user, consultation):
        raise PermissionDenied(f"Only {transition.who_text} can “{transition.label.lower()}” here.")
    return transition


def apply(
    consultation: Consultation,
    name: str,
    actor: User | None,
    *,
    target: Status | None = None,
    message: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    seen_version: int | None = None,
) -> Status:
    """Check, claim the next version, change the status and write the activity log.

    ``seen_version`` is the version the actor's page showed (None: the system, no page):
    a change made on an older page is refused with what changed since (locking.Stale)
    before anything else is checked. Never commits.
    """
    locking.check_seen(consultation, seen_version)
    transition = check(actor, consultation, name)
    locking.claim(consultation)
    old = Status(consultation.status)
    new = target or transition.target or old
    consultation.status = new.value
    activity.record(
        name,
        actor=actor,
        consultation=consultation,
        message=message or transition.label,
        before={"status": old.value, **(before or {})},
        after={"status": new.value, **(after or {})},
    )
    return new
