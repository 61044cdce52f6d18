"""The records of a customer file (DESIGN §2.1) as plain dataclasses.

They hold values only; rules live in their own modules (stages, tiers, …) and
the YAML mapping lives in ``salescrm.store.yamlio``. Optional values are
``None`` or empty, never absent, so code reads them without guards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from salescrm.core.parse import When


@dataclass
class Change:
    """A dated change of one field (``opp set``, ``opp amend``, a new owner): the value before
    and after, so that "as of" a day before it can undo it (core/timeline.py)."""

    at: When
    by: str
    field: str
    old: Any
    new: Any
    reason: str | None = None


@dataclass
class Contact:
    """A person at the customer."""

    name: str
    title: str | None = None
    phone: str | None = None
    email: str | None = None
    birthday: str | None = None  # "MM-DD" or "YYYY-MM-DD"
    primary: bool = False


@dataclass
class TierChange:
    """A change of tier, by the quarterly review or by hand."""

    at: date
    from_tier: str
    to_tier: str
    reason: str


@dataclass
class Task:
    """A planned follow-up."""

    id: str
    due: When
    via: str
    focus: str
    goal: str
    owner: str
    status: str = "open"  # open | done | cancelled
    created: When | None = None
    closed: When | None = None
    note: str | None = None
    changes: list[Change] = field(default_factory=list)  # of its owner (a handover), dated


@dataclass
class FollowUp:
    """What happened at a contact with the customer."""

    id: str
    at: When
    via: str
    by: str
    content: str
    attachments: list[str] = field(default_factory=list)
    next: date | None = None
    task: str | None = None


@dataclass
class StageMove:
    """An opportunity's move into a stage."""

    stage: str
    at: date
    by: str
    note: str | None = None
    # How a won or lost move closed the deal, kept here once the deal is reopened (while it
    # stays closed, the deal's own contract and loss fields hold them).
    contract: Contract | None = None
    lost_reason: str | None = None
    lost_to: str | None = None
    lost_note: str | None = None


@dataclass
class Negotiation:
    """What the negotiation stage records: decision makers, competitors, obstacles, solutions."""

    decision_makers: list[str] = field(default_factory=list)
    competitors: list[str] = field(default_factory=list)
    obstacles: list[str] = field(default_factory=list)
    solutions: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.decision_makers or self.competitors or self.obstacles or self.solutions)


@dataclass
class Contract:
    """The contract a won opportunity was signed with."""

    number: str
    amount: Decimal
    payment_terms: str
    signed: date
    amendments: list[Change] = field(default_factory=list)  # opp amend: corrections, dated


@dataclass
class Installment:
    """A line of a won deal's payment plan (回款计划): an amount due on a day. Amended
    (manager) with its history, so "as of" a day before still shows the plan then."""

    id: str  # P1: its reference is CRM202405001-O2-P1
    due: date
    amount: Decimal
    at: When  # when it was planned
    by: str
    note: str | None = None
    amendments: list[Change] = field(default_factory=list)


@dataclass
class Receipt:
    """Money received against a won deal (回款), matched to a plan line."""

    id: str  # R1
    at: date  # the day the money arrived
    amount: Decimal
    by: str
    plan: str | None = None  # the plan line it pays first (P1); the rest goes to the earliest open
    ref: str | None = None  # the bank's reference (银行流水号)
    overpay: str | None = None  # why more than was owed was taken (pay receive --overpay --reason)
    amendments: list[Change] = field(default_factory=list)


@dataclass
class Opportunity:
    """A deal, from lead to won or lost."""

    id: str
    name: str
    amount: Decimal
    close: date
    owner: str
    stage: str = "lead"
    created: date | None = None
    probability: Decimal | None = None  # percent; None: the stage's default
    stage_history: list[StageMove] = field(default_factory=list)
    artefacts: dict[str, str] = field(default_factory=dict)
    negotiation: Negotiation = field(default_factory=Negotiation)
    contract: Contract | None = None
    lost_reason: str | None = None
    lost_note: str | None = None
    lost_to: str | None = None  # the competitor that won the deal
    changes: list[Change] = field(default_factory=list)  # opp set, and probabilities reset by moves
    forecast: str | None = None  # commit | best_case | pipeline | omitted; None: from its stage
    plan: list[Installment] = field(default_factory=list)  # of a won deal: when its money is due
    receipts: list[Receipt] = field(default_factory=list)  # and what has come in


@dataclass
class Feedback:
    """Another department's note on the customer (after-sales, marketing, …)."""

    id: str
    at: When
    by: str
    dept: str
    content: str
    attachments: list[str] = field(default_factory=list)


@dataclass
class LostClaim:
    """A claim from the pool that lost to a teammate's earlier claim on another clone
    (core/merge.py settles it when the two meet): kept so the loser is told."""

    at: When  # when the losing claim was made
    by: str  # who made it
    winner: str  # who claimed first
    won_at: When  # when the winning claim was made


@dataclass
class MergedCustomer:
    """A customer merged into this one (``customer merge KEEP DROP``): when and by whom, the
    merged customer as it stood then without its records, and which of this customer's
    records were its (id here → its id). As of a day before the merge, the timeline shows
    those records under the merged customer (core/timeline.py: customers_as_of)."""

    at: When
    by: str
    customer: Customer
    records: dict[str, str] = field(default_factory=dict)
    contacts_before: list[Contact] = field(default_factory=list)  # this customer's, before the merge


@dataclass
class Customer:
    """One customer: one file in customers/, with its contacts, follow-ups, tasks and deals."""

    id: str
    name: str
    source: str
    needs: str
    owner: str  # "" while the customer is in the pool (客户公海, core/pool.py)
    created: date
    credit_code: str | None = None  # 统一社会信用代码, checked (core/identity.py)
    tier: str = "C"
    tier_pinned: bool = False
    industry: str | None = None
    size: str | None = None
    tags: list[str] = field(default_factory=list)
    first_contact: date | None = None
    archived: bool = False
    aliases: list[str] = field(default_factory=list)  # numbers merged into this one (customer merge)
    contacts: list[Contact] = field(default_factory=list)
    tier_history: list[TierChange] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # of its owner and archiving, dated
    lost_claims: list[LostClaim] = field(default_factory=list)
    merged: list[MergedCustomer] = field(default_factory=list)  # customers merged into it, dated
    # Keys this version does not know, kept so that a newer teammate's data survives.
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def primary_contact(self) -> Contact | None:
        for contact in self.contacts:
            if contact.primary:
                return contact
        return self.contacts[0] if self.contacts else None
