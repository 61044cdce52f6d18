"""Activity: follow-ups per member per week or month and per channel; tasks on time or late."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from salescrm.core.activityrows import ActivityRows, as_activity, days_within
from salescrm.core.config import Config
from salescrm.core.errors import Msg, UsageError
from salescrm.core.labels import CHANNELS
from salescrm.core.model import Customer
from salescrm.core.periods import Period, buckets
from salescrm.core.reports import TOTAL, Report

COUNTS = ["followups", *CHANNELS.keys, "tasks_on_time", "tasks_late"]
COLUMNS = ["member", "period", *COUNTS, "overdue_now"]


def activity(
    customers: Iterable[Customer | ActivityRows],
    period: Period,
    as_of: date,
    by: str = "week",
    owner: str | None = None,
    config: Config | None = None,
) -> Report:
    """Per member and week (or month) of ``period``, up to ``as_of``.

    A follow-up counts for who made it, a task for its owner: done on time when it
    was closed on or before its due day. Overdue now = open tasks due before ``as_of``.
    Every sales member of ``config`` (or ``owner``) is listed, idle ones with a total
    row of zeros, so that the manager sees who did nothing. ``customers``: the
    customers or their activity rows (``core/activityrows.py``).
    """
    if by not in ("week", "month"):
        raise UsageError(
            Msg("activity cannot be grouped by {by!r}", by=by), hint=Msg("use --by week | month")
        )
    label_of = _labels(period, as_of, by)
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    overdue: Counter[str] = Counter()
    today = as_of.toordinal()

    def count(member: str, day: int, what: str) -> None:
        label = label_of.get(day)
        if label is not None and owner in (None, member):
            counts[member, label][what] += 1

    first, last = min(label_of, default=0), max(label_of, default=-1)
    for rows in as_activity(customers):
        for member, via, days in rows.followups if days_within(rows.followup_days, first, last) else ():
            for day in days_within(days, first, last):
                count(member, day, "followups")
                count(member, day, via)
        for member, done, due, closed in rows.tasks:
            if done:
                count(member, closed, "tasks_on_time" if closed <= due else "tasks_late")
            elif due < today and owner in (None, member):
                overdue[member] += 1
    members = sorted({m for m, _ in counts} | set(overdue) | _always_listed(config, owner))
    return Report("activity", period.label, COLUMNS, _rows(members, counts, overdue))


def _rows(
    members: list[str], counts: dict[tuple[str, str], Counter[str]], overdue: Counter[str]
) -> list[dict[str, Any]]:
    """Each member's rows, a week (or month) a row, then their total row."""
    rows = []
    for member in members:
        mine = [label for m, label in sorted(counts) if m == member]
        rows += [{"member": member, "period": label, **_counts(counts[member, label])} for label in mine]
        summed = sum((counts[member, label] for label in mine), Counter())
        rows.append({"member": member, "period": TOTAL, **_counts(summed), "overdue_now": overdue[member]})
    return rows


def _labels(period: Period, as_of: date, by: str) -> dict[int, str]:
    """The label of the week (or month) of each day of ``period`` up to ``as_of`` (ordinals)."""
    last = min(period.end, as_of).toordinal()
    label_of: dict[int, str] = {}
    for part in buckets(period, by):
        for day in range(max(part.start, period.start).toordinal(), min(part.end.toordinal(), last) + 1):
            label_of.setdefault(day, part.label)
    return label_of


def _always_listed(config: Config | None, owner: str | None) -> set[str]:
    if owner is not None:
        return {owner}
    return {m.id for m in config.members if m.dept == "sales"} if config else set()


def _counts(counter: Counter[str]) -> dict[str, int]:
    return {name: counter[name] for name in COUNTS}
