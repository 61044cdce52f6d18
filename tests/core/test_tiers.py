"""The quarterly tier review: thresholds inclusive at the lower end, pinned and never-won customers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescrm.core.config import Config
from salescrm.core.model import TierChange
from salescrm.core.tiers import apply_review, review_tiers, tier_for_amount, tier_review_due
from tests.scenario import customer, deal

AS_OF = date(2026, 12, 28)


def won(customer_id: str, amount: str, tier: str = "C", signed: str = "2026-06-30", pinned: bool = False):  # type: ignore[no-untyped-def]
    c = customer(customer_id, f"客户{customer_id[-3:]}", tier=tier, opportunities=[
        deal("O1", [("lead", "2026-01-05"), ("won", signed)], amount=amount, signed=(amount, signed))])  # fmt: skip
    c.tier_pinned = pinned
    return c


def test_thresholds_are_inclusive_at_the_lower_end() -> None:
    config = Config()
    assert [tier_for_amount(Decimal(a), config) for a in ("600000", "500000", "100000", "99999.99", "10000", "9999", "0")] == [
        "VIP", "VIP", "A", "B", "B", "C", "C"]  # fmt: skip


def test_the_review_lists_changes_keeps_pinned_and_never_won_customers() -> None:
    customers = [
        won("CRM202601001", "600000"),
        won("CRM202601002", "100000"),
        won("CRM202601003", "99999.99", tier="A"),
        won("CRM202601004", "9999", tier="B"),
        won("CRM202601005", "600000", tier="B", pinned=True),
        won("CRM202601006", "300000", tier="VIP", signed="2025-12-28"),  # just outside the 12 months
        won("CRM202601007", "20000", tier="B"),  # no change: not listed
        customer("CRM202601008", "从未成交客户", tier="VIP"),
    ]
    changes = review_tiers(customers, AS_OF, Config())
    assert [(c.customer.id, c.from_tier, c.to_tier, c.amount, c.pinned) for c in changes] == [
        ("CRM202601001", "C", "VIP", Decimal("600000"), False),
        ("CRM202601002", "C", "A", Decimal("100000"), False),
        ("CRM202601003", "A", "B", Decimal("99999.99"), False),
        ("CRM202601004", "B", "C", Decimal("9999"), False),
        ("CRM202601005", "B", "VIP", Decimal("600000"), True),
        ("CRM202601006", "VIP", "C", Decimal("0"), False),
    ]
    first = customers[0]
    apply_review(first, changes[0], AS_OF)
    assert first.tier == "VIP"
    assert first.tier_history == [TierChange(AS_OF, "C", "VIP", "trailing-12-month won 600000.00")]


def test_the_review_is_due_in_the_last_days_of_a_quarter_until_applied() -> None:
    config = Config()
    c = won("CRM202601001", "600000")
    assert not tier_review_due(date(2026, 12, 24), [c], config)
    assert tier_review_due(date(2026, 12, 25), [c], config)
    assert tier_review_due(date(2026, 12, 31), [c], config)
    c.tier_history.append(TierChange(date(2026, 12, 26), "C", "VIP", "trailing-12-month won 600000.00"))
    assert not tier_review_due(date(2026, 12, 27), [c], config)
    assert tier_review_due(date(2027, 3, 31), [c], config)  # the next quarter needs its own review
    config.last_tier_review = date(2027, 3, 29)
    assert not tier_review_due(date(2027, 3, 31), [], config)
