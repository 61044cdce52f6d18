"""What the activity report reads of a customer: who made each follow-up, when and how, and
each task's owner and days, instead of the whole record; and its tier changes (the review pack).

Kept in the index as a summary (``store/index.SUMMARIES["activity"]``), so that ``report
activity`` and the review pack count 200,000 follow-ups at 10,000 customers without decoding
a record. Days are ordinals; the rows are tuples (read back from the index as tuples). The
follow-ups are grouped by who and how, their days packed as machine integers in ascending
order: a customer decodes as a few strings and bytes, not 20 tuples, and a report finds the
days of its period by bisection.

Example: activity_from_data(activity_to_data(activity_of(customer))) == activity_of(customer)
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from salescrm.core.model import Customer
from salescrm.core.parse import day_of

DAYS = "I"  # day ordinals as unsigned 32-bit machine integers (the index is per machine)


class ActivityRows(NamedTuple):
    """A customer as the activity report reads it."""

    id: str
    followups: tuple[tuple[str, str, bytes], ...]  # (by, via, days as DAYS, ascending), by (by, via)
    followup_days: bytes  # every follow-up's day as DAYS, ascending: a period without one is skipped at once
    # open and done tasks: (owner, done, due day, closed day: the due day when not recorded)
    tasks: tuple[tuple[str, bool, int, int], ...]
    tier_changes: tuple[tuple[int, str, str, str], ...] = ()  # (day, from, to, reason): the review pack


def activity_of(customer: Customer) -> ActivityRows:
    days: dict[tuple[str, str], list[int]] = defaultdict(list)
    for f in customer.followups:
        days[f.by, f.via].append(day_of(f.at).toordinal())
    followups = tuple(
        (by, via, array(DAYS, sorted(found)).tobytes()) for (by, via), found in sorted(days.items())
    )
    tasks = tuple(
        (t.owner, t.status == "done", day_of(t.due).toordinal(), day_of(t.closed or t.due).toordinal())
        for t in customer.tasks
        if t.status in ("open", "done")
    )
    changes = tuple((x.at.toordinal(), x.from_tier, x.to_tier, x.reason) for x in customer.tier_history)
    every = array(DAYS, sorted(day for found in days.values() for day in found)).tobytes()
    return ActivityRows(customer.id, followups, every, tasks, changes)


def activity_to_data(rows: ActivityRows) -> list[Any]:
    return list(rows)


def activity_from_data(data: Any) -> ActivityRows:
    """The inverse of ``activity_to_data`` (read as tuples: for data it wrote)."""
    return ActivityRows._make(data)


def as_activity(customers: Iterable[Customer | ActivityRows]) -> list[ActivityRows]:
    """Rows for customers (rows stay as they are): the report takes either."""
    return [c if isinstance(c, ActivityRows) else activity_of(c) for c in customers]


def days_within(days: bytes, first: int, last: int) -> Sequence[int]:
    """The days of packed ``days`` from ``first`` to ``last`` (ordinals, inclusive)."""
    found = array(DAYS, days)
    return found[bisect_left(found, first) : bisect_right(found, last)]
