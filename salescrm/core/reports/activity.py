"""Activity: follow-ups per member per week or month and per channel; tasks on time or late."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from salescrm.core.config import Config
from salescrm.core.errors import Msg, UsageError
from salescrm.core.labels import CHANNELS
from salescrm.core.model import Customer
from salescrm.core.parse import day_of
from salescrm.core.periods import Period, buckets
from salescrm.core.reports import TOTAL, Report

COUNTS = ["followups", *CHANNELS.keys, "tasks_on_time", "tasks_late"]
COLUMNS = ["member", "period", *COUNTS, "overdue_now"]


def activity(
    customers: list[Customer],
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
    row of zeros, so that the manager sees who did nothing.
    """
    if by not in ("week", "month"):
        raise UsageError(
            Msg("activity cannot be grouped by {by!r}", by=by), hint=Msg("use --by week | month")
        )
    parts = buckets(period, by)
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    overdue: Counter[str] = Counter()

    def count(member: str, day: date, what: str) -> None:
        if day in period and day <= as_of and owner in (None, member):
            label = next(p.label for p in parts if day in p)
            counts[member, label][what] += 1

    for customer in customers:
        for followup in customer.followups:
            count(followup.by, day_of(followup.at), "followups")
            count(followup.by, day_of(followup.at), followup.via)
        for task in customer.tasks:
            if task.status == "done":
                closed = day_of(task.closed or task.due)
                count(task.owner, closed, "tasks_on_time" if closed <= day_of(task.due) else "tasks_late")
            elif task.status == "open" and day_of(task.due) < as_of and owner in (None, task.owner):
                overdue[task.owner] += 1
    members = sorted({m for m, _ in counts} | set(overdue) | _always_listed(config, owner))
    rows = []
    for member in members:
        mine = [label for m, label in sorted(counts) if m == member]
        rows += [{"member": member, "period": label, **_counts(counts[member, label])} for label in mine]
        summed = sum((counts[member, label] for label in mine), Counter())
        rows.append({"member": member, "period": TOTAL, **_counts(summed), "overdue_now": overdue[member]})
    return Report("activity", period.label, COLUMNS, rows)


def _always_listed(config: Config | None, owner: str | None) -> set[str]:
    if owner is not None:
        return {owner}
    return {m.id for m in config.members if m.dept == "sales"} if config else set()


def _counts(counter: Counter[str]) -> dict[str, int]:
    return {name: counter[name] for name in COUNTS}
