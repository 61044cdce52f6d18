"""What ``customer list`` prints and filters on, and what the query language reads, of one
customer: a ``Row`` of plain values (days as ordinals, amounts as text) kept in the cache
index, so that lists and queries over 10,000 customers decode no record.

A row is its own cache data (``row_to_data``/``row_from_data`` only change the container),
so a row read from the cache equals the row computed from the parsed file. The two long
lists are kept as one value each, decoded only when a query reads them: every command
that reads the cache index decodes every summary, and 200,000 follow-up days and 30,000
deals as msgpack lists cost ~0.1 s there; as bytes and text, almost nothing.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_right
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from salescrm.core.deals import opened_on, won_on, won_value
from salescrm.core.model import Customer, Opportunity
from salescrm.core.parse import day_of

DAYS = "I"  # day ordinals as unsigned 32-bit machine integers (the cache is per machine)


class Deal(NamedTuple):
    """What the query language reads of one opportunity."""

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
        """``deals.stage_on``: the latest move up to ``day`` (the first of equal days)."""
        if self.opened > day:
            return None
        moves = self.moves
        best_day, best = -1, None
        for i in range(0, len(moves), 2):
            if best_day < moves[i] <= day:
                best_day, best = moves[i], moves[i + 1]
        if best is not None:
            return best
        return self.stage if not moves else "lead"


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
    followup_blob: bytes  # the day (ordinal) of every follow-up, ascending: ``_days``
    deal_blob: str  # ``Deal``s as a JSON list of lists: ``deals_of``

    @property
    def created_day(self) -> date:
        return date.fromordinal(self.created)

    @property
    def followup_days(self) -> array[int]:
        return array(DAYS, self.followup_blob)

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

    @property
    def deals(self) -> list[Deal]:
        return [Deal(*d) for d in json.loads(self.deal_blob)] if self.deal_blob != "[]" else []

    def won_between(self, after: int, upto: int) -> Decimal:
        """``deals.won_between``: contract amounts signed in ``after < signed <= upto``."""
        return sum(
            (Decimal(d.won_value or 0) for d in self.deals if d.won is not None and after < d.won <= upto),
            Decimal(0),
        )


def deal_of(opp: Opportunity, customer: Customer) -> Deal:
    moves: list[Any] = []
    for move in opp.stage_history:
        moves += [move.at.toordinal(), move.stage]
    signed = won_on(opp)
    return Deal(
        opp.stage,
        moves,
        opened_on(opp, customer).toordinal(),
        str(opp.amount),
        opp.close.toordinal(),
        None if opp.probability is None else str(opp.probability),
        opp.owner,
        None if signed is None else signed.toordinal(),
        None if signed is None else str(won_value(opp)),
    )


def row_of(customer: Customer, followups: bool = True, deals: bool = True) -> Row:
    """The row of ``customer``; without ``followups``/``deals`` those lists are left empty
    (a query that reads neither need not decode them)."""
    c = customer
    contact = c.primary_contact
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
        array(DAYS, sorted(day_of(f.at).toordinal() for f in c.followups) if followups else []).tobytes(),
        json.dumps([deal_of(o, c) for o in c.opportunities] if deals else [], ensure_ascii=False,
                   separators=(",", ":")),
    )  # fmt: skip


def row_to_data(row: Row) -> list[Any]:
    """``row`` as plain lists, strings, numbers and booleans (msgpack-able)."""
    return list(row)


def row_from_data(data: list[Any]) -> Row:
    """The inverse of ``row_to_data`` (for data it wrote; the cache checks the rest)."""
    return Row(*data)
