"""Rules a customer must keep beyond its types: ``validate_*(…) -> list[Problem]``.

Nothing here raises; ``salescrm check`` prints every problem, and writes refuse a
customer with errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from salescrm.core.config import Config
from salescrm.core.errors import Msg, Problem, Term
from salescrm.core.identity import parse_credit_code
from salescrm.core.ids import is_customer_id
from salescrm.core.labels import (
    CHANNELS,
    CLOSED_STAGES,
    DEPARTMENTS,
    FORECASTS,
    SIZES,
    STAGES,
    TASK_STATUSES,
    TIERS,
)
from salescrm.core.model import Customer, Opportunity
from salescrm.core.parse import parse_birthday

Keys = tuple[str | int, ...]
_TIER, _STAGE = Term("heading", "tier"), Term("heading", "stage")
_CHANNEL = Term("heading", "via", "channel")


class _Findings:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, keys: Keys, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.file, message, keys=keys, severity=severity))

    def one_of(self, keys: Keys, value: str | None, allowed: Iterable[str], what: Term) -> None:
        allowed = list(allowed)
        if value is not None and value not in allowed:
            self.add(keys, Msg("unknown {what} {value!r}; one of: {allowed}", what=what, value=value,
                               allowed=", ".join(allowed)))  # fmt: skip


def validate_customer(customer: Customer, config: Config, file: str) -> list[Problem]:
    """Every rule ``customer`` breaks, as problems of ``file``."""
    found = _Findings(file)
    c = customer
    if not is_customer_id(c.id):
        found.add(("id",), Msg("bad customer number {id!r}", id=c.id))
    found.one_of(("tier",), c.tier, TIERS.keys, _TIER)
    found.one_of(("size",), c.size, SIZES.keys, Term("heading", "size"))
    found.one_of(("industry",), c.industry, config.industries, Term("heading", "industry"))
    _member(found, config, ("owner",), c.owner)
    _contacts(found, c)
    _identity(found, c)
    _unique(found, "tasks", [t.id for t in c.tasks])
    _unique(found, "followups", [f.id for f in c.followups])
    _unique(found, "opportunities", [o.id for o in c.opportunities])
    _unique(found, "feedback", [b.id for b in c.feedback])
    for i, task in enumerate(c.tasks):
        found.one_of(("tasks", i, "via"), task.via, CHANNELS.keys, _CHANNEL)
        found.one_of(
            ("tasks", i, "status"), task.status, TASK_STATUSES.keys, Term("heading", "status", "task status")
        )
        _member(found, config, ("tasks", i, "owner"), task.owner)
    task_ids = {t.id for t in c.tasks}
    for i, followup in enumerate(c.followups):
        found.one_of(("followups", i, "via"), followup.via, CHANNELS.keys, _CHANNEL)
        if followup.task and followup.task not in task_ids:
            found.add(
                ("followups", i, "task"),
                Msg("names task {task!r}, which this customer lacks", task=followup.task),
            )
        _attachments(found, c.id, ("followups", i, "attachments"), followup.attachments)
    for i, opportunity in enumerate(c.opportunities):
        _opportunity(found, config, ("opportunities", i), opportunity, c.id)
    for i, item in enumerate(c.feedback):
        found.one_of(
            ("feedback", i, "dept"), item.dept, DEPARTMENTS.keys, Term("heading", "dept", "department")
        )
        _attachments(found, c.id, ("feedback", i, "attachments"), item.attachments)
    for i, change in enumerate(c.tier_history):
        found.one_of(("tier_history", i, "to"), change.to_tier, TIERS.keys, _TIER)
    return found.problems


def _member(found: _Findings, config: Config, keys: Keys, member: str | None) -> None:
    # A member who left the team still owns their history: a warning, not an error.
    if member and config.members and member not in config.member_ids():
        found.add(keys, Msg("{member!r} is not a member of the team", member=member), severity="warning")


def _contacts(found: _Findings, c: Customer) -> None:
    if not c.contacts:
        found.add(("contacts",), Msg("a customer needs at least one contact"))
    for i, contact in enumerate(c.contacts):
        if not (contact.phone or contact.email):
            found.add(("contacts", i), Msg("contact {name!r} has neither phone nor email", name=contact.name))
        if contact.birthday:
            _check(found, ("contacts", i, "birthday"), parse_birthday, contact.birthday)
    if sum(1 for contact in c.contacts if contact.primary) > 1:
        found.add(("contacts",), Msg("more than one contact is marked primary"))
    seen: set[str] = set()
    for i, contact in enumerate(c.contacts):  # a warning: files written before the rule stay usable
        if contact.name in seen:
            found.add(
                ("contacts", i, "name"),
                Msg("two contacts are called {name!r}", name=contact.name),
                severity="warning",
            )
        seen.add(contact.name)


def _identity(found: _Findings, c: Customer) -> None:
    if c.credit_code:
        _check(found, ("credit_code",), parse_credit_code, c.credit_code)
    for i, alias in enumerate(c.aliases):
        if not is_customer_id(alias) or alias == c.id:
            found.add(("aliases", i), Msg("bad merged customer number {alias!r}", alias=alias))


def _check(found: _Findings, keys: Keys, parse: Callable[[str], Any], value: str) -> None:
    try:
        parse(value)
    except Exception as error:  # a UsageError: the value is bad
        found.add(keys, getattr(error, "message", str(error)))


def _unique(found: _Findings, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            found.add((key, index, "id"), Msg("id {id!r} is used twice in {key}", id=item_id, key=key))
        seen.add(item_id)


def _attachments(found: _Findings, customer_id: str, keys: Keys, paths: list[str]) -> None:
    for index, path in enumerate(paths):
        if not is_safe_attachment(customer_id, path):
            found.add(
                (*keys, index),
                Msg("attachment {path!r} is outside attachments/{id}/", path=path, id=customer_id),
            )


def is_safe_attachment(customer_id: str, path: str) -> bool:
    """Only ``attachments/<customer>/<plain name>``: nothing may point elsewhere."""
    parts = path.split("/")
    return (
        len(parts) == 3
        and parts[0] == "attachments"
        and parts[1] == customer_id
        and parts[2] not in ("", ".", "..")
        and "\\" not in path
        and "\x00" not in path
    )


def _opportunity(found: _Findings, config: Config, keys: Keys, o: Opportunity, customer_id: str) -> None:
    found.one_of((*keys, "stage"), o.stage, STAGES.keys, _STAGE)
    _member(found, config, (*keys, "owner"), o.owner)
    if o.stage == "won" and o.contract is None:
        found.add((*keys, "contract"), Msg("a won opportunity needs its contract"))
    if o.stage == "lost" and not o.lost_reason:
        found.add((*keys, "lost_reason"), Msg("a lost opportunity needs its loss reason"))
    if o.stage not in CLOSED_STAGES and o.contract is not None:
        found.add((*keys, "contract"), Msg("an opportunity in stage {stage!r} has a contract", stage=o.stage))
    for index, move in enumerate(o.stage_history):
        found.one_of((*keys, "stage_history", index, "stage"), move.stage, STAGES.keys, _STAGE)
    if o.stage not in CLOSED_STAGES and (o.lost_reason or o.lost_to):
        found.add(
            (*keys, "lost_reason"), Msg("an opportunity in stage {stage!r} has a loss reason", stage=o.stage)
        )
    if o.probability is not None and o.probability > 100:
        found.add((*keys, "probability"), Msg("probability is a percentage from 0 to 100"))
    for name, path in o.artefacts.items():
        if not is_safe_attachment(customer_id, path):
            found.add(
                (*keys, "artefacts", name),
                Msg("artefact {path!r} is outside attachments/{id}/", path=path, id=customer_id),
            )
    _payments(found, keys, o)


def _payments(found: _Findings, keys: Keys, o: Opportunity) -> None:
    """A hand-edited forecast category, plan or receipt keeps the rules ``opp set`` and ``pay``
    keep (core/payments.py)."""
    if o.forecast is not None:
        found.one_of(
            (*keys, "forecast"), o.forecast, FORECASTS.keys, Term("heading", "forecast", "forecast category")
        )
    if not (o.plan or o.receipts):
        return
    if o.contract is None:
        return  # a reopened deal keeps the money it had, until it is won again
    for name, items in (("plan", o.plan), ("receipts", o.receipts)):
        amounts = [item.amount for item in items]
        ids = [item.id for item in items]
        for index, item_id in enumerate(ids):
            if item_id in ids[:index]:
                found.add(
                    (*keys, name, index, "id"), Msg("id {id!r} is used twice in {key}", id=item_id, key=name)
                )
            if amounts[index] <= 0:
                found.add(
                    (*keys, name, index, "amount"), Msg("{id}: the amount must be more than zero", id=item_id)
                )
        limit = o.contract.amount
        if sum(amounts, Decimal(0)) > limit and (name == "plan" or not any(r.overpay for r in o.receipts)):
            # A warning: two clones' plans or receipts merged (core/merge.py) are nobody's
            # mistake, and only a manager may amend them; remind tells the manager.
            found.add(
                (*keys, name),
                Msg(
                    "the {name} total {total}, above the contract amount {limit}; a manager amends it "
                    "(salescrm pay amend)",
                    name=Term("heading", name),
                    total=sum(amounts, Decimal(0)),
                    limit=limit,
                ),
                severity="warning",
            )
    _receipt_links(found, keys, o, o.contract.signed)


def _receipt_links(found: _Findings, keys: Keys, o: Opportunity, signed: date) -> None:
    lines = {p.id for p in o.plan}
    for index, r in enumerate(o.receipts):
        if r.plan is not None and r.plan not in lines:
            found.add(
                (*keys, "receipts", index, "plan"),
                Msg("{id} pays plan line {plan!r}, which does not exist", id=r.id, plan=r.plan),
            )
        if r.at < signed:
            found.add(
                (*keys, "receipts", index, "at"), Msg("{id} is dated before the contract was signed", id=r.id)
            )


def validate_file_name(customer: Customer, stem: str, file: str) -> list[Problem]:
    if customer.id != stem:
        return [
            Problem(
                file,
                Msg("file name {stem!r} differs from its id {id!r}", stem=stem, id=customer.id),
                keys=("id",),
            )
        ]
    return []


def validate_unique_ids(ids_by_file: dict[str, str]) -> list[Problem]:
    """Two files that claim one customer number."""
    owners: dict[str, str] = {}
    problems = []
    for file, customer_id in sorted(ids_by_file.items()):
        if customer_id in owners:
            problems.append(
                Problem(
                    file,
                    Msg("id {id!r} is also used by {file}", id=customer_id, file=owners[customer_id]),
                    keys=("id",),
                )
            )
        else:
            owners[customer_id] = file
    return problems


def contract_numbers(customers: Iterable[Customer]) -> dict[str, str]:
    """Contract number → reference of the opportunity that holds it."""
    numbers: dict[str, str] = {}
    for customer in customers:
        for o in customer.opportunities:
            if o.contract:
                numbers.setdefault(o.contract.number, f"{customer.id}-{o.id}")
    return numbers
