"""Facts about opportunities on a given day, read from their records.

Reports, the tier review and the query language all ask the same questions
(when was it opened, where did it stand on a day, what was won when); the
answers live here once so that every figure agrees.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import TypeVar

from salescrm.core.config import Config
from salescrm.core.labels import OPEN_STAGES
from salescrm.core.model import Customer, Opportunity
from salescrm.core.parse import normal_amount
from salescrm.core.timeline import opened

FUNNEL = (*OPEN_STAGES, "won")  # the order a deal moves through
Day = TypeVar("Day", date, int)  # a day: a date, or its ordinal


def opened_on(opp: Opportunity, customer: Customer) -> date:
    """The day the opportunity was created (its first stage move, else the customer's)."""
    return opened(opp, customer)


def stage_on(opp: Opportunity, customer: Customer, day: date) -> str | None:
    """The stage on ``day`` (None: not yet opened), from its stage history."""
    return stage_from(opened_on(opp, customer), opp.stage, [(m.stage, m.at) for m in opp.stage_history], day)


def stage_from(opened: Day, stage: str, moves: Iterable[tuple[str, Day]], day: Day) -> str | None:
    """The stage on ``day`` of a deal opened on ``opened``, standing in ``stage`` today, with
    ``moves`` (stage, day) in the order they were made: the latest move up to ``day`` (the
    last of a tie: moves on one day count in the order made), else "lead" before its first
    move, else ``stage`` when it never moved.

    Days are dates, or ordinals (``dealrows`` keeps those): any one kind that compares."""
    if opened > day:
        return None
    latest: str | None = None
    latest_at: Day | None = None
    moved = False
    for name, at in moves:
        moved = True
        if at <= day and (latest_at is None or at >= latest_at):
            latest, latest_at = name, at
    if latest is not None:
        return latest
    return "lead" if moved else stage


def won_on(opp: Opportunity) -> date | None:
    """The contract's signed date of a won deal."""
    if opp.stage == "won" and opp.contract is not None:
        return opp.contract.signed
    return None


def won_value(opp: Opportunity) -> Decimal:
    return opp.contract.amount if opp.contract is not None else opp.amount


def lost_on(opp: Opportunity) -> date | None:
    """The day a lost deal was marked lost (its expected close date if unrecorded)."""
    if opp.stage != "lost":
        return None
    moves = [move.at for move in opp.stage_history if move.stage == "lost"]
    return max(moves) if moves else opp.close


def stage_at_loss(opp: Opportunity) -> str:
    """The last stage a lost deal stood in before it was lost (the move before its last loss)."""
    moves = opp.stage_history
    lost = max((i for i, move in enumerate(moves) if move.stage == "lost"), default=len(moves))
    return moves[lost - 1].stage if lost > 0 else "lead"


def probability(opp: Opportunity, config: Config, stage: str | None = None) -> Decimal:
    """Win probability in percent: the deal's own, else the default of its stage (or ``stage``)."""
    if opp.probability is not None:
        return opp.probability
    return config.stage_probability(stage or opp.stage)


def weighted(opp: Opportunity, config: Config, stage: str | None = None) -> Decimal:
    """The probability-weighted amount, to the cent."""
    return weighted_amount(opp.amount, probability(opp, config, stage))


def weighted_amount(amount: Decimal, chance: Decimal) -> Decimal:
    """``amount`` × ``chance`` percent, to the cent."""
    return normal_amount(amount * chance / 100)


def open_deals(customers: Iterable[Customer], day: date) -> Iterator[tuple[Customer, Opportunity, str]]:
    """Every deal still open on ``day``, with the stage it stood in."""
    for customer in customers:
        for opp in customer.opportunities:
            stage = stage_on(opp, customer, day)
            if stage in OPEN_STAGES:
                yield customer, opp, stage


def reached(opp: Opportunity, customer: Customer, day: date) -> set[str]:
    """The funnel stages a deal reached by ``day``; a later stage implies the earlier ones."""
    moves = [(m.stage, m.at) for m in opp.stage_history]
    return set(FUNNEL[: furthest_from(moves, stage_on(opp, customer, day), day) + 1])


def furthest_from(moves: Iterable[tuple[str, Day]], current: str | None, day: Day) -> int:
    """The index in FUNNEL of the furthest stage reached by ``day`` (-1: none), from the
    ``moves`` (stage, day) up to ``day`` and the ``current`` stage on that day. Won counts
    only while the deal stands won: a win since reopened has not reached it."""
    stages = {name for name, at in moves if at <= day and name != "won"}
    if current:
        stages.add(current)
    return max((FUNNEL.index(s) for s in stages if s in FUNNEL), default=-1)


def won_deals(customers: Iterable[Customer]) -> Iterator[tuple[Customer, Opportunity, date]]:
    for customer in customers:
        for opp in customer.opportunities:
            signed = won_on(opp)
            if signed is not None:
                yield customer, opp, signed


def won_between(customer: Customer, after: date, upto: date) -> Decimal:
    """Contract amounts signed in ``after < signed <= upto``."""
    return sum((won_value(o) for _, o, signed in won_deals([customer]) if after < signed <= upto), Decimal(0))
