"""The open pipeline on a day: by stage and expected close month, amount and weighted amount."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from salescrm.core.config import Config
from salescrm.core.dealrows import DealRows, as_rows, in_days, open_deals
from salescrm.core.errors import Msg, UsageError
from salescrm.core.labels import OPEN_STAGES
from salescrm.core.model import Customer
from salescrm.core.periods import Period
from salescrm.core.reports import TOTAL, Report, total

GROUPS = {"stage": ("stage", "close_month"), "month": ("close_month",), "owner": ("owner",)}


def pipeline(
    customers: Sequence[Customer | DealRows],
    config: Config,
    as_of: date,
    period: Period | None = None,
    by: str = "stage",
    owner: str | None = None,
) -> Report:
    """Deals open on ``as_of`` (with an expected close in ``period``, when given).

    ``by=stage`` groups by stage and close month, ``month`` by close month, ``owner``
    by the deal's owner. Weighted = amount × probability (the deal's, else its stage's).
    Its key figures count the deals still open after their expected close date.
    """
    if by not in GROUPS:
        raise UsageError(
            Msg("pipeline cannot be grouped by {by!r}", by=by),
            hint=Msg("use --by {names}", names=" | ".join(GROUPS)),
        )
    keys = GROUPS[by]
    groups: dict[tuple[str, ...], list[tuple[Decimal, Decimal]]] = defaultdict(list)
    overdue: list[Decimal] = []
    closing = in_days(period) if period else None
    for _, deal, stage in open_deals(as_rows(customers), as_of.toordinal()):
        if (owner and deal.owner != owner) or (closing is not None and deal.close not in closing):
            continue
        month = date.fromordinal(deal.close).strftime("%Y-%m")
        values = {"stage": stage, "close_month": month, "owner": deal.owner}
        groups[tuple(values[k] for k in keys)].append((Decimal(deal.amount), deal.weighted(config, stage)))
        if deal.close < as_of.toordinal():
            overdue.append(Decimal(deal.amount))
    order = sorted(groups, key=lambda key: tuple(_rank(k, v) for k, v in zip(keys, key, strict=True)))
    rows = [_row(keys, key, groups[key]) for key in order]
    everything = [deal for deals in groups.values() for deal in deals]
    rows.append(_row(keys, (TOTAL, *[""] * (len(keys) - 1)), everything))
    summary = {"past_close_deals": len(overdue), "past_close_amount": total(overdue)}
    columns = [*keys, "deals", "amount", "weighted"]
    return Report("pipeline", period.label if period else None, columns, rows, summary)


def _rank(key: str, value: str) -> tuple[int, str]:
    return (OPEN_STAGES.index(value), "") if key == "stage" else (0, value)


def _row(
    keys: tuple[str, ...], key: tuple[str, ...], deals: list[tuple[Decimal, Decimal]]
) -> dict[str, object]:
    return {
        **dict(zip(keys, key, strict=True)),
        "deals": len(deals),
        "amount": total(amount for amount, _ in deals),
        "weighted": total(w for _, w in deals),
    }
