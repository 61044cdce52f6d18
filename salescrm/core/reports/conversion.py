"""Conversion: how far the deals opened in a period got, and how long each stage took."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date
from decimal import Decimal

from salescrm.core.deals import FUNNEL, opened_on, reached, stage_on, won_on
from salescrm.core.model import Customer, Opportunity
from salescrm.core.periods import Period
from salescrm.core.reports import Report, deals, percent

COLUMNS = ["stage", "reached", "pct_of_previous", "pct_of_created", "median_days"]


def conversion(customers: list[Customer], period: Period, as_of: date, owner: str | None = None) -> Report:
    """Deals opened in the period (up to ``as_of``): stage by stage, as they stand on ``as_of``.

    lead→won % = won ÷ opened; win rate = won ÷ (won + lost).
    """
    cohort = [(c, o) for c, o in deals(customers, owner) if _within(opened_on(o, c), period, as_of)]
    counts = {stage: sum(1 for c, o in cohort if stage in reached(o, c, as_of)) for stage in FUNNEL}
    days = _days_in_stages([o for _, o in cohort], as_of)
    rows = []
    previous = len(cohort)
    for stage in FUNNEL:
        rows.append(
            {
                "stage": stage,
                "reached": counts[stage],
                "pct_of_previous": percent(counts[stage], previous),
                "pct_of_created": percent(counts[stage], len(cohort)),
                "median_days": _median(days.get(stage, [])),
            }
        )
        previous = counts[stage]
    final = [stage_on(o, c, as_of) for c, o in cohort]
    won, lost = final.count("won"), final.count("lost")
    newcomers = [c for c in customers if _within(c.created, period, as_of) and owner in (None, c.owner)]
    summary = {
        "opened": len(cohort),
        "won": won,
        "lost": lost,
        "open": len(cohort) - won - lost,
        "lead_to_won_pct": percent(won, len(cohort)),
        "win_rate_pct": percent(won, won + lost),
        "new_customers": len(newcomers),
        "new_customers_won": sum(1 for c in newcomers if _won_by(c, as_of)),
    }
    return Report("conversion", period.label, COLUMNS, rows, summary)


def _days_in_stages(opportunities: list[Opportunity], as_of: date) -> dict[str, list[int]]:
    """Days each deal spent in each stage it has left by ``as_of``."""
    days: dict[str, list[int]] = defaultdict(list)
    for opp in opportunities:
        moves = sorted((m for m in opp.stage_history if m.at <= as_of), key=lambda m: m.at)
        for current, following in zip(moves, moves[1:], strict=False):
            days[current.stage].append((following.at - current.at).days)
    return days


def _within(day: date, period: Period, as_of: date) -> bool:
    return day in period and day <= as_of


def _median(values: list[int]) -> Decimal | None:
    return Decimal(str(statistics.median(values))) if values else None


def _won_by(customer: Customer, as_of: date) -> bool:
    return any((signed := won_on(o)) is not None and signed <= as_of for o in customer.opportunities)
