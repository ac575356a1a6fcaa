"""The activity log in words, for the pages that show it (a consultation's history, the admin
activity): each changed field by its name, and its before and after as people read them (names
for ids, status and option labels, UK dates and times) rather than as the log stores them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActivityLog, City, Decision, IssuerType, Role, Status, User, WorkArea
from tracker.models.drafts import ResponseMode, SubmissionMethod, TakenUp
from tracker.models.intake import ItemState
from tracker.models.policy import AskTakenUp, PolicyAsk
from tracker.timeutil import parse_iso, to_uk

NONE = "–"

FIELD_NAMES = {
    "status": "Status",
    "decision": "Decision",
    "decision_reason": "Reason",
    "work_area_id": "Work area",
    "work_area": "Work area",
    "lead_city_id": "Lead city",
    "lead_city": "Lead city",
    "city_id": "City",
    "policy_lead_id": "Policy lead",
    "user_id": "Person",
    "internal_deadline": "Internal deadline",
    "closes_at": "Closes",
    "opened_at": "Opened",
    "issuing_organisation": "Organisation",
    "issuer_type": "Issuer type",
    "url": "Link",
    "mode": "Response format",
    "method": "Sent by",
    "submitted_at": "Submitted",
    "published_on": "Published",
    "taken_up": "Asks taken up",
    "is_enabled": "Account active",
    "is_member": "Member",
    "job_title": "Job title",
    "state": "State",
    "entra_tenant_id": "Microsoft tenant",
    "google_domain": "Google domain",
}
# Ids that mean nothing to a reader and are said by the entry's message already (as are the address
# and count of throttled sign-ins).
HIDDEN = frozenset({"comment_id", "govuk_content_id", "committee_business_id", "feed_entry", "throttled_address",
                    "throttled_attempts"})

_LABELS: dict[str, Callable[[str], str]] = {
    "status": lambda v: Status(v).label,
    "decision": lambda v: Decision(v).label,
    "role": lambda v: Role(v).label,
    "mode": lambda v: ResponseMode(v).label,
    "method": lambda v: SubmissionMethod(v).label,
    "taken_up": lambda v: TakenUp(v).label,
    "state": lambda v: ItemState(v).label,
    "issuer_type": lambda v: IssuerType(v).label,
}
# Which table names the ids under each key.
_NAMED_BY: dict[str, tuple[Any, Any]] = {
    "lead_city_id": (City, City.name),
    "city_id": (City, City.name),
    "work_area_id": (WorkArea, WorkArea.name),
    "policy_lead_id": (User, User.name),
    "user_id": (User, User.name),
    "asks": (PolicyAsk, PolicyAsk.title),
}
# The take-up of a response's asks is logged per ask, keyed by the ask's id.
TAKE_UP_ACTION = "ask_take_up"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str
    had_before: bool  # a change, rather than a first value


@dataclass(frozen=True)
class Entry:
    entry: ActivityLog
    changes: list[Change]


def in_words(entries: Sequence[ActivityLog]) -> list[Entry]:
    """The entries with their changes in words; the names of every id they mention are read in
    one query per table (three at most), whatever the number of entries."""
    names = _names(entries)
    return [Entry(entry, _changes(entry, names)) for entry in entries]


def _changes(entry: ActivityLog, names: dict[Any, dict[int, str]]) -> list[Change]:
    """Keys of `after` first, then those only in `before`."""
    before, after = entry.before or {}, entry.after or {}
    keys = [*after.keys(), *(key for key in before if key not in after)]
    if entry.action == TAKE_UP_ACTION:
        return [_take_up(key, before.get(key), after.get(key), key in before, names) for key in keys]
    return [
        Change(field_name(key), shown(key, before.get(key), names), shown(key, after.get(key), names),
               key in before)
        for key in keys if key not in HIDDEN
    ]


def _take_up(key: str, before: Any, after: Any, had_before: bool, names: dict[Any, dict[int, str]]) -> Change:
    def said(value: Any) -> str:
        try:
            return AskTakenUp(str(value)).label if value else "Not recorded"
        except ValueError:
            return str(value)

    title = names.get(PolicyAsk, {}).get(int(key), "An ask since removed") if key.isdigit() else field_name(key)
    return Change(title, said(before), said(after), had_before)


def field_name(key: str) -> str:
    return FIELD_NAMES.get(key) or key.removesuffix("_id").replace("_", " ").capitalize()


def shown(key: str, value: Any, names: dict[Any, dict[int, str]]) -> str:
    if value is None or value == "":
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(shown(key, each, names) for each in value) or NONE
    if key in _NAMED_BY and isinstance(value, int):
        model = _NAMED_BY[key][0]
        return names.get(model, {}).get(value, f"number {value} (since removed)")
    if key in _LABELS:
        try:
            return _LABELS[key](str(value))
        except ValueError:
            return str(value)
    if isinstance(value, str):
        return _date_or_instant(value)
    return str(value)


def _date_or_instant(value: str) -> str:
    """ISO text the log stored for a date or an instant, as a UK date or UK time; other text
    unchanged."""
    if len(value) == 10:
        try:
            return date.fromisoformat(value).strftime("%-d %b %Y")
        except ValueError:
            return value
    parsed = parse_iso(value)
    if parsed is None or parsed.tzinfo is None:
        return value
    return to_uk(parsed).strftime("%-d %b %Y, %H:%M")


def _names(entries: Sequence[ActivityLog]) -> dict[Any, dict[int, str]]:
    wanted: dict[Any, set[int]] = {}
    for entry in entries:
        for values in (entry.before or {}, entry.after or {}):
            for key, value in values.items():
                if entry.action == TAKE_UP_ACTION and key.isdigit():
                    wanted.setdefault(PolicyAsk, set()).add(int(key))
                for each in value if isinstance(value, list) else [value]:
                    if key in _NAMED_BY and isinstance(each, int) and not isinstance(each, bool):
                        wanted.setdefault(_NAMED_BY[key][0], set()).add(each)
    names: dict[Any, dict[int, str]] = {}
    for model, ids in wanted.items():
        label = next(label for m, label in [*_NAMED_BY.values(), (PolicyAsk, PolicyAsk.title)] if m is model)
        names[model] = {row[0]: row[1] for row in db.session.execute(select(model.id, label).where(model.id.in_(ids)))}
    return names
