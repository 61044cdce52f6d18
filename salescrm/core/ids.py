"""Customer numbers (``CRM202405001``) and record references (``CRM202405001-O1``).

A number is ``CRM`` + the creation month + a sequence of at least three digits.
Numbers are allocated from the set of numbers already taken (file names), so a
new customer never needs another customer's contents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from salescrm.core.errors import Msg, UsageError

CUSTOMER_ID = re.compile(r"^CRM(\d{4})(0[1-9]|1[0-2])(\d{3,})$")
ITEM_PREFIXES = {"T": "task", "F": "follow-up", "O": "opportunity", "B": "feedback"}
_REFERENCE = re.compile(r"^(CRM\d{9,})-([TFOB])(\d{1,6})$")


def is_customer_id(text: str) -> bool:
    return bool(CUSTOMER_ID.match(text))


def check_customer_id(text: str) -> str:
    """``text`` as a customer number, or a clear error (also for ``../x`` and such)."""
    value = text.strip().upper()
    if not CUSTOMER_ID.match(value):
        raise UsageError(
            Msg("bad customer number {text!r}", text=text),
            hint=Msg("customer numbers look like CRM202405001 (CRM, year and month, sequence)"),
        )
    return value


def customer_id(month: date, sequence: int) -> str:
    return f"CRM{month:%Y%m}{sequence:03d}"


def next_customer_id(created: date, taken: Iterable[str]) -> str:
    """The next number for a customer created on ``created``: one past the highest
    number of that month, so numbers are never reused even after gaps."""
    prefix = f"CRM{created:%Y%m}"
    highest = 0
    for number in taken:
        if number.startswith(prefix):  # first: the pattern need not run on 10,000 numbers
            match = CUSTOMER_ID.match(number)
            if match:
                highest = max(highest, int(match.group(3)))
    return customer_id(created, highest + 1)


@dataclass(frozen=True)
class Reference:
    """``CRM202405001-O1``: a customer and one item of one of its lists."""

    customer: str
    kind: str  # T | F | O | B
    number: int

    @property
    def item(self) -> str:
        return f"{self.kind}{self.number}"

    def __str__(self) -> str:
        return f"{self.customer}-{self.item}"


def parse_reference(text: str, kind: str) -> Reference:
    """A reference to an item of ``kind`` (T, F, O or B)."""
    value = text.strip().upper()
    match = _REFERENCE.match(value)
    what = ITEM_PREFIXES[kind]
    if not match or not CUSTOMER_ID.match(match.group(1)) or match.group(2) != kind:
        raise UsageError(
            Msg("bad {what} reference {text!r}", what=what, text=text),
            hint=Msg("write it as CUSTOMER-{kind}N, e.g. CRM202405001-{kind}1", kind=kind),
        )
    return Reference(match.group(1), kind, int(match.group(3)))


def next_item_id(kind: str, taken: Iterable[str]) -> str:
    """``T3`` after ``T1``, ``T2``: one past the highest, never reused."""
    highest = 0
    for item in taken:
        if item.startswith(kind) and item[1:].isascii() and item[1:].isdigit():  # "T²".isdigit() too
            highest = max(highest, int(item[1:]))
    return f"{kind}{highest + 1}"
