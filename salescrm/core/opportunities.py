"""Opportunities beyond their stage moves: creating, finding, the negotiation record,
probability, staleness and the filters of ``opp list``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salescrm.core.config import Config
from salescrm.core.errors import Msg, NotFoundError, UsageError
from salescrm.core.ids import Reference, next_item_id
from salescrm.core.labels import OPEN_STAGES
from salescrm.core.model import Customer, Negotiation, Opportunity, StageMove
from salescrm.core.parse import When, day_of, parse_text
from salescrm.core.stages import refuse_closed
from salescrm.core.timeline import item_here, record, refuse_before


@dataclass(frozen=True)
class NewOpportunity:
    """What ``opp add`` was given, parsed."""

    name: str
    amount: Decimal
    close: date
    owner: str
    created: date
    probability: Decimal | None = None


def add_opportunity(customer: Customer, new: NewOpportunity, by: str) -> Opportunity:
    """A new opportunity in stage lead, appended to ``customer`` (not before it existed)."""
    refuse_before(new.created, customer.created, "--at date", customer.id)
    if new.close < new.created:
        raise UsageError(
            Msg(
                "the expected close date {close} is before the opportunity's start {created}",
                close=new.close,
                created=new.created,
            )
        )
    opportunity = Opportunity(
        id=next_item_id("O", (o.id for o in customer.opportunities)),
        name=parse_text(new.name, "--name", 200),
        amount=new.amount,
        close=new.close,
        owner=new.owner,
        stage="lead",
        created=new.created,
        probability=new.probability,
        stage_history=[StageMove("lead", new.created, by)],
    )
    customer.opportunities.append(opportunity)
    return opportunity


def find_opportunity(customer: Customer, ref: Reference) -> Opportunity:
    item = item_here(customer, ref.customer, ref.item) or ref.item  # DROP-O1 after a merge
    for o in customer.opportunities:
        if o.id == item:
            return o
    known = ", ".join(f"{customer.id}-{o.id}" for o in customer.opportunities) or "none"
    raise NotFoundError(
        Msg("no such opportunity {ref}", ref=ref),
        hint=Msg("{id}'s opportunities: {known}", id=customer.id, known=known),
    )


def negotiate(o: Opportunity, ref: str, talks: Negotiation, at: When, by: str) -> list[tuple[str, str]]:
    """Append ``talks`` (what ``opp negotiate`` was given) to the record, each entry once,
    dated at ``at``; returns the new entries as (field, text)."""
    refuse_closed(o, ref)
    given = vars(talks)
    if not any(given.values()):
        raise UsageError(
            Msg("nothing to record"),
            hint=Msg("give --decision-maker, --competitor, --obstacle or --solution (each repeatable)"),
        )
    added = []
    for key, entries in given.items():
        now: list[str] = list(getattr(o.negotiation, key))
        for entry in entries:
            text = parse_text(entry, key.replace("_", " ")[:-1], 500)
            if text not in now:
                now.append(text)
                added.append((key, text))
        record(o.changes, o, f"negotiation.{key}", now, at, by)
    return added


_NEGOTIATION_WORDS = {
    "en": {"decision_makers": "decision maker", "competitors": "competitor", "obstacles": "obstacle",
           "solutions": "solution", "added": "added", "none": "nothing new, all already recorded"},
    "zh": {"decision_makers": "决策人", "competitors": "竞争对手", "obstacles": "障碍",
           "solutions": "解决方案", "added": "新增", "none": "没有新内容,均已记录"},
}  # fmt: skip


def negotiation_receipt(ref: str, added: list[tuple[str, str]], lang: str) -> str:
    """What ``opp negotiate`` says it recorded: ``CRM…-O1: added decision maker 李总, competitor 竞品X``."""
    words = _NEGOTIATION_WORDS["zh" if lang == "zh" else "en"]
    if not added:
        return f"{ref}: {words['none']}"
    return f"{ref}: {words['added']} " + ", ".join(f"{words[key]} {text}" for key, text in added)


def probability_of(o: Opportunity, config: Config) -> Decimal:
    """The override, else the stage's default win probability (percent)."""
    return win_probability(o.probability, o.stage, config)


def win_probability(own: Decimal | None, stage: str, config: Config) -> Decimal:
    """A deal's own win probability, else the default of ``stage`` (percent)."""
    return own if own is not None else config.stage_probability(stage)


def last_activity(o: Opportunity, customer: Customer, as_of: date = date.max) -> date | None:
    """The last stage move of ``o`` or follow-up with its customer on or before ``as_of``."""
    moments = [m.at for m in o.stage_history] + [day_of(f.at) for f in customer.followups]
    if o.created:
        moments.append(o.created)
    return max((moment for moment in moments if moment <= as_of), default=None)


def idle_days(o: Opportunity, customer: Customer, as_of: date) -> int | None:
    """Days since the last activity as seen on ``as_of`` (never negative: later events do not
    count); None when nothing had happened yet by then."""
    last = last_activity(o, customer, as_of)
    return idle_from(last.toordinal() if last else None, as_of.toordinal())


def idle_from(last: int | None, as_of: int) -> int | None:
    """Days (ordinals) from the last activity ``last`` to ``as_of``, never negative; None: none yet."""
    return max(as_of - last, 0) if last is not None else None


def is_stale(
    o: Opportunity, customer: Customer, config: Config, as_of: date, days: int | None = None
) -> bool:
    """Open and untouched for longer than ``days`` (default: its stage's ``stale_days``)."""
    return o.stage in OPEN_STAGES and stale_past(o.stage, idle_days(o, customer, as_of), config, days)


def stale_past(stage: str, idle: int | None, config: Config, days: int | None = None) -> bool:
    """A deal in ``stage``, ``idle`` days untouched, is stale: open and idle longer than ``days``
    (default: the stage's ``stale_days``)."""
    if stage not in OPEN_STAGES:
        return False
    rule = config.stages.get(stage)
    limit = days if days is not None else (rule.stale_days if rule else None)
    return limit is not None and idle is not None and idle > limit


def stale_opportunities(
    customers: Iterable[Customer], config: Config, as_of: date
) -> list[tuple[Customer, Opportunity]]:
    """Every open deal idle past its stage's limit."""
    return [
        (c, o) for c in customers for o in c.opportunities if is_stale(o, c, config, as_of) and not c.archived
    ]


@dataclass(frozen=True)
class OpportunityFilter:
    """``opp list``'s options: each one given narrows the list (``core/opprows.filter_deals``)."""

    stage: str | None = None
    owner: str | None = None
    customer: str | None = None
    open_only: bool = False
    closing_before: date | None = None
    stale_days: int | None = None  # idle longer than this many days
    stale_by_stage: bool = False  # idle longer than the stage's configured limit


def listing_order(close: date | int, customer_id: str, deal_id: str) -> tuple[date | int, str, int]:
    """``opp list``'s order: soonest expected close first, then by customer and deal number."""
    return close, customer_id, int(deal_id[1:])
