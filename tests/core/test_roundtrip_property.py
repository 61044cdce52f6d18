"""Property: writing a customer and reading it back gives the same customer (Chinese included),
and so does the index's fast rebuild of the data written (core/rebuild.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salescrm.core.model import (
    Change,
    Contact,
    Contract,
    Customer,
    FollowUp,
    Installment,
    Opportunity,
    Receipt,
    StageMove,
    Task,
)
from salescrm.core.rebuild import builder
from salescrm.core.records import customer_from_data, customer_to_data
from salescrm.store.yamlio import dump_text, load_text

# Text as people type it: CJK, Latin, digits, punctuation, emoji; no control characters.
TEXT = (
    st.text(
        alphabet=st.characters(
            codec="utf-8",
            exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"),
            include_characters="某科技有限公司采购需求，。、：；！？（）“”《》—…",
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
MOMENTS = st.one_of(DAYS, st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
))  # fmt: skip
AMOUNTS = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False).map(
    lambda d: d.quantize(Decimal(1)) if d == d.to_integral_value() else d
)
CHANNELS = st.sampled_from(["phone", "visit", "email", "meeting"])
AMENDMENTS = st.lists(
    st.builds(Change, MOMENTS, st.just("li.na"), st.just("amount"), AMOUNTS, AMOUNTS, st.none() | TEXT),
    max_size=2,
)
INSTALLMENTS = st.builds(Installment, st.sampled_from(["P1", "P2"]), DAYS, AMOUNTS, MOMENTS, st.just("zhang.wei"),
                         st.none() | TEXT, AMENDMENTS)  # fmt: skip
RECEIPTS = st.builds(Receipt, st.sampled_from(["R1", "R2"]), DAYS, AMOUNTS, st.just("zhang.wei"),
                     st.none() | st.just("P1"), st.none() | TEXT, st.none() | TEXT, AMENDMENTS)  # fmt: skip


# Owner changes, to and from the pool ("", written as null).
OWNER_CHANGES = st.lists(
    st.builds(Change, MOMENTS, st.just("li.na"), st.just("owner"), st.sampled_from(["", "li.na"]),
              st.sampled_from(["", "zhang.wei"]), st.none() | TEXT),
    max_size=2,
)  # fmt: skip


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    tasks = [
        Task(f"T{i}", draw(MOMENTS), draw(CHANNELS), draw(TEXT), draw(TEXT), "zhang.wei",
             draw(st.sampled_from(["open", "done"])))
        for i in range(1, draw(st.integers(0, 3)) + 1)
    ]  # fmt: skip
    followups = [
        FollowUp(f"F{i}", draw(MOMENTS), draw(CHANNELS), "zhang.wei", draw(TEXT),
                 next=draw(st.none() | DAYS))
        for i in range(1, draw(st.integers(0, 3)) + 1)
    ]  # fmt: skip
    opportunities = []
    for i in range(1, draw(st.integers(0, 2)) + 1):
        won = draw(st.booleans())
        opportunities.append(
            Opportunity(
                f"O{i}", draw(TEXT), draw(AMOUNTS), draw(DAYS), "zhang.wei",
                stage="won" if won else "lead",
                stage_history=[StageMove("lead", draw(DAYS), "zhang.wei", draw(st.none() | TEXT))],
                contract=Contract(draw(TEXT), draw(AMOUNTS), draw(TEXT), draw(DAYS)) if won else None,
                forecast=draw(st.none() | st.sampled_from(["commit", "best_case", "pipeline", "omitted"])),
                plan=draw(st.lists(INSTALLMENTS, max_size=2)) if won else [],
                receipts=draw(st.lists(RECEIPTS, max_size=2)) if won else [],
            )
        )  # fmt: skip
    return Customer(
        id="CRM202405001",
        name=draw(TEXT),
        source=draw(TEXT),
        needs=draw(TEXT),
        owner=draw(st.sampled_from(["zhang.wei", ""])),
        created=draw(DAYS),
        tier=draw(st.sampled_from(["VIP", "A", "B", "C"])),
        tags=sorted(set(draw(st.lists(TEXT, max_size=4)))),
        contacts=[
            Contact(
                draw(TEXT), phone="021-5555-5678", birthday=draw(st.none() | st.just("05-12")), primary=True
            )
        ],
        tasks=tasks,
        followups=followups,
        opportunities=opportunities,
        changes=draw(OWNER_CHANGES),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(customers())
def test_load_of_dump_is_the_identity(customer: Customer) -> None:
    text = dump_text(customer_to_data(customer))
    loaded, problems = customer_from_data(load_text(text, "c.yaml"), "c.yaml")
    assert [p for p in problems if p.severity == "error"] == []
    assert loaded == customer
    assert builder(Customer)(customer_to_data(customer)) == customer
    plain_name = customer.name.isprintable() and all(ord(ch) < 0x10000 for ch in customer.name)
    if plain_name and not set(customer.name) & set(":#'\"\\"):
        assert customer.name in text  # written as it is: Chinese is never escaped
