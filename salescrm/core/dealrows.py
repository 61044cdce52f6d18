"""What the deal reports read of a customer: a few values a deal instead of the whole record.

The reports (attainment, conversion, industry, lost reasons, pipeline), the review pack
and the tier review read these rows, never the opportunities themselves, so that 30,000
deals come out of the cache's index without decoding a record. The rows are computed from
a customer by ``core/deals.py``, so every figure agrees with the customer's own.

Days are ordinals (``date.toordinal()``) and amounts are the text of their Decimal: rows
decode without building a date or a Decimal, and the reports convert only what they sum
or print. ``in_days(period, as_of)`` gives the ordinals of a period up to a day.

Example: rows_from_data(rows_to_data(rows_of(customer))) == rows_of(customer)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from salescrm.core.config import Config
from salescrm.core.deals import (
    furthest_from,
    lost_on,
    opened_on,
    stage_at_loss,
    stage_from,
    weighted_amount,
    won_on,
    won_value,
)
from salescrm.core.labels import OPEN_STAGES
from salescrm.core.model import Customer, Opportunity
from salescrm.core.periods import Period


class Deal(NamedTuple):
    """One opportunity as the reports read it."""

    id: str  # O1
    name: str
    owner: str
    amount: str  # Decimal text
    probability: str | None  # the deal's own, percent; None: its stage's default
    close: int  # the expected close day
    opened: int  # deals.opened_on
    stage: str  # where it stands today
    moves: list[Any]  # its stage history, flat: stage, day, stage, day … by day (ties: file order)
    won: int | None  # deals.won_on: the day its contract was signed
    won_amount: str  # deals.won_value: the contract amount, else the amount
    contract: str  # the contract number ("" without a contract)
    lost: int | None  # deals.lost_on
    lost_stage: str  # deals.stage_at_loss ("" unless lost)
    lost_reason: str | None
    competitors: list[str]
    # From ``settled`` on (its opening or last move, whichever is later) nothing changes:
    # its stage and furthest funnel stage then, worked out once when the file is parsed.
    settled: int
    settled_stage: str | None
    settled_furthest: int
    forecast: str | None = None  # its forecast category override (opp set forecast=), as of the day

    def pairs(self) -> Iterator[tuple[str, int]]:
        """The stage moves as (stage, day), by day."""
        moves = iter(self.moves)
        return zip(moves, moves, strict=False)

    def stage_on(self, day: int) -> str | None:
        """deals.stage_on: the stage on ``day`` (None: not yet opened)."""
        if day >= self.settled:
            return self.settled_stage
        return stage_from(self.opened, self.stage, self.pairs(), day)

    def furthest_on(self, day: int) -> int:
        """The index in deals.FUNNEL of the furthest stage reached by ``day`` (-1: none)."""
        if day >= self.settled:
            return self.settled_furthest
        return furthest_from(self.pairs(), self.stage_on(day), day)

    def weighted(self, config: Config, stage: str) -> Decimal:
        """deals.weighted: the amount × its probability (else the default of ``stage``)."""
        chance = config.stage_probability(stage) if self.probability is None else Decimal(self.probability)
        return weighted_amount(Decimal(self.amount), chance)


class DealRows(NamedTuple):
    """A customer as the deal reports read it."""

    id: str
    name: str
    owner: str
    industry: str | None
    tier: str
    tier_pinned: bool
    created: int
    archived: bool
    deals: list[Deal]


def rows_of(customer: Customer) -> DealRows:
    """What the deal reports read of ``customer``."""
    c = customer
    deals = [_deal(o, c) for o in c.opportunities]
    return DealRows(c.id, c.name, c.owner, c.industry, c.tier, c.tier_pinned, c.created.toordinal(),
                    c.archived, deals)  # fmt: skip


def _deal(o: Opportunity, customer: Customer) -> Deal:
    # By day, stable: the latest move and the first of a tie are those of the file's order.
    pairs = sorted(((move.stage, move.at.toordinal()) for move in o.stage_history), key=lambda m: m[1])
    moves: list[Any] = [value for pair in pairs for value in pair]
    won, lost = won_on(o), lost_on(o)
    opened = opened_on(o, customer).toordinal()
    settled = max([opened, *(at for _, at in pairs)])
    settled_stage = stage_from(opened, o.stage, pairs, settled)
    return Deal(
        o.id, o.name, o.owner, str(o.amount), None if o.probability is None else str(o.probability),
        o.close.toordinal(), opened, o.stage, moves,
        won.toordinal() if won else None, str(won_value(o)), o.contract.number if o.contract else "",
        lost.toordinal() if lost else None, stage_at_loss(o) if lost else "", o.lost_reason,
        list(o.negotiation.competitors), settled, settled_stage, furthest_from(pairs, settled_stage, settled),
        o.forecast,
    )  # fmt: skip


def as_rows(customers: Iterable[Customer | DealRows]) -> list[DealRows]:
    """Rows for customers (rows stay as they are): the reports' entry points take either."""
    return [c if isinstance(c, DealRows) else rows_of(c) for c in customers]


def rows_to_data(rows: DealRows) -> list[Any]:
    """``rows`` as plain lists, strings and numbers."""
    return [*rows[:-1], [list(deal) for deal in rows.deals]]


def rows_from_data(data: list[Any]) -> DealRows:
    """The inverse of ``rows_to_data`` (for data it wrote; the cache checks the rest)."""
    *head, deals = data
    return DealRows._make([*head, [Deal._make(deal) for deal in deals]])


def in_days(period: Period, as_of: date | None = None) -> range:
    """The ordinals of the days of ``period`` (up to ``as_of``): ``day in in_days(…)``."""
    return range(period.start.toordinal(), min(period.end, as_of or period.end).toordinal() + 1)


def won_deals(rows: Iterable[DealRows], days: range) -> Iterator[tuple[DealRows, Deal]]:
    """Every deal whose contract was signed on one of ``days``."""
    for customer in rows:
        for deal in customer.deals:
            if deal.won is not None and deal.won in days:
                yield customer, deal


def open_deals(rows: Iterable[DealRows], day: int) -> Iterator[tuple[DealRows, Deal, str]]:
    """deals.open_deals: every deal still open on ``day``, with the stage it stood in."""
    for customer in rows:
        for deal in customer.deals:
            stage = deal.stage_on(day)
            if stage in OPEN_STAGES:
                yield customer, deal, stage


def lost_deals(rows: Iterable[DealRows], days: range) -> Iterator[tuple[DealRows, Deal]]:
    """Every deal marked lost on one of ``days``."""
    for customer in rows:
        for deal in customer.deals:
            if deal.lost is not None and deal.lost in days:
                yield customer, deal
