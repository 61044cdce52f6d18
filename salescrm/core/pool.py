"""The public pool (客户公海) and handover: who owns a customer, and how that changes.

A customer in the pool has no owner (``owner: null``) and keeps its whole history. Every
change of owner is a dated change of the record (core/timeline.py rewinds it): a claim
from the pool, a release to it (by hand or by the recycle rules, core/recycle.py), a
transfer by a manager, a leaver's handover. Open deals and open tasks move with the
customer; closed deals keep the owner who won or lost them, so past attainment stays put.
Who may do which is the rulebook's (core/rules.py: pool.claim, pool.release, pool.reclaim,
customer.owner); the limits on claims are here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from salescrm.core.causes import Cause
from salescrm.core.config import Config, Member
from salescrm.core.errors import ConflictError, Msg, UsageError
from salescrm.core.labels import CLOSED_STAGES
from salescrm.core.model import Change, Customer
from salescrm.core.parse import day_of, parse_text
from salescrm.core.pool_rules import PoolRules
from salescrm.core.roles import sells
from salescrm.core.timeline import record

if TYPE_CHECKING:
    from salescrm.core.reminders import Facts

POOL = ""  # the owner of a customer in the pool


def in_pool(customer: Customer) -> bool:
    return customer.owner == POOL and not customer.archived


def owner_changes(customer: Customer) -> list[Change]:
    return [c for c in customer.changes if c.field == "owner"]


def claims_on(customers: Iterable[Customer], member: str, day: date) -> int:
    """How many customers ``member`` claimed from the pool on ``day``."""
    return sum(
        1
        for c in customers
        for change in owner_changes(c)
        if change.old == POOL and change.new == member and change.by == member and day_of(change.at) == day
    )


class Held(Protocol):
    """A customer, or what is read of it instead (its reminder facts, its list row)."""

    @property
    def owner(self) -> str: ...

    @property
    def archived(self) -> bool: ...


def owned_by(customers: Iterable[Held], member: str) -> int:
    return sum(1 for c in customers if c.owner == member and not c.archived)


def parse_reason(text: str | None, what: str = "--reason") -> str:
    if text is None or not text.strip():
        raise UsageError(
            Msg("{what} is required", what=what), hint=Msg("say why, e.g. --reason 客户暂无需求")
        )
    return parse_text(text, what, 500)


def taken_on(customer: Customer) -> date:
    """The day the customer's owner took it: its last change of owner, else its creation."""
    changes = [day_of(c.at) for c in owner_changes(customer) if c.new == customer.owner]
    return changes[-1] if changes else customer.created


def last_won(customer: Customer) -> date | None:
    """The day the customer's latest deal was won."""
    return max(
        (m.at for o in customer.opportunities for m in o.stage_history if m.stage == "won"), default=None
    )


# -- claiming and releasing --------------------------------------------------------------


def check_claim(customer: Customer, member: Member, config: Config, owners: Iterable[Held],
                recent: Iterable[Customer], now: datetime) -> None:  # fmt: skip
    """Refuse a claim of ``customer`` by ``member``: not in the pool, not a seller, past a
    rep's limits (managers are not held to them). The cool-down is the rulebook's.
    ``owners``: every customer, or its facts (only owner and archived are read); ``recent``:
    the customers with an event on ``now``'s day or later (a claim that day is one), or all."""
    if customer.archived:
        raise UsageError(
            Msg("{id} is archived", id=customer.id),
            hint=Msg("a manager may restore it: customer archive --undo"),
        )
    if customer.owner != POOL:
        raise ConflictError(
            Msg("{id} is owned by {owner}, not in the pool", id=customer.id, owner=customer.owner),
            hint=Msg(
                "only a customer in the pool can be claimed; a manager may transfer it: salescrm "
                "customer transfer"
            ),
        )
    if not sells(member):
        raise UsageError(
            Msg("{id} is {role}: only reps and managers own customers", id=member.id, role=member.role)
        )
    if member.role == "manager":
        return
    managers = ", ".join(m.id for m in config.members if m.role == "manager" and m.active)
    # counted with this claim, as verify counts a pushed claim (store/verify.py)
    owned = owned_by(owners, member.id) + 1
    claimed = claims_on(recent, member.id, now.date()) + 1
    for limit, message in limit_breaches(member, config.pool, owned, claimed, now.date()):
        hint = Msg(
            "release one first (salescrm pool release), or ask a manager to transfer it: {managers}",
            managers=managers,
        )
        if limit == "claims_per_day":
            hint = Msg("claim again tomorrow, or ask a manager: {managers}", managers=managers)
        raise UsageError(message, hint=hint)


def limit_breaches(member: Member, limits: PoolRules, owned: int, claimed: int,
                   day: date) -> list[tuple[str, Msg]]:  # fmt: skip
    """(limit, message) for each of a rep's claim limits that a claim breaks when, with it,
    ``member`` owns ``owned`` customers and claimed ``claimed`` on ``day``. The command line
    asks before a claim, ``salescrm verify`` after a pushed one; managers are held to none."""
    if member.role == "manager":
        return []
    found: list[tuple[str, Msg]] = []
    if owned > limits.max_customers:
        found.append(("max_customers", Msg(
            "with this claim {id} owns {count} customers, more than a rep may (pool.max_customers: {limit})",
            id=member.id, count=owned, limit=limits.max_customers)))  # fmt: skip
    if claimed > limits.claims_per_day:
        found.append(("claims_per_day", Msg(
            "with this claim {id} claimed {count} customers on {day}, more than a rep may "
            "(pool.claims_per_day: {limit})",
            id=member.id, count=claimed, day=day, limit=limits.claims_per_day)))  # fmt: skip
    return found


def claim(customer: Customer, member: str, now: datetime, by: str | None = None) -> None:
    """``member`` takes ``customer`` from the pool (``by`` a manager for them)."""
    hand_over(customer, member, by or member, now, Cause("claimed"))


def release(customer: Customer, by: str, reason: str, now: datetime) -> int:
    """``customer`` goes back to the pool; its open tasks are cancelled (nobody is to do
    them now). Open deals keep their owner until someone claims the customer. Returns the
    number of tasks cancelled."""
    if customer.owner == POOL:
        raise ConflictError(Msg("{id} is in the pool already", id=customer.id))
    if customer.archived:
        raise UsageError(
            Msg("{id} is archived", id=customer.id), hint=Msg("archived customers stay out of the pool")
        )
    record(customer.changes, customer, "owner", POOL, now, by, reason)
    released = reason if isinstance(reason, Cause) else Cause("released", note=reason)
    cancelled = 0
    for task in customer.tasks:
        if task.status == "open":
            task.status, task.closed, task.note = "cancelled", now, released
            cancelled += 1
    return cancelled


def former_owner(customer: Customer) -> str:
    """The owner before the customer went to the pool (or its owner now)."""
    if customer.owner != POOL:
        return customer.owner
    released = [c for c in owner_changes(customer) if c.new == POOL]
    return str(released[-1].old) if released else POOL


# -- handover -----------------------------------------------------------------------------


def hand_over(customer: Customer, to: str, by: str, now: datetime, reason: str) -> list[str]:
    """``customer`` to ``to``, with the open deals and open tasks its (former) owner held;
    closed deals stay with whoever won or lost them. Returns what moved (``O2``, ``T3``)."""
    previous = former_owner(customer)
    record(customer.changes, customer, "owner", to, now, by, reason)
    moved = []
    for opp in customer.opportunities:
        if opp.stage not in CLOSED_STAGES and opp.owner == previous and opp.owner != to:
            record(opp.changes, opp, "owner", to, now, by, reason)
            moved.append(opp.id)
    for task in customer.tasks:
        if task.status == "open" and task.owner == previous and task.owner != to:
            record(task.changes, task, "owner", to, now, by, reason)
            moved.append(task.id)
    return moved


def receiver(config: Config, member_id: str) -> Member:
    """The member customers are handed to: known, active, and one who sells."""
    member = config.member(member_id.strip())
    if not member.active:
        raise UsageError(
            Msg("{id} is deactivated", id=member.id), hint=Msg("hand customers to an active rep or manager")
        )
    if not sells(member):
        raise UsageError(
            Msg("{id} is {role}: only reps and managers own customers", id=member.id, role=member.role)
        )
    return member


def transfer(customer: Customer, to: Member, by: str, reason: str, now: datetime) -> list[str]:
    """A manager's transfer of ``customer`` to ``to`` (from its owner, or from the pool)."""
    if customer.archived:
        raise UsageError(
            Msg("{id} is archived", id=customer.id),
            hint=Msg("a manager may restore it: customer archive --undo"),
        )
    if customer.owner == to.id:
        raise UsageError(Msg("{id} is owned by {id2} already", id=customer.id, id2=to.id))
    return hand_over(customer, to.id, by, now, reason)


def leaver_handover(customers: list[Customer], leaver: str, to: str | None, by: str, reason: str,
                    now: datetime) -> list[Customer]:  # fmt: skip
    """What ``member leave`` changes: the leaver's customers to ``to`` (None: to the pool),
    and their open deals and tasks on colleagues' customers to those customers' owners.
    Returns the customers changed."""
    changed = []
    for customer in customers:
        if customer.archived:
            continue
        if customer.owner == leaver:
            if to is None:
                release(customer, by, reason, now)
            else:
                hand_over(customer, to, by, now, reason)
            changed.append(customer)
        elif _hand_back(customer, leaver, by, reason, now):
            changed.append(customer)
    return changed


def holds(facts: Facts, member: str) -> bool:
    """Whether ``member`` owns the customer of ``facts`` (``core/reminders.facts_of``: its
    open deals and open tasks), or one of its open deals or open tasks."""
    return not facts.archived and (
        facts.owner == member
        or any(deal[2] == member for deal in facts.deals)  # (id, name, owner, …)
        or any(task[6] == member for task in facts.tasks)  # (…, owner)
    )


def _hand_back(customer: Customer, leaver: str, by: str, reason: str, now: datetime) -> bool:
    """The leaver's open deals and tasks on a colleague's customer go to its owner (or, in
    the pool, the tasks are cancelled and the deals wait for the claimer)."""
    changed = False
    owner = customer.owner
    for opp in customer.opportunities:
        if owner and opp.stage not in CLOSED_STAGES and opp.owner == leaver:
            changed |= record(opp.changes, opp, "owner", owner, now, by, reason)
    for task in customer.tasks:
        if task.status != "open" or task.owner != leaver:
            continue
        if owner:
            changed |= record(task.changes, task, "owner", owner, now, by, reason)
        else:
            left = reason if isinstance(reason, Cause) else Cause("left", {"member": leaver}, note=reason)
            task.status, task.closed, task.note = "cancelled", now, left
            changed = True
    return changed
