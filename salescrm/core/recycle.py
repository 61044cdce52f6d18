"""When an owned customer goes back to the pool: the recycle rules of ``pool:`` per tier.

A customer's clocks start on the later of its last follow-up (or won deal) and the day its
owner took it (created, claimed, transferred): a customer just claimed is never recycled
for what its former owner did not do. The earliest clock that runs out is the one that
counts. ``salescrm pool recycle`` moves those due; ``remind`` warns ``warn_days`` before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from salescrm.core.pool_rules import Clock, PoolRules, recycle_due


class Held(Protocol):
    """What the rules read of a customer: ``core.reminders.Facts`` (which calls this
    module: this one does not import it)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def tier(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def archived(self) -> bool: ...
    @property
    def last_followup(self) -> int | None: ...
    @property
    def taken(self) -> int: ...
    @property
    def last_won(self) -> int | None: ...


@dataclass(frozen=True)
class Recycle:
    """An owned customer and the day the rules send it back to the pool."""

    customer_id: str
    name: str
    tier: str
    owner: str
    due: date
    clock: Clock

    @property
    def reason(self) -> str:
        return self.clock.text()


def recycle_of(f: Held, rules: PoolRules) -> Recycle | None:
    """When the customer (as it stands) is due back in the pool; None: never (in the pool
    already, archived, or a tier whose rule is ``never``). Read from what ``remind`` keeps of
    each customer (``reminders.facts_of``): ``pool recycle`` decodes no customer."""
    if not f.owner or f.archived:
        return None
    day = date.fromordinal
    last = day(f.last_followup) if f.last_followup else None
    found = recycle_due(rules, f.tier, day(f.taken), last, day(f.last_won) if f.last_won else None)
    return Recycle(f.id, f.name, f.tier, f.owner, *found) if found else None


def due_for_recycling(customers: Iterable[Held], rules: PoolRules, day: date) -> list[Recycle]:
    """The customers the rules send back to the pool on ``day`` (due that day or before)."""
    found = (recycle_of(c, rules) for c in customers)
    return sorted(
        (r for r in found if r is not None and r.due <= day), key=lambda r: (r.owner, r.customer_id)
    )


def recycle_warnings(customers: Iterable[Held], rules: PoolRules, day: date) -> list[Recycle]:
    """The customers due back in the pool within ``warn_days`` after ``day`` (not yet due)."""
    found = (recycle_of(c, rules) for c in customers)
    limit = day + timedelta(days=rules.warn_days)
    return sorted(
        (r for r in found if r is not None and day < r.due <= limit), key=lambda r: (r.due, r.customer_id)
    )
