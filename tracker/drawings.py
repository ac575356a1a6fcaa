"""HTML drawn by GOV.UK Frontend's macros, kept by each web process for the parameters it was
drawn with.

The component macros read nothing but their parameters (no request, no globals): the same
parameters give the same HTML. Pages draw the same tags, buttons, navigation and empty form
fields again and again, and drawing them through the macros' nested imports was a large part of
each page's time. A plain string and Markup with the same characters are drawn differently (one is
escaped), so the key tells them apart; parameters with long texts (a typed-in draft) or values of
other kinds are drawn anew and not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

KEPT = 2_048
KEY_LIMIT = 4_000

_lock = threading.Lock()
_drawn: OrderedDict[tuple[str, Any], Markup] = OrderedDict()


class _TooLong(Exception):
    pass


def _key(value: Any, budget: list[int]) -> Any:
    # By exact type first: pages draw a dozen parameters a dozen times each, so this runs often.
    kind = type(value)
    if kind is str:
        budget[0] -= len(value)
        if budget[0] < 0:
            raise _TooLong
        return value
    if kind is dict:
        # In the order written: the same call draws its keys in the same order.
        return ("dict", tuple([(k, _key(v, budget)) for k, v in value.items()]))
    if kind is Markup:
        budget[0] -= len(value)
        return ("markup", str(value))
    if value is None or kind is int or kind is float:
        return value
    if kind is bool:
        return ("bool", value)  # True would otherwise be the key of 1
    if kind is list or kind is tuple:
        return ("list", tuple([_key(v, budget) for v in value]))
    if isinstance(value, Markup):
        return ("markup", _key(str(value), budget))
    if isinstance(value, str):  # a StrEnum's member is drawn as its text
        return _key(str(value), budget)
    raise _TooLong  # a kind of value whose drawing may not follow from its text


def key_of(params: Any) -> Any | None:
    """A hashable key for ``params``, or None when they are not to be kept."""
    try:
        return _key(params, [KEY_LIMIT])
    except _TooLong:
        return None


def draw(name: str, macro: Callable[[Any], Markup], params: Any) -> Markup:
    """``macro(params)``, from what this process kept if it drew the same before."""
    key = key_of(params)
    if key is None:
        return macro(params)
    with _lock:
        hit = _drawn.get((name, key))
        if hit is not None:
            _drawn.move_to_end((name, key))
            return hit
    html = macro(params)
    with _lock:
        _drawn[(name, key)] = html
        if len(_drawn) > KEPT:
            _drawn.popitem(last=False)
    return html


def kept(macro_name: str, macro: Callable[..., Markup]) -> Callable[..., Markup]:
    """``macro`` as a template global that draws from what was kept; a call block (``caller``) or
    other arguments go straight to the macro."""

    def call(*args: Any, **kwargs: Any) -> Markup:
        if len(args) == 1 and not kwargs:
            return draw(macro_name, macro, args[0])
        return macro(*args, **kwargs)

    call.__name__ = macro_name
    return call


def forget() -> None:
    with _lock:
        _drawn.clear()
