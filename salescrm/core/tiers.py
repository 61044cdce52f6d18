"""Customer tiers: tier from the trailing-12-month won amount, and the quarterly review.

The thresholds come from the config (default VIP ≥ 500,000; A ≥ 100,000;
B ≥ 10,000; C below), each inclusive at its lower end.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from salescrm.core.causes import Cause
from salescrm.core.config import Config
from salescrm.core.periods import quarter_of, window_start

if TYPE_CHECKING:  # remind asks only whether the review is due, which reads no deal
    from salescrm.core.dealrows import DealRows
    from salescrm.core.model import Customer

REVIEW_MONTHS = 12


def tier_for_amount(amount: Decimal, config: Config) -> str:
    """The highest tier whose threshold ``amount`` reaches."""
    ranked = sorted(config.tiers.values(), key=lambda rule: rule.threshold, reverse=True)
    for rule in ranked:
        if amount >= rule.threshold:
            return rule.name
    return ranked[-1].name


def trailing_won(customer: Customer | DealRows, as_of: date) -> Decimal:
    """Won amount over the 12 months up to ``as_of`` (by contract signed date)."""
    from salescrm.core.dealrows import as_rows, won_deals

    rows = as_rows([customer])
    return sum((Decimal(deal.won_amount) for _, deal in won_deals(rows, _review_days(as_of))), Decimal(0))


@functools.lru_cache(maxsize=4)
def _review_days(as_of: date) -> range:
    """The days (ordinals) of the 12 months up to ``as_of``: the same for every customer of a review."""
    return range(window_start(as_of, REVIEW_MONTHS, "m").toordinal() + 1, as_of.toordinal() + 1)


@dataclass(frozen=True)
class TierReview:
    """One customer whose tier the review would change (or would, were it not pinned)."""

    customer: Customer | DealRows  # what it was computed from: both have id, name, owner
    from_tier: str
    to_tier: str
    amount: Decimal
    pinned: bool

    @property
    def reason(self) -> Cause:
        return Cause("review", {"won": self.amount})


def review_tiers(customers: Iterable[Customer | DealRows], as_of: date, config: Config) -> list[TierReview]:
    """Every tier change due on ``as_of``; pinned customers are listed but marked.

    Customers that never won a deal keep their tier: their potential, not their
    spend, set it. Archived customers are left alone.
    """
    from salescrm.core.dealrows import as_rows

    changes = []
    today = as_of.toordinal()
    for customer in sorted(customers, key=lambda c: c.id):
        rows = as_rows([customer])[0]
        if rows.archived or not any(deal.won is not None and deal.won <= today for deal in rows.deals):
            continue
        amount = trailing_won(rows, as_of)
        tier = tier_for_amount(amount, config)
        if tier != rows.tier:
            changes.append(TierReview(customer, rows.tier, tier, amount, rows.tier_pinned))
    return changes


def apply_review(customer: Customer, change: TierReview, as_of: date) -> None:
    """Write the new tier and its history entry onto ``customer``."""
    from salescrm.core.model import TierChange

    customer.tier_history.append(TierChange(as_of, change.from_tier, change.to_tier, change.reason))
    customer.tier = change.to_tier


def tier_review_due(as_of: date, customers: Iterable[Customer], config: Config) -> bool:
    """True in the last ``tier_review_days`` days of a quarter until a review was applied in it.

    A review counts as applied when ``last_tier_review`` in the config, or any tier
    history entry written by a review, falls inside the quarter.
    """
    quarter = quarter_of(as_of)
    if as_of <= quarter.end - timedelta(days=config.tier_review_days):
        return False
    if config.last_tier_review is not None and config.last_tier_review in quarter:
        return False
    return not any(
        change.at in quarter and _by_review(change.reason)
        for customer in customers
        for change in customer.tier_history
    )


def _by_review(reason: str) -> bool:
    """Whether a tier change was the review's (its cause, or the English words older files hold)."""
    if isinstance(reason, Cause):
        return reason.kind == "review"
    return reason.startswith("trailing-12-month won")
