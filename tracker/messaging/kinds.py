"""What a kind of message needs from the feature that plans it, just before it goes.

Messaging imports no feature. A feature registers, for the kinds of message it plans, whether a
planned message is still worth sending (the data may have changed since it was planned), how to
write it when the standard email will not do, and what to do once one has gone. Kinds nobody
registered (the workflow messages of notify()) go as written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from tracker.models.messages import Message

# (consultation id, recipient id, kind, the date it is about): one planned point.
Point = tuple[int | None, int, str, date | None]
# (subject, plain text, HTML)
Written = tuple[str, str, str]


@dataclass(frozen=True)
class Ready:
    """Why not to send ("" to send), and the email's own writing if the standard one won't do."""

    reason: str = ""
    write: Callable[[], Written] | None = None


@dataclass(frozen=True)
class KindRules:
    prepare: Callable[[Message, datetime], Ready]
    # Called, flushing but not committing, with the points of the kind just sent.
    after_sent: Callable[[list[Point], datetime], None] | None = None


_BY_KIND: dict[str, KindRules] = {}
_BY_PREFIX: dict[str, KindRules] = {}


def register(rules: KindRules, *, kinds: Iterable[str] = (), prefix: str | None = None) -> None:
    """Idempotent: a module imported again (a second app in one process) registers the same rules."""
    for kind in kinds:
        _BY_KIND[str(kind)] = rules
    if prefix:
        _BY_PREFIX[prefix] = rules


def rules_for(kind: str) -> KindRules | None:
    found = _BY_KIND.get(kind)
    if found is not None:
        return found
    return next((rules for prefix, rules in _BY_PREFIX.items() if kind.startswith(prefix)), None)


def prepare(message: Message, now: datetime) -> Ready:
    rules = rules_for(message.kind)
    return rules.prepare(message, now) if rules is not None else Ready()


def after_sent(points: list[Point], now: datetime) -> None:
    """Hand each kind's sent points to the rules that planned them."""
    by_rules: dict[int, tuple[KindRules, list[Point]]] = {}
    for point in points:
        rules = rules_for(point[2])
        if rules is not None and rules.after_sent is not None:
            by_rules.setdefault(id(rules), (rules, []))[1].append(point)
    for rules, group in by_rules.values():
        assert rules.after_sent is not None
        rules.after_sent(group, now)
