"""Why deals were lost: per reason, per competitor or per stage at loss."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from salescrm.core.deals import lost_on, stage_at_loss
from salescrm.core.errors import UsageError
from salescrm.core.model import Customer, Opportunity
from salescrm.core.periods import Period
from salescrm.core.reports import NONE, TOTAL, Report, deals, percent, total

GROUPS = ("reason", "competitor", "stage")


def lost_reasons(
    customers: list[Customer], period: Period, as_of: date, by: str = "reason", owner: str | None = None
) -> Report:
    """Deals marked lost in the period (up to ``as_of``), grouped; shares of count and amount.

    A deal lost to two competitors counts once for each of them.
    """
    if by not in GROUPS:
        raise UsageError(f"lost-reasons cannot be grouped by {by!r}", hint=f"use --by {' | '.join(GROUPS)}")
    lost = [
        o
        for _, o in deals(customers, owner)
        if (day := lost_on(o)) is not None and day in period and day <= as_of
    ]
    groups: dict[str, list[Decimal]] = defaultdict(list)
    for opp in lost:
        for key in _keys(opp, by):
            groups[key].append(opp.amount)
    all_amount = total(o.amount for o in lost)
    order = sorted(groups, key=lambda key: (-len(groups[key]), -total(groups[key]), key))
    rows = [_row(by, key, groups[key], len(lost), all_amount) for key in order]
    rows.append(_row(by, TOTAL, [o.amount for o in lost], len(lost), all_amount))
    return Report(
        "lost-reasons", period.label, [by, "lost", "lost_share_pct", "amount", "amount_share_pct"], rows
    )


def _keys(opp: Opportunity, by: str) -> list[str]:
    if by == "reason":
        return [opp.lost_reason or NONE]
    if by == "competitor":
        return list(dict.fromkeys(opp.negotiation.competitors)) or [NONE]
    return [stage_at_loss(opp)]


def _row(by: str, key: str, amounts: list[Decimal], count: int, all_amount: Decimal) -> dict[str, object]:
    amount = total(amounts)
    return {
        by: key,
        "lost": len(amounts),
        "lost_share_pct": percent(len(amounts), count),
        "amount": amount,
        "amount_share_pct": percent(amount, all_amount),
    }
