"""What is due: open tasks, tier cadence, birthdays, stale deals, escalations.

Everything is computed from a list of customers and an ``as_of`` moment, never
stored: two clones of the data never create the same reminder twice, and the
same computation can run off a cache of parsed records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from salescrm.core.config import Config
from salescrm.core.labels import CLOSED_STAGES
from salescrm.core.model import Customer, Opportunity, Task
from salescrm.core.parse import When, as_datetime, day_of

SECTIONS = ("overdue", "today", "upcoming", "birthdays", "stale", "escalated")


@dataclass(frozen=True)
class Reminder:
    """One thing an owner must do something about.

    ``days`` counts from the due day to ``as_of``: positive is days overdue, 0 is
    due today, negative is days still ahead. For a stale deal it is the days
    since it was last touched.
    """

    kind: str  # task | cadence | birthday | stale
    reference: str  # CRM202405001-T1, CRM202405001 (cadence, birthday), CRM202405001-O1
    customer: str
    customer_name: str
    tier: str
    owner: str
    due: When
    days: int
    what: str  # the task's focus, the customer's tier, the contact, the deal
    detail: str = ""  # the task's goal, the contact's title and phone, the deal's stage
    via: str | None = None  # a task's channel
    since: date | None = None  # cadence: the latest contact; stale: the latest touch
    limit_days: int | None = None  # cadence days of the tier; stale days of the stage


@dataclass
class Digest:
    """One member's reminders, by section."""

    owner: str
    overdue: list[Reminder] = field(default_factory=list)
    today: list[Reminder] = field(default_factory=list)
    upcoming: list[Reminder] = field(default_factory=list)
    birthdays: list[Reminder] = field(default_factory=list)
    stale: list[Reminder] = field(default_factory=list)
    escalated: list[Reminder] = field(default_factory=list)  # the team's tasks long overdue

    def sections(self) -> Iterator[tuple[str, list[Reminder]]]:
        for name in SECTIONS:
            yield name, getattr(self, name)

    def is_empty(self) -> bool:
        return not any(items for _, items in self.sections())

    def has_overdue(self) -> bool:
        return bool(self.overdue or self.escalated)

    def sort(self) -> None:
        for _, items in self.sections():
            items.sort(key=lambda r: (-r.days, r.reference))
        self.upcoming.sort(key=lambda r: (day_of(r.due), r.reference))
        self.birthdays.sort(key=lambda r: (day_of(r.due), r.reference))


# -- the rules, one customer at a time ---------------------------------------------


def last_contact(customer: Customer) -> date:
    """The latest record, else the first contact, else the day the customer was created."""
    if customer.followups:
        return max(day_of(f.at) for f in customer.followups)
    return customer.first_contact or customer.created


def cadence_due(customer: Customer, config: Config) -> date:
    """The day the tier's cadence, or the latest record's ``next``, asks for a follow-up."""
    due = last_contact(customer) + timedelta(days=config.tier_rule(customer.tier).cadence_days)
    if customer.followups:
        latest = max(customer.followups, key=lambda f: (as_datetime(f.at), _number(f.id)))
        if latest.next is not None:
            due = min(due, latest.next)
    return due


def _number(item_id: str) -> int:
    return int(item_id[1:]) if item_id[1:].isdigit() else 0


def open_tasks(customer: Customer) -> list[Task]:
    return [t for t in customer.tasks if t.status == "open"]


def next_due(customer: Customer, config: Config) -> date:
    """When the customer's next follow-up is due: the earliest of its open tasks and its cadence."""
    return min([day_of(t.due) for t in open_tasks(customer)] + [cadence_due(customer, config)])


def follow_up_reminders(customer: Customer, config: Config, today: date) -> list[Reminder]:
    """Each open task, and the cadence when it comes before every open task."""
    reminders = [_task_reminder(customer, task, today) for task in open_tasks(customer)]
    cadence = cadence_due(customer, config)
    if all(cadence < day_of(t.due) for t in open_tasks(customer)):
        rule = config.tier_rule(customer.tier)
        since = last_contact(customer)
        reminders.append(
            _reminder(
                "cadence",
                customer,
                customer.id,
                customer.owner,
                cadence,
                today,
                customer.tier,
                since=since,
                limit_days=rule.cadence_days,
            )  # fmt: skip
        )
    return reminders


def _reminder(
    kind: str, customer: Customer, reference: str, owner: str, due: When, today: date, what: str, **rest: Any
) -> Reminder:
    """A reminder about ``customer``; ``days`` counts from ``due`` unless given."""
    rest.setdefault("days", (today - day_of(due)).days)
    return Reminder(kind, reference, customer.id, customer.name, customer.tier, owner, due, what=what, **rest)


def _task_reminder(customer: Customer, task: Task, today: date) -> Reminder:
    reference = f"{customer.id}-{task.id}"
    return _reminder("task", customer, reference, task.owner, task.due, today, task.focus,
                     detail=task.goal, via=task.via)  # fmt: skip


def next_birthday(birthday: str, today: date) -> date | None:
    """The next day (``today`` included) on which a ``MM-DD`` / ``YYYY-MM-DD`` birthday falls."""
    try:
        month, day = (int(part) for part in birthday.split("-")[-2:])
    except ValueError:
        return None
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 February in a common year: celebrated on the 28th
            try:
                candidate = date(year, month, day - 1)
            except ValueError:
                return None
        if candidate >= today:
            return candidate
    return None


def birthday_reminders(
    customer: Customer, config: Config, today: date, lead_days: int | None
) -> list[Reminder]:
    """Contacts' birthdays for tiers with birthday care, ``lead_days`` ahead (None: any day)."""
    if not config.tier_rule(customer.tier).birthday_care:
        return []
    reminders = []
    for contact in customer.contacts:
        day = next_birthday(contact.birthday, today) if contact.birthday else None
        if day is None or (lead_days is not None and (day - today).days > lead_days):
            continue
        detail = " ".join(x for x in (contact.title, contact.phone or contact.email) if x)
        reminders.append(
            _reminder(
                "birthday", customer, customer.id, customer.owner, day, today, contact.name, detail=detail
            )
        )
    return reminders


def last_touched(customer: Customer, opportunity: Opportunity) -> date:
    """The later of the deal's latest stage move and the customer's latest follow-up."""
    moves = [m.at for m in opportunity.stage_history]
    touched = max(moves) if moves else (opportunity.created or customer.created)
    if customer.followups:
        touched = max(touched, max(day_of(f.at) for f in customer.followups))
    return touched


def stale_reminders(customer: Customer, config: Config, today: date) -> list[Reminder]:
    """Open deals untouched (no stage move, no follow-up) for longer than their stage allows."""
    reminders = []
    for o in customer.opportunities:
        rule = config.stages.get(o.stage)
        if o.stage in CLOSED_STAGES or rule is None or rule.stale_days is None:
            continue
        touched = last_touched(customer, o)
        idle = (today - touched).days
        if idle > rule.stale_days:
            stale_since = touched + timedelta(days=rule.stale_days)
            reminders.append(
                _reminder(
                    "stale",
                    customer,
                    f"{customer.id}-{o.id}",
                    o.owner,
                    stale_since,
                    today,
                    o.name,
                    days=idle,
                    detail=o.stage,
                    since=touched,
                    limit_days=rule.stale_days,
                )  # fmt: skip
            )
    return reminders


# -- the whole team ------------------------------------------------------------------


def build_digests(
    customers: Iterable[Customer], config: Config, as_of: When, within: int = 0
) -> dict[str, Digest]:
    """Every member's digest (only members with something in it), archived customers left out.

    ``within`` is how many days ahead the upcoming section looks.
    """
    today = day_of(as_of)
    digests: dict[str, Digest] = {}

    def digest(owner: str) -> Digest:
        return digests.setdefault(owner, Digest(owner))

    for customer in customers:
        if customer.archived:
            continue
        for reminder in follow_up_reminders(customer, config, today):
            _file(digest(reminder.owner), reminder, within)
            manager = _manager(config, reminder.owner)
            if reminder.kind == "task" and reminder.days > config.escalate_after_days and manager:
                digest(manager).escalated.append(reminder)
        for reminder in birthday_reminders(customer, config, today, config.birthday_days):
            digest(reminder.owner).birthdays.append(reminder)
        for reminder in stale_reminders(customer, config, today):
            digest(reminder.owner).stale.append(reminder)
    for item in digests.values():
        item.sort()
    return {owner: d for owner, d in sorted(digests.items()) if not d.is_empty()}


def _file(digest: Digest, reminder: Reminder, within: int) -> None:
    if reminder.days > 0:
        digest.overdue.append(reminder)
    elif reminder.days == 0:
        digest.today.append(reminder)
    elif -reminder.days <= within:
        digest.upcoming.append(reminder)


def _manager(config: Config, member_id: str) -> str | None:
    for member in config.members:
        if member.id == member_id:
            return member.manager
    return None


def calendar_reminders(customers: Iterable[Customer], config: Config, as_of: When) -> list[Reminder]:
    """What a calendar shows: every open task, each customer's cadence day, cared-for birthdays."""
    today = day_of(as_of)
    reminders: list[Reminder] = []
    for customer in customers:
        if not customer.archived:
            reminders += follow_up_reminders(customer, config, today)
            reminders += birthday_reminders(customer, config, today, None)
    return reminders
