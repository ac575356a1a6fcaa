"""Instants are stored in UTC and shown in UK time; working days skip UK bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_uk(value: datetime) -> datetime:
    return value.astimezone(UK)


def uk_today(now: datetime | None = None) -> date:
    return to_uk(now or utcnow()).date()


def uk_instant(day: date, at: time) -> datetime:
    """The UTC instant of a UK wall-clock time on a day (BST-aware)."""
    return datetime.combine(day, at, tzinfo=UK).astimezone(UTC)


def parse_iso(text: str | None) -> datetime | None:
    """ISO text as a datetime (naive if the text has no offset), or None when it is not one."""
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def end_of_uk_day(day: date) -> datetime:
    return uk_instant(day, time(23, 59))


# England and Wales share their bank holidays, and every member is in one of the two. The
# calendar fills in each year as it is first asked about (holidays' own working-day arithmetic).
_CALENDAR = holidays.country_holidays("GB", subdiv="ENG")


def is_bank_holiday(day: date) -> bool:
    return day in _CALENDAR


def is_working_day(day: date) -> bool:
    return bool(_CALENDAR.is_working_day(day))


def add_working_days(day: date, n: int) -> date:
    """Move n working days forward (n > 0) or back (n < 0) from day."""
    return day if n == 0 else _CALENDAR.get_nth_working_day(day, n)


def working_days_before(day: date, n: int) -> date:
    return add_working_days(day, -n)


def working_days_between(start: date, end: date) -> int:
    """Working days after start up to and including end (negative if end is earlier)."""
    if end == start:
        return 0
    lo, hi = sorted((start, end))
    # holidays counts both ends; the start day itself is not "between".
    count = _CALENDAR.get_working_days_count(lo, hi) - (1 if is_working_day(lo) else 0)
    return count if end > start else -count


def default_internal_deadline(closes_at: datetime, working_days: int) -> date:
    """N working days before the UK calendar day on which the consultation closes."""
    return working_days_before(to_uk(closes_at).date(), working_days)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def relative_to_now(when: datetime, now: datetime | None = None, verb: str = "closes") -> str:
    """'closes in 3 days', 'closes today at 23:59', 'closed 2 days ago' (UK calendar days)."""
    now = now or utcnow()
    past = {"closes": "closed", "due": "was due", "opens": "opened"}.get(verb, verb)
    days = (to_uk(when).date() - to_uk(now).date()).days
    clock = to_uk(when).strftime("%H:%M")
    if when < now:
        if days == 0:
            return f"{past} today at {clock}"
        if days == -1:
            return f"{past} yesterday"
        return f"{past} {_plural(-days, 'day')} ago"
    if days == 0:
        return f"{verb} today at {clock}"
    if days == 1:
        return f"{verb} tomorrow at {clock}"
    return f"{verb} in {_plural(days, 'day')}"


def relative_day(day: date, today: date | None = None, verb: str = "due") -> str:
    today = today or uk_today()
    days = (day - today).days
    if days == 0:
        return f"{verb} today"
    if days == 1:
        return f"{verb} tomorrow"
    if days > 1:
        return f"{verb} in {_plural(days, 'day')}"
    past = {"due": "was due"}.get(verb, verb)
    if days == -1:
        return f"{past} yesterday"
    return f"{past} {_plural(-days, 'day')} ago"


def format_uk(value: datetime | None, fmt: str = "%-d %B %Y at %H:%M") -> str:
    if value is None:
        return ""
    return to_uk(value).strftime(fmt)


def format_date(value: date | None, fmt: str = "%-d %B %Y") -> str:
    if value is None:
        return ""
    return value.strftime(fmt)
