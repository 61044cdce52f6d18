"""Why deals were lost: per reason, per competitor or per stage at loss."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from salescrm.core.dealrows import Deal, DealRows, as_rows, in_days, lost_deals
from salescrm.core.errors import Msg, UsageError
from salescrm.core.model import Customer
from salescrm.core.periods import Period
from salescrm.core.reports import NONE, TOTAL, Report, percent, total

GROUPS = ("reason", "competitor", "stage")


def lost_reasons(
    customers: Sequence[Customer | DealRows],
    period: Period,
    as_of: date,
    by: str = "reason",
    owner: str | None = None,
) -> Report:
    """Deals marked lost in the period (up to ``as_of``), grouped; shares of count and amount.

    A deal lost to two competitors counts once for each of them.
    """
    if by not in GROUPS:
        raise UsageError(
            Msg("lost-reasons cannot be grouped by {by!r}", by=by),
            hint=Msg("use --by {names}", names=" | ".join(GROUPS)),
        )
    lost = [
        deal
        for _, deal in lost_deals(as_rows(customers), in_days(period, as_of))
        if owner in (None, deal.owner)
    ]
    amounts = [Decimal(deal.amount) for deal in lost]
    groups: dict[str, list[Decimal]] = defaultdict(list)
    for deal, amount in zip(lost, amounts, strict=True):
        for key in _keys(deal, by):
            groups[key].append(amount)
    all_amount = total(amounts)
    order = sorted(groups, key=lambda key: (-len(groups[key]), -total(groups[key]), key))
    rows = [_row(by, key, groups[key], len(lost), all_amount) for key in order]
    rows.append(_row(by, TOTAL, amounts, len(lost), all_amount))
    return Report(
        "lost-reasons", period.label, [by, "lost", "lost_share_pct", "amount", "amount_share_pct"], rows
    )


def _keys(deal: Deal, by: str) -> list[str]:
    if by == "reason":
        return [deal.lost_reason or NONE]
    if by == "competitor":
        return list(dict.fromkeys(deal.competitors)) or [NONE]
    return [deal.lost_stage]


def _row(by: str, key: str, amounts: list[Decimal], count: int, all_amount: Decimal) -> dict[str, object]:
    amount = total(amounts)
    return {
        by: key,
        "lost": len(amounts),
        "lost_share_pct": percent(len(amounts), count),
        "amount": amount,
        "amount_share_pct": percent(amount, all_amount),
    }
