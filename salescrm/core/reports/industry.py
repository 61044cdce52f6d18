"""Customers per industry and tier, and the amount won per industry in a period."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from salescrm.core.config import Config
from salescrm.core.dealrows import DealRows, as_rows, in_days, won_deals
from salescrm.core.model import Customer
from salescrm.core.periods import Period
from salescrm.core.reports import NONE, TOTAL, Report, percent, total


def industry(
    customers: Sequence[Customer | DealRows],
    config: Config,
    period: Period,
    as_of: date,
    owner: str | None = None,
) -> Report:
    """Customers: not archived and created by ``as_of``; won: contracts signed in the period.
    With ``owner``: that member's customers, and the deals they own (a won deal is credited
    to the deal's owner, as in every report: docs/reports.md)."""
    everyone_rows = as_rows(customers)
    today = as_of.toordinal()
    counted = [c for c in everyone_rows if not c.archived and c.created <= today and owner in (None, c.owner)]
    tiers = list(config.tiers)
    per_tier: dict[str, Counter[str]] = defaultdict(Counter)
    for c in counted:
        per_tier[c.industry or NONE][c.tier] += 1
    won: dict[str, list[Decimal]] = defaultdict(list)
    for c, deal in won_deals(everyone_rows, in_days(period, as_of)):
        if owner in (None, deal.owner):
            won[c.industry or NONE].append(Decimal(deal.won_amount))
    all_won = total(v for values in won.values() for v in values)
    names = sorted(
        {*per_tier, *won}, key=lambda name: (-total(won[name]), -sum(per_tier[name].values()), name)
    )
    rows = [_row(name, per_tier[name], tiers, len(counted), total(won[name]), all_won) for name in names]
    everyone: Counter[str] = Counter(c.tier for c in counted)
    rows.append(_row(TOTAL, everyone, tiers, len(counted), all_won, all_won))
    columns = ["industry", "customers", *tiers, "customer_share_pct", "won", "won_share_pct"]
    return Report("industry", period.label, columns, rows)


def _row(
    name: str, tiers: Counter[str], tier_names: list[str], customers: int, won: Decimal, all_won: Decimal
) -> dict[str, object]:
    count = sum(tiers.values())
    return {
        "industry": name,
        "customers": count,
        **{tier: tiers[tier] for tier in tier_names},
        "customer_share_pct": percent(count, customers),
        "won": won,
        "won_share_pct": percent(won, all_won),
    }
