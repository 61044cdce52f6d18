"""What ``customer list`` prints and filters on, and what the query language reads, of one
customer: a ``Row`` of plain values (days as ordinals, amounts as text) kept in the cache
index, so that lists and queries over 10,000 customers decode no record.

A row is its own cache data (``row_to_data``/``row_from_data`` only change the container),
so a row read from the cache equals the row computed from the parsed file. For the cache
the two long lists are packed into one value each, decoded only when a query reads them:
every command that reads the cache index decodes every summary, and 200,000 follow-up days
and 30,000 deals as msgpack lists cost ~0.1 s there; as bytes and text, almost nothing. A
row made to test one whole customer (``packed=False``) keeps them as plain lists instead.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from salescrm.core.deals import opened_on, stage_on, won_on, won_value
from salescrm.core.model import Customer, Opportunity
from salescrm.core.parse import day_of

DAYS = "I"  # day ordinals as unsigned 32-bit machine integers (the cache is per machine)


class Deal(NamedTuple):
    """What the query language reads of one opportunity, as the cache keeps it."""

    stage: str  # the stage now
    moves: list[Any]  # the stage history in file order, flat: day, stage, day, stage, …
    opened: int  # day (ordinal) it was opened: ``deals.opened_on``
    amount: str
    close: int
    probability: str | None  # its own; None: the stage's default
    owner: str
    won: int | None  # day the contract was signed, when won: ``deals.won_on``
    won_value: str | None  # ``deals.won_value``, when won

    def stage_on(self, day: int) -> str | None:
        """``deals.stage_on``: the latest move up to ``day`` (the last of equal days)."""
        if self.opened > day:
            return None
        moves = self.moves
        best_day, best = -1, None
        for i in range(0, len(moves), 2):
            if best_day <= moves[i] <= day:
                best_day, best = moves[i], moves[i + 1]
        if best is not None:
            return best
        return self.stage if not moves else "lead"


class LiveDeal:
    """A ``Deal`` read straight from an opportunity, each fact when asked (a query of whole
    customers reads one or two facts of each of their deals)."""

    __slots__ = ("opp", "customer")

    def __init__(self, opp: Opportunity, customer: Customer) -> None:
        self.opp = opp
        self.customer = customer

    @property
    def stage(self) -> str:
        return self.opp.stage

    def stage_on(self, day: int) -> str | None:
        return stage_on(self.opp, self.customer, date.fromordinal(day))

    @property
    def opened(self) -> int:
        return opened_on(self.opp, self.customer).toordinal()

    @property
    def amount(self) -> Decimal:
        return self.opp.amount

    @property
    def close(self) -> int:
        return self.opp.close.toordinal()

    @property
    def probability(self) -> Decimal | None:
        return self.opp.probability

    @property
    def owner(self) -> str:
        return self.opp.owner

    @property
    def won(self) -> int | None:
        signed = won_on(self.opp)
        return None if signed is None else signed.toordinal()

    @property
    def won_value(self) -> Decimal:
        return won_value(self.opp)


AnyDeal = Deal | LiveDeal


class Row(NamedTuple):
    """One customer, for lists and queries."""

    id: str
    name: str
    tier: str
    tier_pinned: bool
    industry: str | None
    size: str | None
    owner: str
    source: str
    needs: str
    tags: list[str]
    archived: bool
    created: int  # ordinal
    first_contact: int | None
    contact: str | None  # the primary contact's name
    phone: str | None  # …and phone, else e-mail
    # The day (ordinal) of every follow-up, ascending: packed as DAYS, or a list.
    followup_data: bytes | list[int]
    deal_data: str | list[AnyDeal]  # packed as a JSON list of ``Deal``s, or ``LiveDeal``s

    @property
    def followup_days(self) -> Sequence[int]:
        data = self.followup_data
        return array(DAYS, data) if isinstance(data, bytes) else data

    @property
    def deals(self) -> list[AnyDeal]:
        data = self.deal_data
        if not isinstance(data, str):
            return data
        return [Deal(*d) for d in json.loads(data)] if data != "[]" else []

    @property
    def created_day(self) -> date:
        return date.fromordinal(self.created)

    def followups_between(self, after: int, upto: int) -> int:
        """Follow-ups on days ``after < day <= upto``."""
        days = self.followup_days
        return bisect_right(days, upto) - bisect_right(days, after)

    def last_contact(self, upto: int) -> int:
        """The day of the latest follow-up up to ``upto``, else the first contact, else created."""
        days = self.followup_days
        index = bisect_right(days, upto)
        if index:
            return days[index - 1]
        return self.first_contact or self.created

    def won_between(self, after: int, upto: int) -> Decimal:
        """``deals.won_between``: contract amounts signed in ``after < signed <= upto``."""
        return sum(
            (Decimal(d.won_value or 0) for d in self.deals if d.won is not None and after < d.won <= upto),
            Decimal(0),
        )


def deal_of(opp: Opportunity, customer: Customer) -> Deal:
    """The deal's facts as the cache keeps them."""
    signed = won_on(opp)
    return Deal(
        opp.stage,
        [x for m in opp.stage_history for x in (m.at.toordinal(), m.stage)],
        opened_on(opp, customer).toordinal(),
        str(opp.amount),
        opp.close.toordinal(),
        None if opp.probability is None else str(opp.probability),
        opp.owner,
        None if signed is None else signed.toordinal(),
        None if signed is None else str(won_value(opp)),
    )


def row_of(customer: Customer, followups: bool = True, deals: bool = True, packed: bool = True) -> Row:
    """The row of ``customer``, its long lists packed for the cache unless ``packed`` is
    false; without ``followups``/``deals`` those lists are left empty (a query that reads
    neither need not decode them)."""
    c = customer
    contact = c.primary_contact
    days = sorted(day_of(f.at).toordinal() for f in c.followups) if followups else []
    opportunities: list[Any] = []
    if deals:
        opportunities = [deal_of(o, c) if packed else LiveDeal(o, c) for o in c.opportunities]
    return Row(
        c.id,
        c.name,
        c.tier,
        c.tier_pinned,
        c.industry,
        c.size,
        c.owner,
        c.source,
        c.needs,
        list(c.tags),
        c.archived,
        c.created.toordinal(),
        c.first_contact.toordinal() if c.first_contact else None,
        contact.name if contact else None,
        (contact.phone or contact.email) if contact else None,
        array(DAYS, days).tobytes() if packed else days,
        json.dumps(opportunities, ensure_ascii=False, separators=(",", ":")) if packed else opportunities,
    )


def row_to_data(row: Row) -> list[Any]:
    """``row`` as plain lists, strings, numbers and booleans (msgpack-able)."""
    return list(row)


def row_from_data(data: list[Any]) -> Row:
    """The inverse of ``row_to_data`` (for data it wrote; the cache checks the rest)."""
    return Row(*data)
