from datetime import UTC, date, datetime, time

import pytest

from tracker import timeutil


@pytest.mark.parametrize(
    ("closing", "n", "expected"),
    [
        (date(2026, 12, 31), 5, date(2026, 12, 22)),  # Christmas Day and Boxing Day (observed 28th)
        (date(2027, 1, 4), 1, date(2026, 12, 31)),  # back over New Year's Day and a weekend
        (date(2026, 8, 4), 2, date(2026, 7, 31)),  # weekend only
        (date(2026, 9, 2), 3, date(2026, 8, 27)),  # over the summer bank holiday (31 Aug)
        (date(2026, 4, 7), 1, date(2026, 4, 2)),  # Easter Monday (6 Apr) and Good Friday (3 Apr)
    ],
)
def test_working_days_before_skip_weekends_and_bank_holidays(closing, n, expected):
    assert timeutil.working_days_before(closing, n) == expected


def test_bank_holidays_come_from_the_library():
    assert timeutil.is_bank_holiday(date(2026, 12, 25))
    assert timeutil.is_bank_holiday(date(2026, 12, 28))  # Boxing Day falls on a Saturday
    assert not timeutil.is_working_day(date(2026, 12, 26))
    assert timeutil.is_working_day(date(2026, 12, 29))


def test_default_internal_deadline_uses_the_uk_day_of_closing():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): the UK day counts.
    closes_at = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert timeutil.default_internal_deadline(closes_at, 1) == date(2026, 6, 30)


def test_uk_instant_is_bst_aware():
    assert timeutil.uk_instant(date(2026, 7, 1), time(23, 59)) == datetime(2026, 7, 1, 22, 59, tzinfo=UTC)
    assert timeutil.uk_instant(date(2026, 12, 1), time(23, 59)) == datetime(2026, 12, 1, 23, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (datetime(2026, 11, 24, 23, 59, tzinfo=UTC), "closes in 3 days"),
        (datetime(2026, 11, 22, 10, 0, tzinfo=UTC), "closes tomorrow at 10:00"),
        (datetime(2026, 11, 21, 23, 45, tzinfo=UTC), "closes today at 23:45"),
        (datetime(2026, 11, 21, 9, 0, tzinfo=UTC), "closed today at 09:00"),
        (datetime(2026, 11, 19, 9, 0, tzinfo=UTC), "closed 2 days ago"),
    ],
)
def test_relative_hints(when, expected):
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    assert timeutil.relative_to_now(when, now=now) == expected


def test_working_days_between():
    assert timeutil.working_days_between(date(2026, 12, 22), date(2026, 12, 31)) == 5
    assert timeutil.working_days_between(date(2026, 12, 31), date(2026, 12, 22)) == -5
