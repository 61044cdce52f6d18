"""Payment collection (回款): a won deal's payment plan, its receipts, and what is still owed.

A plan line (``P1``) is an amount due on a day; a receipt (``R1``) is money that arrived on
a day. Plans add up to the contract amount (a warning while below, refused above);
receipts never exceed what is owed unless taken with ``--overpay`` and a reason. Which
plan line a receipt pays is derived (``allocation``): first the line it was matched to
when recorded (the earliest open one, unless told), then the earliest open lines. Every
change after the fact is an amendment kept with the line (``pay amend``, managers), so
"as of" a day before it still answers what was known then (core/timeline.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from salescrm.core.errors import Msg, NotFoundError, UsageError
from salescrm.core.ids import next_item_id
from salescrm.core.model import Contract, Installment, Opportunity, Receipt
from salescrm.core.parse import When, normal_amount, parse_amount, parse_date, parse_percent, parse_text
from salescrm.core.stages import stage_name
from salescrm.core.timeline import record, refuse_before

CENT = Decimal("0.01")
# Ageing buckets of overdue money, by days past due: (column, first day, last day).
AGEING = (("days_0_30", 1, 30), ("days_31_60", 31, 60), ("days_61_90", 61, 90), ("days_over_90", 91, None))


def contract_of(o: Opportunity, ref: str) -> Contract:
    """The contract payments are planned and received against: only a won deal has one."""
    if o.stage != "won" or o.contract is None:
        raise UsageError(
            Msg(
                "{ref} is {stage_name}, not won; payments are planned and received on a won deal",
                ref=ref,
                stage_name=stage_name(o.stage),
            ),
            hint=Msg(
                "win it first: salescrm opp won {ref} --contract … --amount … --payment-terms …", ref=ref
            ),
        )
    return o.contract


# -- reading what the user typed ------------------------------------------------------------


def parse_money(text: str, what: str) -> Decimal:
    """An amount of money more than zero with at most two decimals (5万 too)."""
    cleaned = text.strip()
    if re.search(r"\.\d{3,}", cleaned):
        raise UsageError(
            Msg("bad {what} {text!r}: more than two decimals", what=what, text=text),
            hint=Msg("amounts are to the cent"),
        )
    if cleaned.startswith("-"):
        raise UsageError(Msg("bad {what} {text!r}: must be more than zero", what=what, text=text))
    return parse_amount(text, what)


def parse_split(text: str, contract: Contract) -> list[tuple[date, Decimal, str]]:
    """``30%@signed,70%@+60d`` → (due, amount, note) per part, from the contract amount: each
    part is a percentage at ``signed``, ``+N d`` (days after signing), ``+N m`` (months) or a
    date. The parts sum to 100 %; the last takes the cents rounding leaves."""
    parts = [p for p in re.split(r"[,，]", text) if p.strip()]
    if not parts:
        raise UsageError(Msg("bad --split {text!r}", text=text), hint=Msg("e.g. --split 30%@signed,70%@+60d"))
    read = []
    for part in parts:
        share, sep, when = part.partition("@")
        if not sep:
            raise UsageError(
                Msg("bad --split part {value!r}: no @WHEN", value=part.strip()),
                hint=Msg("e.g. 30%@signed or 70%@+60d"),
            )
        read.append((parse_percent(share, "--split share"), _split_due(when, contract.signed), part.strip()))
    shares = sum((share for share, _, _ in read), Decimal(0))
    if shares != 100:
        raise UsageError(
            Msg("--split parts sum to {shares}%, not 100%", shares=shares),
            hint=Msg("e.g. --split 30%@signed,70%@+60d"),
        )
    lines, given = [], Decimal(0)
    for index, (share, due, note) in enumerate(read):
        last = index == len(read) - 1
        amount = (
            contract.amount - given if last else (contract.amount * share / 100).quantize(CENT, ROUND_HALF_UP)
        )
        given += amount
        lines.append((due, normal_amount(amount), note))
    return lines


def _split_due(text: str, signed: date) -> date:
    value = text.strip().lower()
    if value in ("signed", "签约", "sign"):
        return signed
    match = re.fullmatch(r"\+(\d{1,4})\s*([dm]?)", value)
    if match:
        count, unit = int(match.group(1)), match.group(2) or "d"
        return signed + timedelta(days=count) if unit == "d" else _add_months(signed, count)
    return parse_date(text, signed, "--split date")


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


# -- recording ------------------------------------------------------------------------------


def add_plan(
    o: Opportunity, ref: str, lines: list[tuple[date, Decimal, str | None]], by: str, at: When
) -> tuple[list[Installment], str | None]:
    """Append plan lines to a won deal; returns them and a warning while the plan is below
    the contract amount. Refused above it, or due before the contract was signed."""
    contract = contract_of(o, ref)
    for due, _, _ in lines:
        refuse_before(due, contract.signed, Msg("due date"), _CONTRACT)
    planned = planned_total(o) + sum((amount for _, amount, _ in lines), Decimal(0))
    if planned > contract.amount:
        raise UsageError(
            Msg(
                "{ref}'s plan would total {planned}, above the contract amount {amount}",
                ref=ref,
                planned=planned,
                amount=contract.amount,
            ),
            hint=Msg(
                "{value} is left to plan; managers: pay amend", value=contract.amount - planned_total(o)
            ),
        )
    added = []
    for due, amount, note in lines:
        line = Installment(next_item_id("P", [p.id for p in o.plan]), due, amount, at, by, note)
        o.plan.append(line)
        added.append(line)
    warning = None
    if planned < contract.amount:
        warning = f"{ref}'s plan totals {planned}, {contract.amount - planned} below the contract amount"
    return added, warning


@dataclass(frozen=True)
class NewReceipt:
    """What ``pay receive`` was given."""

    amount: Decimal
    at: date
    ref: str | None = None
    plan: str | None = None  # P1: the line it pays (default: the earliest open one)
    overpay: str | None = None  # the reason more than is owed is taken


def receive(o: Opportunity, ref: str, new: NewReceipt, by: str) -> Receipt:
    """Record money received against a won deal, matched to a plan line."""
    contract = contract_of(o, ref)
    refuse_before(new.at, contract.signed, Msg("receipt date"), _CONTRACT)
    owed = owed_on(o)
    if new.amount > owed and new.overpay is None:
        raise UsageError(
            Msg(
                "receipt {amount} is above what {ref} still owes ({owed})",
                amount=new.amount,
                ref=ref,
                owed=owed,
            ),
            hint=Msg("take it anyway with --overpay --reason TEXT"),
        )
    reason = parse_text(new.overpay, "--reason", 500) if new.overpay is not None else None
    line: str | None = None
    if new.plan is not None:
        line = find_line(o, ref, new.plan).id
    else:
        line = next((s.id for s in installments(o, new.at) if s.open > 0), None)
    receipt = Receipt(next_item_id("R", [r.id for r in o.receipts]), new.at, new.amount, by, line,
                      parse_text(new.ref, "--ref", 100) if new.ref else None, reason)  # fmt: skip
    o.receipts.append(receipt)
    return receipt


def find_line(o: Opportunity, ref: str, item: str) -> Installment:
    wanted = item.strip().upper()
    for line in o.plan:
        if line.id == wanted:
            return line
    known = ", ".join(line.id for line in o.plan) or Msg("none yet")
    raise NotFoundError(
        Msg("no such plan line {ref}-{wanted}", ref=ref, wanted=wanted),
        hint=Msg("{ref}'s plan lines: {known}", ref=ref, known=known),
    )


_CONTRACT = Msg("the contract")


def split_reference(text: str) -> tuple[str, str]:
    """``CRM202405001-O2-P1`` → (``CRM202405001-O2``, ``P1``)."""
    deal, sep, item = text.strip().upper().rpartition("-")
    if not sep or not re.fullmatch(r"[PR]\d{1,6}", item):
        raise UsageError(
            Msg("bad plan line or receipt {text!r}", text=text),
            hint=Msg("write it as CRM202405001-O2-P1 or …-R1"),
        )
    return deal, item


AMENDABLE = {"P": ("due", "amount", "note"), "R": ("amount", "at", "plan", "ref")}


def amend(
    o: Opportunity, ref: str, item_id: str, values: dict[str, Any], reason: str, by: str, at: When
) -> list[str]:
    """Correct a plan line or receipt at ``at``, keeping the correction in its history;
    returns the fields changed. The plan may still not exceed the contract, nor receipts
    what was owed. On a refusal the caller saves nothing."""
    contract = contract_of(o, ref)
    kind = Msg("plan line") if item_id.startswith("P") else Msg("receipt")
    items: list[Any] = o.plan if item_id.startswith("P") else o.receipts
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        known = ", ".join(i.id for i in items) or Msg("none yet")
        raise NotFoundError(
            Msg("no such {kind} {ref}-{item_id}", kind=kind, ref=ref, item_id=item_id),
            hint=Msg("{ref}'s {kind}s: {known}", ref=ref, kind=kind, known=known),
        )
    wanted = {name: value for name, value in values.items() if value is not None}
    allowed = AMENDABLE[item_id[0]]
    if not wanted or set(wanted) - set(allowed):
        raise UsageError(
            Msg("nothing to amend of {kind} {ref}-{item_id}", kind=kind, ref=ref, item_id=item_id),
            hint=Msg("amend its: {names}", names=", ".join(allowed)),
        )
    why = parse_text(reason, "--reason", 500)
    if "plan" in wanted:
        wanted["plan"] = find_line(o, ref, wanted["plan"]).id
    for name in ("due", "at"):
        if name in wanted:
            refuse_before(wanted[name], contract.signed, f"--{name}", _CONTRACT)
    changed = [
        name for name, value in wanted.items() if record(item.amendments, item, name, value, at, by, why)
    ]
    if planned_total(o) > contract.amount:
        raise UsageError(
            Msg(
                "{ref}'s plan would total {planned_total}, above the contract amount {amount}",
                ref=ref,
                planned_total=planned_total(o),
                amount=contract.amount,
            )
        )
    if owed_on(o) < 0 and not any(r.overpay for r in o.receipts):
        raise UsageError(
            Msg(
                "{ref}'s receipts would total {received_total}, above the contract amount {amount}",
                ref=ref,
                received_total=received_total(o),
                amount=contract.amount,
            ),
            hint=Msg("an overpayment is taken with pay receive --overpay"),
        )
    return changed


# -- what is owed -----------------------------------------------------------------------------


def planned_total(o: Opportunity) -> Decimal:
    return sum((p.amount for p in o.plan), Decimal(0))


def received_total(o: Opportunity, day: date | None = None) -> Decimal:
    return sum((r.amount for r in o.receipts if day is None or r.at <= day), Decimal(0))


def owed_on(o: Opportunity, day: date | None = None) -> Decimal:
    """The contract amount less what was received (up to ``day``); below zero when overpaid."""
    return (o.contract.amount if o.contract else Decimal(0)) - received_total(o, day)


def allocation(o: Opportunity, day: date | None = None) -> dict[str, Decimal]:
    """How much of each plan line the receipts (up to ``day``) have paid: each receipt pays its
    own line first, then the earliest open lines (by due date)."""
    lines = sorted(o.plan, key=lambda p: (p.due, _number(p.id)))
    paid = {p.id: Decimal(0) for p in lines}
    amounts = {p.id: p.amount for p in lines}
    for receipt in o.receipts:
        if day is not None and receipt.at > day:
            continue
        left = receipt.amount
        order = [receipt.plan] if receipt.plan in paid else []
        for line_id in [*order, *(p.id for p in lines)]:
            take = min(left, amounts[line_id] - paid[line_id])
            if take > 0:
                paid[line_id] += take
                left -= take
    return paid


def _number(item_id: str) -> int:
    return int(item_id[1:]) if item_id[1:].isdigit() else 0


class LineStatus(NamedTuple):
    """A plan line as of a day: what it asked, what was paid, what is open, how late."""

    id: str
    due: date
    amount: Decimal
    paid: Decimal
    open: Decimal
    days_late: int  # 0 unless open after its due date
    note: str | None


def installments(o: Opportunity, day: date) -> list[LineStatus]:
    """Every plan line of ``o`` as of ``day`` (the deal already rewound to it), by due date."""
    paid = allocation(o, day)
    found = []
    for p in sorted(o.plan, key=lambda p: (p.due, _number(p.id))):
        open_amount = p.amount - paid[p.id]
        late = (day - p.due).days if open_amount > 0 and p.due < day else 0
        found.append(LineStatus(p.id, p.due, p.amount, normal_amount(paid[p.id]), normal_amount(open_amount),
                                late, p.note))  # fmt: skip
    return found


def bucket_of(days_late: int) -> str | None:
    """The ageing column of money ``days_late`` past due (None: not overdue)."""
    for column, first, last in AGEING:
        if days_late >= first and (last is None or days_late <= last):
            return column
    return None
