"""What the payment reports read of a customer (回款): its won deals' contracts, plan lines
and receipts as plain values, kept in the cache's index (``store/cache.SUMMARIES["money"]``),
so that ``report receivables``, ``report collection`` and ``pay list`` read a small part of
each customer instead of its whole record (10,000 customers: ~0.3 s instead of ~5 s).

``customers_of`` turns the rows back into model records holding only that money: the same
values the reports would read of the whole customer, so either way prints the same.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from salescrm.core.model import Contract, Customer, Installment, Opportunity, Receipt

# (customer id, customer name, deals); a deal: (id, name, owner, contract number, contract
# amount, signed (ordinal), plan lines (id, due (ordinal), amount, note), receipts (id, at
# (ordinal), amount, plan line)). Amounts as text: exact decimals.
MoneyRows = list[Any]


def money_of(customer: Customer) -> MoneyRows:
    deals = [
        [o.id, o.name, o.owner, o.contract.number, str(o.contract.amount), o.contract.signed.toordinal(),
         [[p.id, p.due.toordinal(), str(p.amount), p.note] for p in o.plan],
         [[r.id, r.at.toordinal(), str(r.amount), r.plan] for r in o.receipts]]
        for o in customer.opportunities
        if o.stage == "won" and o.contract is not None
    ]  # fmt: skip
    return [customer.id, customer.name, deals]


def money_to_data(rows: MoneyRows) -> list[Any]:
    return list(rows)


def money_from_data(data: list[Any]) -> MoneyRows:
    """The inverse of ``money_to_data`` (for data it wrote; the cache checks the rest)."""
    return list(data)


def customers_of(rows: list[MoneyRows]) -> list[Customer]:
    """Customers holding only their won deals' money, for the payment reports."""
    day = date.fromordinal
    found = []
    for customer_id, name, deals in rows:
        if not deals:
            continue
        customer = Customer(customer_id, name, "", "", "", date.min)
        for deal_id, deal_name, owner, number, amount, signed, plan, receipts in deals:
            contract = Contract(number, Decimal(amount), "", day(signed))
            o = Opportunity(
                deal_id, deal_name, contract.amount, contract.signed, owner, "won", contract=contract
            )
            o.plan = [Installment(i, day(due), Decimal(money), contract.signed, owner, note)
                      for i, due, money, note in plan]  # fmt: skip
            o.receipts = [Receipt(i, day(at), Decimal(money), owner, line) for i, at, money, line in receipts]
            customer.opportunities.append(o)
        found.append(customer)
    return found
