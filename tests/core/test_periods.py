"""Report periods: year, quarter, month, ISO week; bad ones are refused with a clear message."""

from __future__ import annotations

from datetime import date

import pytest

from salescrm.core.errors import UsageError
from salescrm.core.periods import buckets, parse_period, window_start


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026", "year", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026q1", "quarter", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-09", "month", date(2026, 9, 1), date(2026, 9, 30)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-W48", "week", date(2026, 11, 23), date(2026, 11, 29)),
        ("2026-W53", "week", date(2026, 12, 28), date(2027, 1, 3)),
    ],
)
def test_periods_name_their_days(text: str, kind: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026Q5", "bad period '2026Q5': a year has quarters Q1 to Q4"),
        ("2026-13", "bad period '2026-13': months are 01 to 12"),
        ("2026-W54", "bad period '2026-W54': 2026 has ISO weeks W01 to W53"),
        ("2025-W53", "bad period '2025-W53': 2025 has ISO weeks W01 to W52"),
        ("next year", "bad period 'next year'"),
    ],
)
def test_bad_periods_are_refused(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_period(text)
    assert caught.value.message == message
    assert "2026Q3" in (caught.value.hint or "")


def test_a_month_cuts_into_the_iso_weeks_that_touch_it() -> None:
    labels = [week.label for week in buckets(parse_period("2026-11"), "week")]
    assert labels == ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    assert [m.label for m in buckets(parse_period("2026Q4"), "month")] == ["2026-10", "2026-11", "2026-12"]


def test_trailing_windows_end_on_the_day() -> None:
    assert window_start(date(2026, 11, 27), 12, "m") == date(2025, 11, 27)
    assert window_start(date(2026, 5, 31), 3, "m") == date(2026, 2, 28)
    assert window_start(date(2026, 11, 27), 2, "w") == date(2026, 11, 13)


def test_a_window_longer_than_the_calendar_reaches_its_start() -> None:
    assert window_start(date(2026, 11, 27), 9999, "y") == date.min
