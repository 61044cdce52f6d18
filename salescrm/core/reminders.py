"""What is due: open tasks, tier cadence, birthdays, stale deals, escalations.

Everything is computed from a list of customers and an ``as_of`` moment, never
stored: two clones of the data never create the same reminder twice, and the
same computation can run off a cache of parsed records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from salescrm.core.config import Config
from salescrm.core.labels import CLOSED_STAGES
from salescrm.core.model import Customer, Task
from salescrm.core.parse import When, as_datetime, day_of, format_when

SECTIONS = ("review", "overdue", "today", "upcoming", "birthdays", "stale", "feedback", "escalated")


@dataclass(slots=True)  # not frozen: a frozen init is slow, and a team has 30,000 reminders
class Reminder:
    """One thing an owner must do something about.

    ``days`` counts from the due day to ``as_of``: positive is days overdue, 0 is
    due today, negative is days still ahead. For a stale deal it is the days
    since it was last touched.
    """

    kind: str  # task | cadence | birthday | stale | feedback | review
    reference: str  # CRM202405001-T1, CRM202405001 (cadence, birthday), CRM202405001-O1, …-B1
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
    feedback: list[Reminder] = field(default_factory=list)  # other departments' news since the last visit
    review: list[Reminder] = field(default_factory=list)  # the quarterly tier review is due

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


# -- what the rules read of a customer -------------------------------------------------


@dataclass(frozen=True, slots=True)
class BirthdayContact:
    name: str
    birthday: str  # MM-DD or YYYY-MM-DD
    detail: str  # title and phone or e-mail


@dataclass(frozen=True, slots=True)
class OpenDeal:
    id: str
    name: str
    owner: str
    stage: str
    moved: date  # the latest stage move, else the day the deal (or its customer) was created


@dataclass(frozen=True, slots=True)
class FeedbackNote:
    id: str
    at: When
    by: str
    dept: str
    content: str


@dataclass(frozen=True, slots=True)
class Facts:
    """All the reminder rules read of one customer: a few values instead of its whole
    history, so that ``remind`` over 10,000 customers reads a small part of the cache."""

    id: str
    name: str
    tier: str
    owner: str
    archived: bool
    first_contact: date  # the first contact, else the day the customer was created
    last_followup: date | None  # the day of the latest record
    latest_next: date | None  # ``next`` of the latest record (by moment, then number)
    tasks: tuple[Task, ...]  # open tasks
    birthdays: tuple[BirthdayContact, ...]
    deals: tuple[OpenDeal, ...]  # open deals
    feedback: tuple[FeedbackNote, ...] = ()  # feedback newer than the owner's latest record

    @property
    def last_contact(self) -> date:
        """The latest record, else the first contact, else the day the customer was created."""
        return self.last_followup or self.first_contact


def facts_of(customer: Customer) -> Facts:
    c = customer
    latest_next = None
    last_followup = None
    if c.followups:
        last_followup = max(day_of(f.at) for f in c.followups)
        latest_next = max(c.followups, key=lambda f: (as_datetime(f.at), _number(f.id))).next
    birthdays = tuple(
        BirthdayContact(x.name, x.birthday, " ".join(v for v in (x.title, x.phone or x.email) if v))
        for x in c.contacts
        if x.birthday
    )
    deals = tuple(
        OpenDeal(o.id, o.name, o.owner, o.stage,
                 max(m.at for m in o.stage_history) if o.stage_history else (o.created or c.created))
        for o in c.opportunities
        if o.stage not in CLOSED_STAGES
    )  # fmt: skip
    tasks = tuple(Task(t.id, t.due, t.via, t.focus, t.goal, t.owner) for t in c.tasks if t.status == "open")
    return Facts(c.id, c.name, c.tier, c.owner, c.archived, c.first_contact or c.created,
                 last_followup, latest_next, tasks, birthdays, deals, _news(c))  # fmt: skip


def _news(c: Customer) -> tuple[FeedbackNote, ...]:
    """Feedback from others newer than the owner's own latest record of the customer."""
    visits = [as_datetime(f.at) for f in c.followups if f.by == c.owner]
    seen = max(visits) if visits else None
    return tuple(
        FeedbackNote(b.id, b.at, b.by, b.dept, b.content)
        for b in c.feedback
        if b.by != c.owner and (seen is None or as_datetime(b.at) > seen)
    )


def _facts(item: Customer | Facts) -> Facts:
    return item if isinstance(item, Facts) else facts_of(item)


def _number(item_id: str) -> int:
    return int(item_id[1:]) if item_id[1:].isdigit() else 0


# -- the rules, one customer at a time ---------------------------------------------


def cadence_due(customer: Customer | Facts, config: Config) -> date:
    """The day the tier's cadence, or the latest record's ``next``, asks for a follow-up."""
    f = _facts(customer)
    due = f.last_contact + timedelta(days=config.tier_rule(f.tier).cadence_days)
    return min(due, f.latest_next) if f.latest_next is not None else due


def next_due(customer: Customer | Facts, config: Config) -> date:
    """When the customer's next follow-up is due: the earliest of its open tasks and its cadence."""
    f = _facts(customer)
    return min([day_of(t.due) for t in f.tasks] + [cadence_due(f, config)])


def follow_up_reminders(f: Facts, config: Config, today: date) -> list[Reminder]:
    """Each open task, and the cadence when it comes before every open task."""
    reminders = [_task_reminder(f, task, today) for task in f.tasks]
    cadence = cadence_due(f, config)
    if all(cadence < day_of(t.due) for t in f.tasks):
        rule = config.tier_rule(f.tier)
        reminders.append(
            _reminder(
                "cadence",
                f,
                f.id,
                f.owner,
                cadence,
                today,
                f.tier,
                since=f.last_contact,
                limit_days=rule.cadence_days,
            )  # fmt: skip
        )
    return reminders


def _reminder(
    kind: str, f: Facts, reference: str, owner: str, due: When, today: date, what: str, **rest: Any
) -> Reminder:
    """A reminder about customer ``f``; ``days`` counts from ``due`` unless given."""
    rest.setdefault("days", (today - day_of(due)).days)
    return Reminder(kind, reference, f.id, f.name, f.tier, owner, due, what=what, **rest)


def _task_reminder(f: Facts, task: Task, today: date) -> Reminder:
    return _reminder("task", f, f"{f.id}-{task.id}", task.owner, task.due, today, task.focus,
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


def birthday_reminders(f: Facts, config: Config, today: date, lead_days: int | None) -> list[Reminder]:
    """Contacts' birthdays for tiers with birthday care, ``lead_days`` ahead (None: any day)."""
    if not f.birthdays or not config.tier_rule(f.tier).birthday_care:
        return []
    reminders = []
    for contact in f.birthdays:
        day = next_birthday(contact.birthday, today)
        if day is None or (lead_days is not None and (day - today).days > lead_days):
            continue
        reminders.append(
            _reminder("birthday", f, f.id, f.owner, day, today, contact.name, detail=contact.detail)
        )
    return reminders


def stale_reminders(f: Facts, config: Config, today: date) -> list[Reminder]:
    """Open deals untouched (no stage move, no follow-up) for longer than their stage allows."""
    reminders = []
    for deal in f.deals:
        rule = config.stages.get(deal.stage)
        if rule is None or rule.stale_days is None:
            continue
        touched = max(deal.moved, f.last_followup) if f.last_followup else deal.moved
        idle = (today - touched).days
        if idle > rule.stale_days:
            reminders.append(
                _reminder(
                    "stale",
                    f,
                    f"{f.id}-{deal.id}",
                    deal.owner,
                    touched + timedelta(days=rule.stale_days),
                    today,
                    deal.name,
                    days=idle,
                    detail=deal.stage,
                    since=touched,
                    limit_days=rule.stale_days,
                )  # fmt: skip
            )
    return reminders


# -- the whole team ------------------------------------------------------------------


def build_digests(
    customers: Iterable[Customer | Facts],
    config: Config,
    as_of: When,
    within: int = 0,
    review_due: date | None = None,
) -> dict[str, Digest]:
    """Every member's digest (only members with something in it), archived customers left out.

    ``within`` is how many days ahead the upcoming section looks. Customers may be
    given whole or as their ``Facts`` (what the cache keeps for reminders).
    ``review_due``: the end of a quarter whose tier review is due (``tiers.tier_review_due``);
    every manager is reminded of it.
    """
    team = _Team(config, day_of(as_of), within)
    for item in customers:
        f = _facts(item)
        if not f.archived:
            team.add(f)
    if review_due is not None:
        team.add_review(review_due)
    return team.digests()


class _Team:
    """The digests of a whole team, filled one customer at a time."""

    def __init__(self, config: Config, today: date, within: int) -> None:
        self.config, self.today, self.within = config, today, within
        self.managers = {m.id: m.manager for m in config.members}
        self.found: dict[str, Digest] = {}

    def of(self, owner: str) -> Digest:
        digest = self.found.get(owner)
        if digest is None:
            digest = self.found[owner] = Digest(owner)
        return digest

    def add(self, f: Facts) -> None:
        config, today = self.config, self.today
        for reminder in follow_up_reminders(f, config, today):
            _file(self.of(reminder.owner), reminder, self.within)
            manager = self.managers.get(reminder.owner)
            if reminder.kind == "task" and reminder.days > config.escalate_after_days and manager:
                self.of(manager).escalated.append(reminder)
        self.of_each(birthday_reminders(f, config, today, config.birthday_days), "birthdays")
        self.of_each(stale_reminders(f, config, today), "stale")
        self.of_each(feedback_reminders(f, today), "feedback")

    def of_each(self, reminders: list[Reminder], section: str) -> None:
        for reminder in reminders:
            getattr(self.of(reminder.owner), section).append(reminder)

    def add_review(self, due: date) -> None:
        for member in self.config.members:
            if member.role == "manager":
                days = (self.today - due).days
                reminder = Reminder("review", "tier review", "", "", "", member.id, due, days,
                                    "salescrm tier review --apply")  # fmt: skip
                self.of(member.id).review.append(reminder)

    def digests(self) -> dict[str, Digest]:
        for digest in self.found.values():
            digest.sort()
        return {owner: d for owner, d in sorted(self.found.items()) if not d.is_empty()}


def feedback_reminders(f: Facts, today: date) -> list[Reminder]:
    """Feedback from other departments since the owner's latest record, up to today."""
    return [
        _reminder("feedback", f, f"{f.id}-{note.id}", f.owner, note.at, today, note.content,
                  detail=f"{note.by} {note.dept}".strip())
        for note in f.feedback
        if day_of(note.at) <= today
    ]  # fmt: skip


def _file(digest: Digest, reminder: Reminder, within: int) -> None:
    if reminder.days > 0:
        digest.overdue.append(reminder)
    elif reminder.days == 0:
        digest.today.append(reminder)
    elif -reminder.days <= within:
        digest.upcoming.append(reminder)


def calendar_reminders(customers: Iterable[Customer | Facts], config: Config, as_of: When) -> list[Reminder]:
    """What a calendar shows: every open task, each customer's cadence day, cared-for birthdays."""
    today = day_of(as_of)
    reminders: list[Reminder] = []
    for item in customers:
        f = _facts(item)
        if not f.archived:
            reminders += follow_up_reminders(f, config, today)
            reminders += birthday_reminders(f, config, today, None)
    return reminders


# -- facts as plain data, for the cache ------------------------------------------------


def facts_to_data(f: Facts) -> list[Any]:
    """``f`` as plain lists, strings and numbers (days as ordinals): compact and fast to read."""
    return [
        f.id, f.name, f.tier, f.owner, f.archived, f.first_contact.toordinal(),
        f.last_followup.toordinal() if f.last_followup else None,
        f.latest_next.toordinal() if f.latest_next else None,
        [[t.id, format_when(t.due), t.via, t.focus, t.goal, t.owner] for t in f.tasks],
        [[b.name, b.birthday, b.detail] for b in f.birthdays],
        [[d.id, d.name, d.owner, d.stage, d.moved.toordinal()] for d in f.deals],
        [[b.id, format_when(b.at), b.by, b.dept, b.content] for b in f.feedback],
    ]  # fmt: skip


def facts_from_data(data: list[Any]) -> Facts:
    """The inverse of ``facts_to_data`` (for data it wrote; the cache checks the rest)."""
    ident, name, tier, owner, archived, first, last, latest, tasks, birthdays, deals, news = data
    day = date.fromordinal
    return Facts(
        ident, name, tier, owner, archived, day(first),
        day(last) if last is not None else None,
        day(latest) if latest is not None else None,
        tuple(Task(t[0], _when_of(t[1]), t[2], t[3], t[4], t[5]) for t in tasks),
        tuple(BirthdayContact(*b) for b in birthdays),
        tuple(OpenDeal(d[0], d[1], d[2], d[3], day(d[4])) for d in deals),
        tuple(FeedbackNote(b[0], _when_of(b[1]), b[2], b[3], b[4]) for b in news),
    )  # fmt: skip


def _when_of(text: str) -> When:
    return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
