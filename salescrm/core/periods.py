"""Report periods: a year ``2026``, a quarter ``2026Q3``, a month ``2026-09``, an ISO week ``2026-W48``.

A period is a closed range of days. Reports and targets use the same parser so
that ``--period`` means the same thing everywhere.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from salescrm.core.errors import Msg, UsageError

PERIOD_HINT = Msg("write a year 2026, a quarter 2026Q3, a month 2026-09 or an ISO week 2026-W48")


@dataclass(frozen=True)
class Period:
    """A year, quarter, month or week, with its first and last day."""

    kind: str  # year | quarter | month | week
    label: str
    start: date
    end: date  # the last day, inclusive

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def year_period(year: int) -> Period:
    return Period("year", str(year), date(year, 1, 1), date(year, 12, 31))


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * quarter - 2
    last = 3 * quarter
    return Period("quarter", f"{year}Q{quarter}", date(year, first, 1), _month_end(year, last))


def month_period(year: int, month: int) -> Period:
    return Period("month", f"{year}-{month:02d}", date(year, month, 1), _month_end(year, month))


def week_period(year: int, week: int) -> Period:
    start = date.fromisocalendar(year, week, 1)
    return Period("week", f"{year}-W{week:02d}", start, start + timedelta(days=6))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q(\d+)$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_period(text: str) -> Period:
    """The period ``text`` names, or a UsageError that says what was wrong.

    Example: parse_period("2026Q3") → Period("quarter", "2026Q3", 2026-07-01, 2026-09-30)
    """
    value = unicodedata.normalize("NFKC", text or "").strip()
    if match := _YEAR.match(value):
        return year_period(_year(match.group(1), text))
    if match := _QUARTER.match(value):
        quarter = int(match.group(2))
        if not 1 <= quarter <= 4:
            raise UsageError(
                Msg("bad period {text!r}: a year has quarters Q1 to Q4", text=text), hint=PERIOD_HINT
            )
        return quarter_period(_year(match.group(1), text), quarter)
    if match := _MONTH.match(value):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise UsageError(Msg("bad period {text!r}: months are 01 to 12", text=text), hint=PERIOD_HINT)
        return month_period(_year(match.group(1), text), month)
    if match := _WEEK.match(value):
        year, week = _year(match.group(1), text), int(match.group(2))
        weeks = date(year, 12, 28).isocalendar().week  # 28 December is always in the last week
        if not 1 <= week <= weeks:
            raise UsageError(
                Msg(
                    "bad period {text!r}: {year} has ISO weeks W01 to W{weeks}",
                    text=text,
                    year=year,
                    weeks=weeks,
                ),
                hint=PERIOD_HINT,
            )
        return week_period(year, week)
    raise UsageError(Msg("bad period {text!r}", text=text), hint=PERIOD_HINT)


def _year(digits: str, text: str) -> int:
    year = int(digits)
    if not 1900 <= year <= 2999:
        raise UsageError(
            Msg("bad period {text!r}: year {year} is out of range", text=text, year=year), hint=PERIOD_HINT
        )
    return year


def quarter_of(day: date) -> Period:
    return quarter_period(day.year, (day.month - 1) // 3 + 1)


def month_of(day: date) -> Period:
    return month_period(day.year, day.month)


def week_of(day: date) -> Period:
    iso = day.isocalendar()
    return week_period(iso.year, iso.week)


def months_in(period: Period) -> list[Period]:
    """The months that overlap ``period`` (one or two for a week)."""
    months = []
    year, month = period.start.year, period.start.month
    while date(year, month, 1) <= period.end:
        months.append(month_period(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def buckets(period: Period, by: str) -> list[Period]:
    """``period`` cut into weeks or months, for the activity report."""
    if by == "month":
        return months_in(period)
    weeks = []
    week = week_of(period.start)
    while week.start <= period.end:
        weeks.append(week)
        week = week_of(week.end + timedelta(days=1))
    return weeks


def window_start(as_of: date, amount: int, unit: str) -> date:
    """The day before a trailing window of ``amount`` units that ends on ``as_of``.

    A day counts as inside when ``window_start < day <= as_of``: 12 months up to
    2026-11-27 are the days after 2025-11-27.
    """
    from dateutil.relativedelta import relativedelta  # imported by the few commands with windows

    steps: dict[str, timedelta | relativedelta] = {"d": timedelta(days=amount), "w": timedelta(weeks=amount),
             "m": relativedelta(months=amount), "y": relativedelta(years=amount)}  # fmt: skip
    if unit not in steps:
        raise UsageError(
            Msg("unknown duration unit {unit!r}", unit=unit),
            hint=Msg("use d, w, m or y, e.g. 30d, 2w, 3m, 1y"),
        )
    try:
        return as_of - steps[unit]
    except (OverflowError, ValueError):  # 9999y: everything since the calendar began
        return date.min
