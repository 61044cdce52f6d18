"""Receivables (应收账款) and collection (回款): what won contracts still owe, how late, and
how much of what fell due in a period came in. Definitions in docs/reports.md.

Every function takes customers already rewound to ``as_of`` (``Session.customers(day)``):
a receipt recorded later is not in them, so a report as of a day never changes after it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from salescrm.core.config import Config
from salescrm.core.model import Customer, Installment, Opportunity, Receipt
from salescrm.core.payments import AGEING, bucket_of, installments, owed_on, received_total
from salescrm.core.periods import Period, month_of
from salescrm.core.reports import TOTAL, Report, percent, total

LINE_COLUMNS = ["ref", "customer", "owner", "due", "amount", "paid", "open", "days_late", "status"]
RECEIVABLE_COLUMNS = ["customer", "name", "owner", "contract", "received", "owed", "not_due", "overdue",
                      *(column for column, _, _ in AGEING)]  # fmt: skip
COLLECTION_COLUMNS = ["member", "month", "planned", "received", "collection_pct"]


def won_deals(
    customers: Iterable[Customer], owner: str | None = None
) -> Iterator[tuple[Customer, Opportunity]]:
    """Every deal with a contract (won as of the day the customers were rewound to)."""
    for c in customers:
        for o in c.opportunities:
            if o.stage == "won" and o.contract is not None and (owner is None or o.owner == owner):
                yield c, o


def line_status(days_late: int, open_amount: Decimal) -> str:
    if open_amount <= 0:
        return "paid"
    return "overdue" if days_late else "open"


def plan_lines(
    customers: Iterable[Customer], as_of: date, owner: str | None = None, overdue_only: bool = False
) -> list[dict[str, Any]]:
    """``pay list``: every plan line of every won deal as of ``as_of``, soonest due first."""
    rows = []
    for c, o in won_deals(customers, owner):
        for line in installments(o, as_of):
            status = line_status(line.days_late, line.open)
            if overdue_only and status != "overdue":
                continue
            rows.append({"ref": f"{c.id}-{o.id}-{line.id}", "customer": c.name, "owner": o.owner,
                         "due": line.due, "amount": line.amount, "paid": line.paid, "open": line.open,
                         "days_late": line.days_late, "status": status})  # fmt: skip
    return sorted(rows, key=lambda row: (row["due"], row["ref"]))


def deal_figures(o: Opportunity, as_of: date) -> dict[str, Decimal]:
    """One won deal's receivable as of ``as_of``: contract, received, owed (contract less
    received), overdue (plan lines open past their due date) in ageing buckets, not yet due."""
    assert o.contract is not None
    figures = {column: Decimal(0) for column, _, _ in AGEING}
    for line in installments(o, as_of):
        bucket = bucket_of(line.days_late)
        if bucket is not None:
            figures[bucket] += line.open
    owed = owed_on(o, as_of)
    overdue = sum(figures.values(), Decimal(0))
    return {"contract": o.contract.amount, "received": received_total(o, as_of), "owed": owed,
            "not_due": owed - overdue, "overdue": overdue, **figures}  # fmt: skip


MONEY_COLUMNS = RECEIVABLE_COLUMNS[3:]
SHOW_COLUMNS = {
    "plan": ["line", "due", "amount", "paid", "open", "days_late", "status", "note"],
    "receipts": ["receipt", "at", "amount", "plan", "bank_ref", "overpay"],
    "amendments": ["item", "at", "by", "field", "old", "new", "reason"],
}


def deal_collection(ref: str, o: Opportunity, as_of: date) -> dict[str, Any]:
    """``pay show``: a won deal's figures, plan lines, receipts and amendments as of ``as_of``."""
    lines = [{"line": f"{ref}-{x.id}", "due": x.due, "amount": x.amount, "paid": x.paid, "open": x.open,
              "days_late": x.days_late, "status": line_status(x.days_late, x.open), "note": x.note}
             for x in installments(o, as_of)]  # fmt: skip
    receipts = [{"receipt": f"{ref}-{r.id}", "at": r.at, "amount": r.amount, "plan": r.plan,
                 "bank_ref": r.ref, "overpay": r.overpay, "by": r.by} for r in o.receipts]  # fmt: skip
    items: list[Installment | Receipt] = [*o.plan, *o.receipts]
    history = [{"item": f"{ref}-{item.id}", "at": c.at, "by": c.by, "field": c.field, "old": c.old,
                "new": c.new, "reason": c.reason} for item in items for c in item.amendments]  # fmt: skip
    return {"figures": deal_figures(o, as_of), "plan": lines, "receipts": receipts, "amendments": history}


def receivables(
    customers: Iterable[Customer], config: Config, as_of: date, owner: str | None = None, by: str = "customer"
) -> Report:
    """Owed and overdue per customer (``by="customer"``) or member (``by="member"``), with a
    total row equal to the contract amounts less the receipts."""
    groups: dict[tuple[str, str, str], dict[str, Decimal]] = {}
    names = {m.id: m.name for m in config.members}
    for c, o in won_deals(customers, owner):
        key = (c.id, c.name, o.owner) if by == "customer" else (o.owner, names.get(o.owner, o.owner), o.owner)
        sums = groups.setdefault(key, {column: Decimal(0) for column in MONEY_COLUMNS})
        for column, value in deal_figures(o, as_of).items():
            sums[column] += value
    kept = {key: sums for key, sums in groups.items() if sums["owed"]}  # settled deals are not receivables
    everything = {column: total(sums[column] for sums in kept.values()) for column in MONEY_COLUMNS}
    rows: list[dict[str, Any]] = [
        {"customer": key[0], "name": key[1], "owner": key[2], **_amounts(sums)}
        for key, sums in sorted(kept.items())
    ]
    rows.append({"customer": TOTAL, "name": config.team, "owner": "", **everything})
    columns = RECEIVABLE_COLUMNS if by == "customer" else ["customer", "name", *MONEY_COLUMNS]
    if by == "member":
        columns = ["member", "name", *MONEY_COLUMNS]
        rows = [{"member": row.pop("customer"), **row} for row in rows]
    summary = {"owed": everything["owed"], "overdue": everything["overdue"],
               "overdue_pct": percent(everything["overdue"], everything["owed"])}  # fmt: skip
    return Report("receivables", None, columns, rows, summary)


def _amounts(sums: dict[str, Decimal]) -> dict[str, Decimal]:
    return {column: total([value]) for column, value in sums.items()}


def collection(
    customers: Iterable[Customer], config: Config, period: Period, as_of: date, owner: str | None = None
) -> Report:
    """Planned (plan lines due) against received (receipts) in ``period`` up to ``as_of``, per
    member and month, and the collection rate: received ÷ planned."""
    planned: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    received: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    last = min(period.end, as_of)
    for _, o in won_deals(customers, owner):
        for line in o.plan:
            if period.start <= line.due <= last:
                planned[o.owner, month_of(line.due).label].append(line.amount)
        for receipt in o.receipts:
            if period.start <= receipt.at <= last:
                received[o.owner, month_of(receipt.at).label].append(receipt.amount)
    rows = [_collection_row(member, month, planned[member, month], received[member, month])
            for member, month in sorted({*planned, *received})]  # fmt: skip
    everyone = _collection_row(TOTAL, "", [v for vs in planned.values() for v in vs],
                               [v for vs in received.values() for v in vs])  # fmt: skip
    rows.append(everyone)
    return Report("collection", period.label, COLLECTION_COLUMNS, rows,
                  {"planned": everyone["planned"], "received": everyone["received"],
                   "collection_pct": everyone["collection_pct"]})  # fmt: skip


def _collection_row(
    member: str, month: str, planned: list[Decimal], received: list[Decimal]
) -> dict[str, Any]:
    due, got = total(planned), total(received)
    return {
        "member": member,
        "month": month,
        "planned": due,
        "received": got,
        "collection_pct": percent(got, due),
    }


def collected(customers: Iterable[Customer], days: range) -> dict[str, list[Decimal]]:
    """Money received on ``days`` (ordinals), per deal owner: attainment on the collected basis."""
    found: dict[str, list[Decimal]] = defaultdict(list)
    for _, o in won_deals(customers):
        for receipt in o.receipts:
            if receipt.at.toordinal() in days:
                found[o.owner].append(receipt.amount)
    return found
