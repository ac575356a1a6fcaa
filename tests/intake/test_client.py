"""The HTTP client's politeness: rate limit, Retry-After, parsing of outside data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tracker.intake.govuk import BadData, _retry_after, parse_instant, plain_text
from tracker.outbound import RateLimiter


def test_rate_limiter_spaces_calls():
    waits: list[float] = []
    limiter = RateLimiter(4.0, sleep=waits.append)
    for _ in range(3):
        limiter.wait()
    # The recording sleep does not pass time, so each call queues a quarter second later.
    assert waits == pytest.approx([0.25, 0.5], abs=0.02)


def test_retry_after_in_seconds_or_as_a_date():
    assert _retry_after("7") == 7.0
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= _retry_after(when) <= 30
    assert _retry_after("whenever") is None
    assert _retry_after(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2027-01-29T23:59:00.000+00:00", datetime(2027, 1, 29, 23, 59, tzinfo=UTC)),
        ("2027-06-30T23:59:00+01:00", datetime(2027, 6, 30, 22, 59, tzinfo=UTC)),
        ("2027-06-30", datetime(2027, 6, 30, 22, 59, tzinfo=UTC)),  # bare date: 23:59 UK time (BST)
        ("2027-01-15T12:00:00Z", datetime(2027, 1, 15, 12, 0, tzinfo=UTC)),
        (None, None),
    ],
)
def test_dates_from_govuk(raw, expected):
    assert parse_instant(raw, "closing date") == expected


@pytest.mark.parametrize("raw", ["31/02/2027", "soon", "2027-13-01", 20270101, "9999-01-01T00:00:00+00:00"])
def test_malformed_dates_are_refused(raw):
    with pytest.raises(BadData):
        parse_instant(raw, "closing date")


def test_html_is_stripped_from_text():
    assert plain_text("<p>Fares &amp; <a href='javascript:x'>ticketing</a><script>bad()</script></p>") == (
        "Fares & ticketing"
    )
