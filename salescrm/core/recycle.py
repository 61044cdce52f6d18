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
from typing import NamedTuple

from salescrm.core.model import Customer
from salescrm.core.parse import day_of
from salescrm.core.pool import POOL, owner_changes
from salescrm.core.pool_rules import PoolRules


class Clock(NamedTuple):
    """The recycle clock that runs out first: ``followup`` or ``won``, its days, and the
    last follow-up or won deal it counted from (None: none yet)."""

    kind: str
    days: int
    last: date | None

    def text(self, lang: str = "en") -> str:
        if lang == "zh":
            what = "未跟进" if self.kind == "followup" else "未成交"
            return f"{self.days}天{what}(最近 {self.last or '无'})"
        what = "follow-up" if self.kind == "followup" else "won deal"
        return f"no {what} for {self.days} days (last {self.last or 'none'})"


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


def taken_on(customer: Customer) -> date:
    """The day the customer's owner took it: its last change of owner, else its creation."""
    changes = [day_of(c.at) for c in owner_changes(customer) if c.new == customer.owner]
    return changes[-1] if changes else customer.created


def last_won(customer: Customer) -> date | None:
    """The day the customer's latest deal was won."""
    return max(
        (m.at for o in customer.opportunities for m in o.stage_history if m.stage == "won"), default=None
    )


def recycle_of(customer: Customer, rules: PoolRules) -> Recycle | None:
    """When ``customer`` (as it stands) is due back in the pool; None: never (in the pool
    already, archived, or a tier whose rule is ``never``)."""
    if customer.owner == POOL or customer.archived:
        return None
    last = max((day_of(f.at) for f in customer.followups), default=None)
    found = recycle_due(rules, customer.tier, taken_on(customer), last, last_won(customer))
    if found is None:
        return None
    return Recycle(customer.id, customer.name, customer.tier, customer.owner, *found)


def recycle_due(rules: PoolRules, tier: str, taken: date, last_followup: date | None,
                won: date | None) -> tuple[date, Clock] | None:  # fmt: skip
    """(the day, why) a customer of ``tier`` taken on ``taken`` is due back in the pool:
    the earliest of its clocks (also what ``remind`` warns of, from its cached facts)."""
    rule = rules.rule(tier)
    clocks: list[tuple[date, Clock]] = []
    for kind, days, last in (
        ("followup", rule.no_followup_days, last_followup),
        ("won", rule.no_won_days, won),
    ):
        if days is not None:
            start = max(last, taken) if last else taken
            clocks.append((start + timedelta(days=days), Clock(kind, days, last)))
    return min(clocks, key=lambda clock: clock[0]) if clocks else None


def due_for_recycling(customers: Iterable[Customer], rules: PoolRules, day: date) -> list[Recycle]:
    """The customers the rules send back to the pool on ``day`` (due that day or before)."""
    found = (recycle_of(c, rules) for c in customers)
    return sorted(
        (r for r in found if r is not None and r.due <= day), key=lambda r: (r.owner, r.customer_id)
    )


def recycle_warnings(customers: Iterable[Customer], rules: PoolRules, day: date) -> list[Recycle]:
    """The customers due back in the pool within ``warn_days`` after ``day`` (not yet due)."""
    found = (recycle_of(c, rules) for c in customers)
    limit = day + timedelta(days=rules.warn_days)
    return sorted(
        (r for r in found if r is not None and day < r.due <= limit), key=lambda r: (r.due, r.customer_id)
    )
