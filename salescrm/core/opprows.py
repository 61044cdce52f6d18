"""What ``opp list`` reads of a customer: its number, name, and per deal the few values the
list filters on and prints, kept in the index (``store/index.SUMMARIES["opps"]``), so that
listing 30,000 deals decodes no record.

A summary is of a customer as of a day (``DataDir.load_summaries`` rewinds those with later
events), so a deal's latest activity is one day: every stage move and follow-up in it is on
or before that day. Days are ordinals and amounts text, as in ``core/dealrows.py``: a row
decodes without building a date or a Decimal, and only the deals printed are converted.

The rules (open, stale, idle days, the order) are those of ``core/opportunities.py``; the
filter runs on rows only, and whole customers go through ``opp_rows_of``.

Example: opp_rows_from_data(opp_rows_to_data(opp_rows_of(customer))) == opp_rows_of(customer)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from salescrm.core.config import Config
from salescrm.core.labels import OPEN_STAGES, STAGES
from salescrm.core.model import Customer, Opportunity
from salescrm.core.opportunities import (
    OpportunityFilter,
    idle_from,
    last_activity,
    listing_order,
    stale_past,
    win_probability,
)


class OppDeal(NamedTuple):
    """One opportunity as ``opp list`` reads it."""

    id: str  # O1
    name: str
    stage: str
    owner: str
    amount: str  # Decimal text
    probability: str | None  # its own, percent; None: its stage's default
    close: int  # the expected close day
    touched: int | None  # its latest activity (opportunities.last_activity); None: none
    contract: str | None  # the contract's number
    lost_reason: str | None

    def idle_on(self, day: int) -> int | None:
        """opportunities.idle_days: days since its latest activity, as of ``day``."""
        return idle_from(self.touched, day)

    def win_probability(self, config: Config) -> Decimal:
        """opportunities.probability_of: its own, else its stage's default."""
        return win_probability(
            None if self.probability is None else Decimal(self.probability), self.stage, config
        )


class OppRows(NamedTuple):
    """A customer as ``opp list`` reads it: its deals in file order."""

    id: str
    name: str
    deals: tuple[OppDeal, ...]


def opp_rows_of(customer: Customer) -> OppRows:
    """What ``opp list`` reads of ``customer`` (as of the day it stands at)."""
    return OppRows(customer.id, customer.name, tuple(_deal(o, customer) for o in customer.opportunities))


def _deal(o: Opportunity, customer: Customer) -> OppDeal:
    touched = last_activity(o, customer)
    return OppDeal(
        o.id, o.name, o.stage, o.owner, str(o.amount), None if o.probability is None else str(o.probability),
        o.close.toordinal(), touched.toordinal() if touched else None,
        o.contract.number if o.contract else None, o.lost_reason,
    )  # fmt: skip


def opp_rows_to_data(rows: OppRows) -> list[Any]:
    """``rows`` as plain lists, strings and numbers."""
    return [rows.id, rows.name, [list(deal) for deal in rows.deals]]


def opp_rows_from_data(data: Any) -> OppRows:
    """The inverse of ``opp_rows_to_data`` (for data it wrote; the index checks the rest)."""
    customer_id, name, deals = data
    return OppRows(customer_id, name, tuple(map(OppDeal._make, deals)))


def filter_deals(
    rows: Iterable[OppRows], wanted: OpportunityFilter, config: Config, as_of: date
) -> list[tuple[OppRows, OppDeal]]:
    """The deals ``wanted`` picks, as (customer, deal), soonest expected close first."""
    stage = STAGES.parse(wanted.stage) if wanted.stage else None
    day = as_of.toordinal()
    before = wanted.closing_before.toordinal() if wanted.closing_before else None
    chosen = []
    for customer in rows:
        if wanted.customer and customer.id != wanted.customer:
            continue
        for deal in customer.deals:
            if (
                (stage and deal.stage != stage)
                or (wanted.owner and deal.owner != wanted.owner)
                or (wanted.open_only and deal.stage not in OPEN_STAGES)
                or (before is not None and not deal.close < before)
                or not _stale_enough(deal, wanted, config, day)
            ):
                continue
            chosen.append((customer, deal))
    return sorted(chosen, key=lambda pair: listing_order(pair[1].close, pair[0].id, pair[1].id))


def _stale_enough(deal: OppDeal, wanted: OpportunityFilter, config: Config, day: int) -> bool:
    """``--stale DAYS`` / ``--stale stage``, when given: idle past that many days / its stage's limit."""
    if wanted.stale_days is None and not wanted.stale_by_stage:
        return True
    idle = deal.idle_on(day)
    return (wanted.stale_days is None or stale_past(deal.stage, idle, config, wanted.stale_days)) and (
        not wanted.stale_by_stage or stale_past(deal.stage, idle, config)
    )
