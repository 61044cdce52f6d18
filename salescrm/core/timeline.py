"""What was true on a day: a customer's record as it stood at the end of that day.

Every reading command answers "as of D" through ``customer_as_of`` (DESIGN §7.1): a record
rewound to D is what the same data would hold had nothing after D been recorded. Events
are the dated parts of a record: its creation, follow-ups, feedback, tasks planned and
closed and handed over, tier changes, owner and archive changes, claims from the pool that
lost to a teammate's, and of each deal its opening, stage
moves, changes (``opp set``, the probability a move resets) its contract's
amendments, and its payment plan lines, receipts (on the day the money arrived) and
their amendments, and merges (a customer merged into another stands apart before the merge:
``customers_as_of``). Everything else (name, tags, contacts, negotiation notes) is shown as it is
now. Events on one day count in the order they were made: a record's lists are kept in
that order, so the state at the end of a day is the **last** of that day's moves.

Undoing a change needs the value it replaced, so changes hold both, and each deal's
events are recorded in date order (``check_deal_order``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from salescrm.core.errors import Msg, UsageError
from salescrm.core.labels import CLOSED_STAGES
from salescrm.core.model import (
    Change,
    Customer,
    Installment,
    MergedCustomer,
    Opportunity,
    Receipt,
    StageMove,
    Task,
)
from salescrm.core.parse import When, as_datetime, day_of, format_when

# How far ahead of the clock a recorded moment may be: two machines' clocks differ a little.
CLOCK_SKEW = timedelta(minutes=5)


# -- refusing impossible history ----------------------------------------------------------


def refuse_future(at: When, now: datetime, what: str = "date") -> None:
    """Nothing is recorded as having happened later than now (give or take CLOCK_SKEW)."""
    if as_datetime(at) > now + CLOCK_SKEW:
        raise UsageError(
            Msg(
                "{what} {format_when} is in the future (now {format_when2})",
                what=what,
                format_when=format_when(at),
                format_when2=format_when(now),
            ),
            hint=Msg("record what has already happened; a date may be at most 5 minutes ahead of the clock"),
        )


def refuse_before(at: When, start: date, what: str, whose: str) -> None:
    """Nothing happens to a record before it existed."""
    if day_of(at) < start:
        raise UsageError(
            Msg(
                "{what} {format_when} is before {whose} existed ({start})",
                what=what,
                format_when=format_when(at),
                whose=whose,
                start=start,
            ),
            hint=Msg("give a date on or after {start}", start=start),
        )


# Changes that annotate a deal (its documents and negotiation notes, recorded when given) rather
# than move it: they are dated for "as of", but do not hold back a backdated move.
ANNOTATIONS = ("artefacts.", "negotiation.")


def latest_deal_event(o: Opportunity, annotations: bool = True) -> date | None:
    """The day of the deal's latest recorded event (a move, a change, an amendment)."""
    changes = [c for c in o.changes if annotations or not c.field.startswith(ANNOTATIONS)]
    days = [m.at for m in o.stage_history] + [day_of(c.at) for c in changes]
    if o.contract:
        days += [day_of(a.at) for a in o.contract.amendments]
    if annotations:  # money planned and received does not hold back a move either
        days += payment_days(o)
    return max(days, default=None)


def payment_days(o: Opportunity) -> list[date]:
    """The days of a deal's payment events: plan lines, receipts, and their amendments."""
    days = [day_of(p.at) for p in o.plan] + [r.at for r in o.receipts]
    items: list[Installment | Receipt] = [*o.plan, *o.receipts]
    for item in items:
        days += [day_of(a.at) for a in item.amendments]
    return days


def check_deal_order(o: Opportunity, ref: str, at: When) -> None:
    """A deal's events are recorded in date order: a new one is not dated before the last."""
    latest = latest_deal_event(o, annotations=False)
    if latest is not None and day_of(at) < latest:
        raise UsageError(
            Msg(
                "{ref} last changed on {latest}; {format_when} is earlier",
                ref=ref,
                latest=latest,
                format_when=format_when(at),
            ),
            hint="a deal's history is recorded in date order: give a date on or after " + str(latest),
        )


# -- recording changes ------------------------------------------------------------------


def record(changes: list[Change], target: Any, name: str, value: Any, at: When, by: str,
           reason: str | None = None) -> bool:  # fmt: skip
    """Set ``name`` of ``target`` to ``value`` and append the dated change; False when it is
    the same. ``name`` is a field, or a path into one (``artefacts.needs_report``,
    ``negotiation.competitors``); None in a mapping is no entry."""
    old = _get(target, name)
    if old == value:
        return False
    _put(target, name, value)
    changes.append(Change(at, by, name, old, value, reason))
    return True


def _get(target: Any, path: str) -> Any:
    *parents, last = path.split(".")
    for name in parents:
        target = getattr(target, name)
    return target.get(last) if isinstance(target, dict) else getattr(target, last)


def _put(target: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for name in parents:
        target = getattr(target, name)
    if not isinstance(target, dict):
        setattr(target, last, value)
    elif value is None:
        target.pop(last, None)
    else:
        target[last] = value


# -- rewinding ----------------------------------------------------------------------------


def customer_as_of(customer: Customer, day: date) -> Customer | None:
    """``customer`` as it stood at the end of ``day``; None when it did not exist yet.

    The record itself when nothing in it is dated after ``day``."""
    c = customer
    if c.created > day:
        return None
    if last_event_day(c) <= day:
        return c
    later = {mine for m in c.merged if day_of(m.at) > day for mine in m.records}  # still another's
    rewound = replace(
        c,
        tier_history=[t for t in c.tier_history if t.at <= day],
        tasks=[_task_as_of(t, day) for t in c.tasks
               if (t.created is None or day_of(t.created) <= day) and t.id not in later],
        followups=[f for f in c.followups if day_of(f.at) <= day and f.id not in later],
        feedback=[b for b in c.feedback if day_of(b.at) <= day and b.id not in later],
        opportunities=[o for o in (deal_as_of(o, opened(o, c), day) for o in c.opportunities
                                   if o.id not in later) if o],
        changes=[],
        lost_claims=[lost for lost in c.lost_claims if day_of(lost.at) <= day],
        merged=[m for m in c.merged if day_of(m.at) <= day],
    )  # fmt: skip
    rewound.changes = _undo(rewound, c.changes, day)  # on the copy: the record itself stays
    if rewound.first_contact and rewound.first_contact > day:
        rewound.first_contact = None
    undone = [m for m in c.merged if day_of(m.at) > day]
    if undone:  # the contacts it had before the first merge undone
        rewound.contacts = list(undone[0].contacts_before)
    for change in reversed([t for t in c.tier_history if t.at > day]):
        rewound.tier = change.from_tier
    return rewound


def customers_as_of(customer: Customer, day: date) -> list[Customer]:
    """``customer`` as it stood at the end of ``day`` (unless created later), and each
    customer merged into it after that day, as it stood then, apart: its own number, owner
    and tier, and the records it brought (by their ids there)."""
    rewound = customer_as_of(customer, day)
    found = [rewound] if rewound is not None else []
    for merge in customer.merged:
        if day_of(merge.at) > day:
            found += customers_as_of(merged_customer(customer, merge), day)
    return found


def standing(customer: Customer, number: str, day: date) -> Customer | None:
    """The customer ``number`` named at the end of ``day``, read from ``customer`` (the file that
    holds it now): ``customer`` rewound, or a customer merged into it later, apart as it stood
    then; None when it did not exist yet."""
    found = customers_as_of(customer, day)
    return next((c for c in found if c.id == number), None) or next(
        (c for c in found if c.id == customer.id), None
    )


def item_here(customer: Customer, number: str, item: str) -> str | None:
    """The id in ``customer`` of item ``item`` (``O1``) of customer ``number``: the item
    itself, or the one a customer merged into it brought (CRM…DROP-O1 is KEEP's O3)."""
    if number == customer.id:
        return item
    for merge in customer.merged:
        theirs = item_here(merge.customer, number, item)
        if theirs is not None:
            return next((mine for mine, old in merge.records.items() if old == theirs), None)
    return None


def merged_customer(customer: Customer, merge: MergedCustomer) -> Customer:
    """The customer that ``merge`` merged into ``customer``, with the records it brought as
    they are now (renumbered back; a follow-up's task too)."""
    theirs = merge.records
    return replace(
        merge.customer,
        tasks=[replace(t, id=theirs[t.id]) for t in customer.tasks if t.id in theirs],
        followups=[replace(f, id=theirs[f.id], task=theirs.get(f.task, f.task) if f.task else None)
                   for f in customer.followups if f.id in theirs],
        opportunities=[replace(o, id=theirs[o.id]) for o in customer.opportunities if o.id in theirs],
        feedback=[replace(b, id=theirs[b.id]) for b in customer.feedback if b.id in theirs],
    )  # fmt: skip


def deal_as_of(opp: Opportunity, opened_day: date, day: date) -> Opportunity | None:
    """The deal as it stood at the end of ``day`` (None: not yet opened)."""
    o = opp
    if opened_day > day:
        return None
    latest = latest_deal_event(o)
    if latest is None or latest <= day:
        return o
    moves = [m for m in o.stage_history if m.at <= day]
    rewound = replace(o, stage_history=moves, changes=[], contract=None, lost_reason=None,
                      lost_note=None, lost_to=None, artefacts=dict(o.artefacts),
                      negotiation=replace(o.negotiation), plan=_plan_as_of(o.plan, day),
                      receipts=_receipts_as_of(o.receipts, day))  # fmt: skip
    rewound.changes = _undo(rewound, o.changes, day)
    if not o.stage_history:
        return rewound  # an old record without a history keeps its stage
    last = moves[-1] if moves else None
    rewound.stage = last.stage if last else "lead"
    if last is not None and last.stage in CLOSED_STAGES:
        _close_as_of(rewound, o, last, day)
    return rewound


def _close_as_of(rewound: Opportunity, o: Opportunity, last: StageMove, day: date) -> None:
    """The contract or loss the deal stood closed with: the deal's own while this move is
    its latest, else the one the move kept when the deal was reopened."""
    current = last is o.stage_history[-1]
    if last.stage == "won":
        contract = o.contract if current else last.contract
        rewound.contract = _amended_as_of(contract, day) if contract else None
    else:
        source: Any = o if current else last
        rewound.lost_reason, rewound.lost_note, rewound.lost_to = (
            source.lost_reason, source.lost_note, source.lost_to
        )  # fmt: skip
    if not current:  # the move no longer keeps what the deal now holds itself
        rewound.stage_history[-1] = replace(last, contract=None, lost_reason=None, lost_note=None,
                                            lost_to=None)  # fmt: skip


def _plan_as_of(plan: list[Installment], day: date) -> list[Installment]:
    return [_amended_as_of(p, day) for p in plan if day_of(p.at) <= day]


def _receipts_as_of(receipts: list[Receipt], day: date) -> list[Receipt]:
    return [_amended_as_of(r, day) for r in receipts if r.at <= day]


def _amended_as_of(item: Any, day: date) -> Any:
    """A contract, plan line or receipt with its amendments after ``day`` undone."""
    if all(day_of(a.at) <= day for a in item.amendments):
        return item
    rewound = replace(item, amendments=[])
    rewound.amendments = _undo(rewound, item.amendments, day)
    return rewound


def _undo(target: Any, changes: list[Change], day: date) -> list[Change]:
    """Undo on ``target`` the ``changes`` dated after ``day``, latest first; the rest, kept."""
    for change in reversed([c for c in changes if day_of(c.at) > day]):
        _put(target, change.field, change.old)
    return [c for c in changes if day_of(c.at) <= day]


def _task_as_of(task: Task, day: date) -> Task:
    closed_later = task.closed is not None and day_of(task.closed) > day
    if not closed_later and all(day_of(c.at) <= day for c in task.changes):
        return task
    rewound = replace(task, status="open", closed=None, note=None) if closed_later else replace(task)
    rewound.changes = _undo(rewound, task.changes, day)  # a handover to another owner
    return rewound


def opened(opp: Opportunity, customer: Customer) -> date:
    """The day a deal was opened: its ``created``, else its first move, else the customer's."""
    if opp.created:
        return opp.created
    if opp.stage_history:
        return min(move.at for move in opp.stage_history)
    return customer.created


def last_event_day(customer: Customer) -> date:
    """The day of the latest event in the record: as of that day or later it is unchanged."""
    c = customer
    days = [c.created, *(t.at for t in c.tier_history)]
    if c.first_contact:
        days.append(c.first_contact)
    days += [day_of(f.at) for f in c.followups] + [day_of(b.at) for b in c.feedback]
    days += [day_of(change.at) for change in c.changes] + [day_of(lost.at) for lost in c.lost_claims]
    for task in c.tasks:
        days += [day_of(moment) for moment in (task.created, task.closed) if moment is not None]
        days += [day_of(change.at) for change in task.changes]
    for o in c.opportunities:
        days.append(opened(o, c))
        latest = latest_deal_event(o)
        if latest:
            days.append(latest)
    return max(days)
