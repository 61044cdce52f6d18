"""What is due: open tasks, tier cadence, birthdays, stale deals, escalations.

Everything is computed from a list of customers and an ``as_of`` moment, never
stored: two clones of the data never create the same reminder twice, and the
same computation can run off a cache of parsed records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from salescrm.core.config import Config
from salescrm.core.labels import CLOSED_STAGES
from salescrm.core.parse import When, as_datetime, day_of, format_when

if TYPE_CHECKING:  # read from the cache, facts need no model: remind never imports it
    from salescrm.core.model import Customer

_DUE_DAY = itemgetter(2)  # of a task in Facts
_TASK_OWNER = itemgetter(6)
_DEAL_OWNER = itemgetter(2)  # of an open deal in Facts
_CLAIMER = itemgetter(2)  # of a lost claim in Facts
_PAYER = itemgetter(3)  # the deal owner of an open installment in Facts
ESCALATED = ("task", "payment")  # what a manager sees once it is long overdue

SECTIONS = ("review", "overdue", "today", "upcoming", "birthdays", "stale", "feedback", "escalated",
            "recycle", "claims")  # fmt: skip


@dataclass(slots=True)  # not frozen: a frozen init is slow, and a team has 30,000 reminders
class Reminder:
    """One thing an owner must do something about.

    ``days`` counts from the due day to ``as_of``: positive is days overdue, 0 is
    due today, negative is days still ahead. For a stale deal it is the days
    since it was last touched.
    """

    # task | cadence | birthday | stale | feedback | review | recycle | claim_lost | payment | overplanned
    kind: str
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
    escalated: list[Reminder] = field(default_factory=list)  # the team's tasks and installments long overdue
    feedback: list[Reminder] = field(default_factory=list)  # other departments' news since the last visit
    review: list[Reminder] = field(default_factory=list)  # the quarterly tier review is due
    recycle: list[Reminder] = field(default_factory=list)  # customers soon back in the pool (core/recycle.py)
    claims: list[Reminder] = field(default_factory=list)  # claims lost to a teammate's earlier one

    def sections(self) -> Iterator[tuple[str, list[Reminder]]]:
        for name in SECTIONS:
            yield name, getattr(self, name)

    def is_empty(self) -> bool:
        return not any(items for _, items in self.sections())

    def has_overdue(self) -> bool:
        return bool(self.overdue or self.escalated)

    def sort(self) -> None:
        for _, items in self.sections():  # by (-days, reference): two sorts in C, the second stable
            items.sort(key=attrgetter("reference"))
            items.sort(key=attrgetter("days"), reverse=True)
        self.upcoming.sort(key=lambda r: (day_of(r.due), r.reference))
        self.birthdays.sort(key=lambda r: (day_of(r.due), r.reference))


# -- what the rules read of a customer -------------------------------------------------


Rows = tuple[tuple[Any, ...], ...]  # read-only rows: a tuple is one allocation, a list two


class Facts(NamedTuple):
    """All the reminder rules read of one customer: a few values instead of its whole
    history, so that ``remind`` over 10,000 customers reads a small part of the cache.

    Plain values only (days as ordinals, moments as ISO text, rows as tuples), the same
    whether computed from a customer or read back from the cache (which decodes them as
    tuples): reading 10,000 of them builds no objects but the tuple itself.
    """

    id: str
    name: str
    tier: str
    owner: str
    archived: bool
    first_contact: int  # the first contact, else the day the customer was created (ordinal)
    last_followup: int | None  # the day of the latest record (ordinal)
    latest_next: int | None  # ``next`` of the latest record, by moment then number (ordinal)
    tasks: Rows  # open tasks: (id, due (ISO), due day (ordinal), via, focus, goal, owner)
    birthdays: Rows  # contacts with a valid birthday: (name, month, day, detail)
    deals: Rows  # open deals: (id, name, owner, stage, latest move (ordinal))
    feedback: Rows  # news since the owner's latest record: (id, at (ISO), day, by, dept, content)
    taken: int  # the day the owner took the customer (ordinal; core/recycle.py)
    last_won: int | None  # the day its latest deal was won (ordinal)
    lost_claims: Rows  # claims from the pool that lost: (at (ISO), day, by, winner, won_at (ISO))
    # open installments of won deals (回款): (O1-P2, due day (ordinal), open amount (text), owner, deal)
    installments: Rows = ()
    # won deals planned above their contract (two clones' plans merged): (O1, name, owner, planned, contract)
    overplanned: Rows = ()

    @property
    def last_contact(self) -> int:
        """The latest record, else the first contact, else the day the customer was created."""
        return self.last_followup or self.first_contact


def facts_of(customer: Customer) -> Facts:
    c = customer
    latest_next = None
    last_followup = None
    if c.followups:
        last_followup = max(day_of(f.at) for f in c.followups).toordinal()
        latest = max(c.followups, key=lambda f: (as_datetime(f.at), _number(f.id))).next
        latest_next = latest.toordinal() if latest is not None else None
    birthdays = tuple(
        (x.name, *day, " ".join(v for v in (x.title, x.phone or x.email) if v))
        for x in c.contacts
        if x.birthday and (day := _month_day(x.birthday)) is not None
    )
    deals = tuple(
        (o.id, o.name, o.owner, o.stage,
         (max(m.at for m in o.stage_history) if o.stage_history else (o.created or c.created)).toordinal())
        for o in c.opportunities
        if o.stage not in CLOSED_STAGES
    )  # fmt: skip
    tasks = tuple(
        (t.id, format_when(t.due), day_of(t.due).toordinal(), t.via, t.focus, t.goal, t.owner)
        for t in c.tasks
        if t.status == "open"
    )
    from salescrm.core.pool import last_won, taken_on

    won = last_won(c)
    lost = tuple((format_when(x.at), day_of(x.at).toordinal(), x.by, x.winner, format_when(x.won_at))
                 for x in c.lost_claims)  # fmt: skip
    return Facts(c.id, c.name, c.tier, c.owner, c.archived, (c.first_contact or c.created).toordinal(),
                 last_followup, latest_next, tasks, birthdays, deals, _news(c), taken_on(c).toordinal(),
                 won.toordinal() if won else None, lost, _installments(c), _overplanned(c))  # fmt: skip


def _overplanned(c: Customer) -> Rows:
    """Won deals whose plan lines add up to more than the contract: a manager must amend them."""
    rows = []
    for o in c.opportunities:
        if o.plan and o.contract is not None and o.stage == "won":
            planned = sum(p.amount for p in o.plan)
            if planned > o.contract.amount:
                rows.append((o.id, o.name, o.owner, str(planned), str(o.contract.amount)))
    return tuple(rows)


def _installments(c: Customer) -> Rows:
    """The open part of each plan line of the customer's won deals."""
    if not any(o.plan for o in c.opportunities):
        return ()
    from salescrm.core.payments import allocation  # only a customer with a payment plan needs it

    rows = []
    for o in c.opportunities:
        if o.stage == "won" and o.plan:
            paid = allocation(o)
            rows += [(f"{o.id}-{p.id}", p.due.toordinal(), str(p.amount - paid[p.id]), o.owner, o.name)
                     for p in o.plan if p.amount > paid[p.id]]  # fmt: skip
    return tuple(rows)


def _news(c: Customer) -> Rows:
    """Feedback from others newer than the owner's own latest record of the customer."""
    visits = [as_datetime(f.at) for f in c.followups if f.by == c.owner]
    seen = max(visits) if visits else None
    return tuple(
        (b.id, format_when(b.at), day_of(b.at).toordinal(), b.by, b.dept, b.content)
        for b in c.feedback
        if b.by != c.owner and (seen is None or as_datetime(b.at) > seen)
    )


def _facts(item: Customer | Facts) -> Facts:
    return item if isinstance(item, Facts) else facts_of(item)


def _number(item_id: str) -> int:
    return int(item_id[1:]) if item_id[1:].isdigit() else 0


def _month_day(birthday: str) -> tuple[int, int] | None:
    """Month and day of a ``MM-DD`` / ``YYYY-MM-DD`` birthday."""
    try:
        month, day = (int(part) for part in birthday.split("-")[-2:])
    except ValueError:
        return None
    return month, day


class _Moments(dict[str, When]):
    def __missing__(self, text: str) -> When:
        found = self[text] = datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
        return found


class _Days(dict[int, date]):
    def __missing__(self, ordinal: int) -> date:
        found = self[ordinal] = date.fromordinal(ordinal)
        return found


# -- the rules, one customer at a time ---------------------------------------------


class _Rules:
    """The rules of a config, looked up once: 10,000 customers ask the same few questions."""

    def __init__(self, config: Config) -> None:
        tiers = config.tiers
        fallback = tiers[min(tiers, key=lambda t: tiers[t].threshold)]  # a tier not configured: as tier_rule
        self.cadence = defaultdict(
            lambda: fallback.cadence_days, {n: r.cadence_days for n, r in tiers.items()}
        )
        self.care = defaultdict(
            lambda: fallback.birthday_care, {n: r.birthday_care for n, r in tiers.items()}
        )
        self.stale_days = {name: rule.stale_days for name, rule in config.stages.items()}
        self.pool = config.pool
        self.moment = _Moments()  # ISO text → moment: many tasks share a due time
        self.day = _Days()  # ordinal → day

    def cadence_due(self, f: Facts) -> int:
        due = (f.last_followup or f.first_contact) + self.cadence[f.tier]
        latest = f.latest_next
        return latest if latest is not None and latest < due else due

    def follow_ups(self, f: Facts, today: int, least_days: int | None = None) -> list[Reminder]:
        """Each open task, and the cadence when it comes before every open task; only those
        at least ``least_days`` overdue when given (the rest would be thrown away)."""
        ident, name, tier, tasks = f.id, f.name, f.tier, f.tasks
        found = []
        if tasks:
            moment = self.moment
            found = [
                Reminder("task", f"{ident}-{task_id}", ident, name, tier, owner, moment[due], today - day,
                         focus, goal, via)
                for task_id, due, day, via, focus, goal, owner in tasks
                if least_days is None or today - day >= least_days
            ]  # fmt: skip
        cadence = self.cadence_due(f)
        if (least_days is None or today - cadence >= least_days) and (
            not tasks or cadence < min(map(_DUE_DAY, tasks))
        ):
            found.append(
                Reminder("cadence", ident, ident, name, tier, f.owner, self.day[cadence], today - cadence,
                         tier, "", None, self.day[f.last_contact], self.cadence[tier])
            )  # fmt: skip
        return found

    def birthdays(self, f: Facts, today: int, lead_days: int | None) -> list[Reminder]:
        """Contacts' birthdays for tiers with birthday care, ``lead_days`` ahead (None: any day)."""
        if not f.birthdays or not self.care[f.tier]:
            return []
        found = []
        start = self.day[today]
        for contact, month, day, detail in f.birthdays:
            when = _next_day(month, day, start)
            if when is None or (lead_days is not None and when.toordinal() - today > lead_days):
                continue
            found.append(Reminder("birthday", f.id, f.id, f.name, f.tier, f.owner, when,
                                  today - when.toordinal(), contact, detail))  # fmt: skip
        return found

    def stale(self, f: Facts, today: int) -> list[Reminder]:
        """Open deals untouched (no stage move, no follow-up) for longer than their stage allows."""
        found = []
        last, stale_days, day = f.last_followup, self.stale_days, self.day
        for deal_id, name, owner, stage, moved in f.deals:
            limit = stale_days.get(stage)
            if limit is None:
                continue
            touched = moved if last is None or moved > last else last
            idle = today - touched
            if idle > limit:
                found.append(
                    Reminder("stale", f"{f.id}-{deal_id}", f.id, f.name, f.tier, owner, day[touched + limit],
                             idle, name, stage, None, day[touched], limit)
                )  # fmt: skip
        return found

    def payments(self, f: Facts, today: int, least_days: int | None = None) -> list[Reminder]:
        """Each installment not yet paid in full: due in the window, due today, or overdue."""
        return [
            Reminder("payment", f"{f.id}-{ref}", f.id, f.name, f.tier, owner, self.day[due], today - due,
                     deal, open_amount)
            for ref, due, open_amount, owner, deal in f.installments
            if least_days is None or today - due >= least_days
        ]  # fmt: skip

    def feedback(self, f: Facts, today: int) -> list[Reminder]:
        """Feedback from other departments since the owner's latest record, up to today."""
        return [
            Reminder("feedback", f"{f.id}-{note_id}", f.id, f.name, f.tier, f.owner, self.moment[at],
                     today - day, content, f"{by} {dept}".strip())
            for note_id, at, day, by, dept, content in f.feedback
            if day <= today
        ]  # fmt: skip

    def recycle(self, f: Facts, today: int) -> Reminder | None:
        """The owner's customer due back in the pool within ``warn_days`` (not yet due)."""
        if not f.owner or self.pool.rule(f.tier).never:
            return None
        from salescrm.core.recycle import recycle_of  # it reads these facts

        found = recycle_of(f, self.pool)
        if found is None or not 0 < found.due.toordinal() - today <= self.pool.warn_days:
            return None
        clock, due = (
            found.clock,
            found.due,
        )  # digests say it in the reader's language: what, since, limit_days
        return Reminder("recycle", f.id, f.id, f.name, f.tier, f.owner, due, today - due.toordinal(),
                        clock.kind, since=clock.last, limit_days=clock.days)  # fmt: skip

    def lost_claims(self, f: Facts, today: int) -> list[Reminder]:
        """Claims that lost to a teammate's earlier claim, for ``warn_days`` after."""
        return [
            Reminder("claim_lost", f.id, f.id, f.name, f.tier, by, self.moment[at], today - day,
                     f"{winner} claimed it first", won_at)
            for at, day, by, winner, won_at in f.lost_claims
            if 0 <= today - day <= self.pool.warn_days
        ]  # fmt: skip


def cadence_due(customer: Customer | Facts, config: Config) -> date:
    """The day the tier's cadence, or the latest record's ``next``, asks for a follow-up."""
    return date.fromordinal(_Rules(config).cadence_due(_facts(customer)))


def next_due(customer: Customer | Facts, config: Config) -> date:
    """When the customer's next follow-up is due: the earliest of its open tasks and its cadence."""
    f = _facts(customer)
    return date.fromordinal(min([*map(_DUE_DAY, f.tasks), _Rules(config).cadence_due(f)]))


def next_birthday(birthday: str, today: date) -> date | None:
    """The next day (``today`` included) on which a ``MM-DD`` / ``YYYY-MM-DD`` birthday falls."""
    day = _month_day(birthday)
    return None if day is None else _next_day(*day, today)


def _next_day(month: int, day: int, today: date) -> date | None:
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
    add = team.add
    for item in customers:
        f = _facts(item)
        if not f.archived:
            add(f)
    if review_due is not None:
        team.add_review(review_due)
    return team.digests()


class Due(NamedTuple):
    """What is due on a day, worked out by the index (``store/remind_index.py``) for the
    customers with no event after it: rows of the common reminders, at least ``least_days``
    overdue, and the facts of the customers the rules must read. Equals ``build_digests`` over
    every customer's facts (a differential test holds them together)."""

    tasks: Sequence[
        tuple[Any, ...]
    ]  # (customer, name, tier, task id, due (ISO), due day, via, focus, goal, owner)
    cadence: Sequence[
        tuple[Any, ...]
    ]  # (customer, name, tier, owner, due day, latest contact day): before every task
    payments: Sequence[tuple[Any, ...]]  # (customer, name, tier, O1-P2, due day, open amount, owner, deal)
    stale: Sequence[
        tuple[Any, ...]
    ]  # (customer, name, tier, deal id, deal, owner, stage, last touched day, stale days)
    rare: list[Facts]  # may have a birthday, news, a lost claim, a deal over plan, a pool warning
    whole: list[Facts]  # every rule (rewound customers, and those the index holds no rows of)


def least_days(config: Config, within: int) -> int:
    """A follow-up reminder less overdue than this is neither filed nor escalated."""
    return min(-within, config.escalate_after_days + 1)


def due_digests(due: Due, config: Config, as_of: When, within: int = 0,
                review_due: date | None = None) -> dict[str, Digest]:  # fmt: skip
    """``build_digests`` of what the index found due (``Due``)."""
    team = _Team(config, day_of(as_of), within)
    team.add_due(due)
    for f in due.rare:
        team.add_rare(f)
    for f in due.whole:
        if not f.archived:
            team.add(f)
    if review_due is not None:
        team.add_review(review_due)
    return team.digests()


def people_of(member: str, config: Config) -> set[str]:
    """Whose reminders reach ``member``'s digest: their own, and their team's (escalated)."""
    return {member} | {m.id for m in config.members if m.manager == member}


def concerning(customers: Iterable[Facts], member: str, config: Config) -> list[Facts]:
    """The customers that can put something in ``member``'s digest: those they or their team
    own, or where they or their team own a task or a deal (a manager's digest escalates the
    team's tasks). One member's reminders computed over these equal those over everyone."""
    people = people_of(member, config)
    return [
        f
        for f in customers
        if f.owner in people
        or (f.tasks and not people.isdisjoint(map(_TASK_OWNER, f.tasks)))
        or (f.deals and not people.isdisjoint(map(_DEAL_OWNER, f.deals)))
        or (f.lost_claims and not people.isdisjoint(map(_CLAIMER, f.lost_claims)))
        or (f.installments and not people.isdisjoint(map(_PAYER, f.installments)))
        or (f.overplanned and not people.isdisjoint(map(_DEAL_OWNER, f.overplanned)))
    ]


class _Digests(dict[str, Digest]):
    def __missing__(self, owner: str) -> Digest:
        found = self[owner] = Digest(owner)
        return found


class _Team:
    """The digests of a whole team, filled one customer at a time."""

    def __init__(self, config: Config, today: date, within: int) -> None:
        self.config, self.within = config, within
        self.day, self.today = today, today.toordinal()
        self.rules = _Rules(config)
        self.managers = {m.id: m.manager for m in config.members if m.manager}
        self.escalate_after = config.escalate_after_days
        self.least_days = least_days(config, within)
        self.found = _Digests()

    def add(self, f: Facts) -> None:
        rules, today, found = self.rules, self.today, self.found
        self.file(rules.follow_ups(f, today, self.least_days))
        if f.installments:
            self.file(rules.payments(f, today, self.least_days))
        if f.deals:
            for reminder in rules.stale(f, today):
                found[reminder.owner].stale.append(reminder)
        self.add_rare(f)

    def add_rare(self, f: Facts) -> None:
        """The rules that seldom find something: over-planned deals, birthdays, news, the pool."""
        rules, today, found = self.rules, self.today, self.found
        for deal, name, owner, planned, contract in f.overplanned:  # the manager amends the plan
            reminder = Reminder("overplanned", f"{f.id}-{deal}", f.id, f.name, f.tier, owner, self.day, 0,
                                name, f"{planned} {contract}")  # fmt: skip
            found[self.managers.get(owner) or owner].escalated.append(reminder)
        if f.birthdays:
            for reminder in rules.birthdays(f, today, self.config.birthday_days):
                found[reminder.owner].birthdays.append(reminder)
        if f.feedback:
            for reminder in rules.feedback(f, today):
                found[reminder.owner].feedback.append(reminder)
        self.add_pool(f)

    def add_due(self, due: Due) -> None:
        """The rows the index found due: reminders as ``add`` makes them."""
        today, moment, day, cadence = self.today, self.rules.moment, self.rules.day, self.rules.cadence
        self.file([
            Reminder("task", f"{ident}-{task_id}", ident, name, tier, owner, moment[when], today - due_day,
                     focus, goal, via)
            for ident, name, tier, task_id, when, due_day, via, focus, goal, owner in due.tasks
        ])  # fmt: skip
        self.file([
            Reminder("cadence", ident, ident, name, tier, owner, day[due_day], today - due_day, tier, "",
                     None, day[since], cadence[tier])
            for ident, name, tier, owner, due_day, since in due.cadence
        ])  # fmt: skip
        self.file([
            Reminder("payment", f"{ident}-{ref}", ident, name, tier, owner, day[due_day], today - due_day,
                     deal, open_amount)
            for ident, name, tier, ref, due_day, open_amount, owner, deal in due.payments
        ])  # fmt: skip
        found = self.found
        for ident, name, tier, deal_id, deal, owner, stage, touched, limit in due.stale:
            found[owner].stale.append(
                Reminder("stale", f"{ident}-{deal_id}", ident, name, tier, owner, day[touched + limit],
                         today - touched, deal, stage, None, day[touched], limit)
            )  # fmt: skip

    def add_pool(self, f: Facts) -> None:
        """A warning before the customer goes back to the pool, to its owner and their manager;
        claims of it that lost, to who made them."""
        rules, found = self.rules, self.found
        recycle = rules.recycle(f, self.today)
        if recycle is not None:
            found[recycle.owner].recycle.append(recycle)
            manager = self.managers.get(recycle.owner)
            if manager and manager != recycle.owner:
                found[manager].recycle.append(recycle)
        if f.lost_claims:
            for reminder in rules.lost_claims(f, self.today):
                found[reminder.owner].claims.append(reminder)

    def file(self, reminders: list[Reminder]) -> None:
        """Follow-ups by how overdue they are; a task long overdue to the owner's manager too."""
        found, within, escalate_after = self.found, self.within, self.escalate_after
        for reminder in reminders:
            days = reminder.days
            digest = found[reminder.owner]
            if days > 0:
                digest.overdue.append(reminder)
            elif days == 0:
                digest.today.append(reminder)
            elif -days <= within:
                digest.upcoming.append(reminder)
            if days > escalate_after and reminder.kind in ESCALATED:
                manager = self.managers.get(reminder.owner)
                if manager:
                    found[manager].escalated.append(reminder)

    def add_review(self, due: date) -> None:
        for member in self.config.members:
            if member.role == "manager":
                days = (self.day - due).days
                reminder = Reminder("review", "tier review", "", "", "", member.id, due, days,
                                    "salescrm tier review --apply")  # fmt: skip
                self.found[member.id].review.append(reminder)

    def digests(self) -> dict[str, Digest]:
        for digest in self.found.values():
            digest.sort()
        # "": a customer in the pool (core/pool.py) is nobody's to follow up
        return {owner: d for owner, d in sorted(self.found.items()) if owner and not d.is_empty()}


def calendar_reminders(customers: Iterable[Customer | Facts], config: Config, as_of: When) -> list[Reminder]:
    """What a calendar shows: every open task, each customer's cadence day, cared-for birthdays,
    each installment not yet paid in full."""
    today = day_of(as_of).toordinal()
    rules = _Rules(config)
    reminders: list[Reminder] = []
    for item in customers:
        f = _facts(item)
        if not f.archived:
            reminders += rules.follow_ups(f, today)
            reminders += rules.birthdays(f, today, None)
            reminders += rules.payments(f, today)
    return reminders


# -- facts as plain data, for the cache ------------------------------------------------


def facts_to_data(f: Facts) -> list[Any]:
    """``f`` as plain lists, strings and numbers: compact and fast to read."""
    return list(f)


def facts_from_data(data: list[Any]) -> Facts:
    """The inverse of ``facts_to_data`` (for data it wrote; the cache checks the rest)."""
    return Facts._make(data)
