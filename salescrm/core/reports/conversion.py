"""Conversion: how far the deals opened in a period got, and how long each stage took."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from salescrm.core.dealrows import Deal, DealRows, as_rows, in_days
from salescrm.core.deals import FUNNEL
from salescrm.core.model import Customer
from salescrm.core.periods import Period
from salescrm.core.reports import Report, percent

COLUMNS = ["stage", "reached", "pct_of_previous", "pct_of_created", "median_days"]


def conversion(
    customers: Sequence[Customer | DealRows], period: Period, as_of: date, owner: str | None = None
) -> Report:
    """Deals opened in the period (up to ``as_of``): stage by stage, as they stand on ``as_of``.

    lead→won % = won ÷ opened; win rate = won ÷ (won + lost).
    """
    rows = as_rows(customers)
    days, today = in_days(period, as_of), as_of.toordinal()
    cohort = [d for c in rows for d in c.deals if d.opened in days and owner in (None, d.owner)]
    furthest = [deal.furthest_on(today) for deal in cohort]
    counts = {stage: sum(1 for f in furthest if f >= i) for i, stage in enumerate(FUNNEL)}
    spent = _days_in_stages(cohort, today)
    lines = []
    previous = len(cohort)
    for stage in FUNNEL:
        lines.append(
            {
                "stage": stage,
                "reached": counts[stage],
                "pct_of_previous": percent(counts[stage], previous),
                "pct_of_created": percent(counts[stage], len(cohort)),
                "median_days": _median(spent.get(stage, [])),
            }
        )
        previous = counts[stage]
    final = [deal.stage_on(today) for deal in cohort]
    won, lost = final.count("won"), final.count("lost")
    newcomers = [c for c in rows if c.created in days and owner in (None, c.owner)]
    summary = {
        "opened": len(cohort),
        "won": won,
        "lost": lost,
        "open": len(cohort) - won - lost,
        "lead_to_won_pct": percent(won, len(cohort)),
        "win_rate_pct": percent(won, won + lost),
        "new_customers": len(newcomers),
        "new_customers_won": sum(1 for c in newcomers if _won_by(c, today)),
    }
    return Report("conversion", period.label, COLUMNS, lines, summary)


def _days_in_stages(deals: list[Deal], today: int) -> dict[str, list[int]]:
    """Days each deal spent in each stage it has left by ``today``."""
    spent: dict[str, list[int]] = defaultdict(list)
    for deal in deals:
        flat = deal.moves  # stage, day, stage, day … by day
        if deal.settled > today:  # it moves after today: only the moves up to today count
            flat = [value for move in deal.pairs() if move[1] <= today for value in move]
        days = flat[1::2]
        for stage, at, following in zip(flat[0::2], days, days[1:], strict=False):
            spent[stage].append(following - at)
    return spent


def _median(values: list[int]) -> Decimal | None:
    return Decimal(str(statistics.median(values))) if values else None


def _won_by(customer: DealRows, today: int) -> bool:
    return any(deal.won is not None and deal.won <= today for deal in customer.deals)
