"""The date range a report covers, and its calendar quarters, in UK time.

Quarters are calendar quarters (Q1 is January to March): the network's documents report by
calendar year, and a council's financial year (April to March) would be the same four blocks
named one quarter later. A range runs from the first moment of its first UK day to the first
moment after its last one (UK midnight, BST-aware), so a consultation received at 00:30 BST on
1 April (23:30 UTC on 31 March) falls in Q2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tracker.timeutil import uk_instant, uk_today

# A range of at most ten years: the quarters are a CASE of that many boundaries in SQL.
MAX_YEARS = 10
EARLIEST = date(2000, 1, 1)
LAST_12_MONTHS = "last-12-months"
CUSTOM = "custom"
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
# How many recent quarters the period menu offers (any other is accepted from the address).
RECENT_QUARTERS = 8


def uk_midnight(day: date) -> datetime:
    return uk_instant(day, time(0, 0))


class UKDays:
    """UK calendar days from ``first_day`` to ``last_day`` inclusive, as the instants a query
    compares with: from the first moment of the first day to the first moment after the last."""

    first_day: date
    last_day: date

    @property
    def starts_at(self) -> datetime:
        return uk_midnight(self.first_day)

    @property
    def ends_before(self) -> datetime:
        return uk_midnight(self.last_day + timedelta(days=1))


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        match = QUARTER_RE.match(text)
        if not match:
            return None
        quarter = cls(int(match.group(1)), int(match.group(2)))
        return quarter if EARLIEST <= quarter.first_day and quarter.year <= 2100 else None


@dataclass(frozen=True)
class QuarterSlice(UKDays):
    """A quarter as far as it lies inside a report's range."""

    quarter: Quarter
    first_day: date
    last_day: date

    @property
    def key(self) -> str:
        return self.quarter.key

    @property
    def label(self) -> str:
        whole = self.first_day == self.quarter.first_day and self.last_day == self.quarter.last_day
        return self.quarter.label if whole else f"{self.quarter.label} (part)"


@dataclass(frozen=True)
class Period(UKDays):
    """The days a report covers, and their name."""

    first_day: date
    last_day: date
    label: str

    @property
    def heading(self) -> str:
        """"2026 Q2: 1 April 2026 to 30 June 2026", or only the dates when they are its name."""
        dates = f"{self.first_day:%-d %B %Y} to {self.last_day:%-d %B %Y}"
        return dates if self.label == dates else f"{self.label}: {dates}"

    def quarters(self) -> list[QuarterSlice]:
        slices: list[QuarterSlice] = []
        quarter = Quarter.of(self.first_day)
        while quarter.first_day <= self.last_day:
            slices.append(QuarterSlice(quarter, max(quarter.first_day, self.first_day),
                                       min(quarter.last_day, self.last_day)))
            quarter = quarter.next()
        return slices


def last_12_months(today: date | None = None) -> Period:
    today = today or uk_today()
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return Period(year_ago + timedelta(days=1), today, "The last 12 months")


def quarter_period(quarter: Quarter) -> Period:
    return Period(quarter.first_day, quarter.last_day, quarter.label)


def custom_period(first_day: date, last_day: date) -> Period:
    return Period(first_day, last_day, f"{first_day:%-d %B %Y} to {last_day:%-d %B %Y}")


def recent_quarters(today: date | None = None) -> list[Quarter]:
    quarter = Quarter.of(today or uk_today())
    recent = [quarter]
    for _ in range(RECENT_QUARTERS - 1):
        recent.append(recent[-1].previous())
    return recent


def range_problem(first_day: date, last_day: date) -> tuple[str, str] | None:
    """(field, message) when a custom range cannot be reported on, else None."""
    if first_day < EARLIEST:
        return "start", f"The start date must be on or after {EARLIEST:%-d %B %Y}"
    if last_day < first_day:
        return "end", "The end date must be the same as or after the start date"
    if last_day.year > 2100:
        return "end", "The end date must be before 2101"
    if (last_day - first_day).days > MAX_YEARS * 366:
        return "end", f"Choose a range of at most {MAX_YEARS} years"
    return None
