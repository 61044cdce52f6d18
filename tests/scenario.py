"""Customers with known numbers, built as model objects, for the report, tier and query tests.

``worked_example()`` is the example of docs/reports.md; the tests check its figures.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from salescrm.core.model import Contact, Contract, Customer, FollowUp, Negotiation, Opportunity, StageMove
from salescrm.core.records import customer_to_data
from salescrm.store.yamlio import dump_text


def customer(
    customer_id: str,
    name: str,
    owner: str = "zhang.wei",
    tier: str = "C",
    created: date = date(2026, 1, 5),
    industry: str | None = None,
    tags: list[str] | None = None,
    opportunities: list[Opportunity] | None = None,
    followups: list[FollowUp] | None = None,
) -> Customer:
    return Customer(
        id=customer_id, name=name, source="2026年春季行业展会", needs="需要采购50台办公电脑",
        owner=owner, created=created, first_contact=created, tier=tier, industry=industry,
        tags=sorted(tags or []), contacts=[Contact("王经理", phone="13800138000", primary=True)],
        opportunities=opportunities or [], followups=followups or [],
    )  # fmt: skip


def deal(
    opp_id: str,
    moves: list[tuple[str, str]],
    amount: str = "100000",
    close: str = "2026-06-30",
    owner: str = "zhang.wei",
    signed: tuple[str, str] | None = None,
    lost_reason: str | None = None,
    competitors: list[str] | None = None,
) -> Opportunity:
    """An opportunity whose stage is the last of ``moves`` ((stage, day) pairs)."""
    history = [StageMove(stage, date.fromisoformat(day), owner) for stage, day in moves]
    contract = None
    if signed:
        contract = Contract(
            f"HT-{opp_id}", Decimal(signed[0]), "验收后30天付清", date.fromisoformat(signed[1])
        )
    return Opportunity(
        id=opp_id, name=f"{opp_id}采购项目", amount=Decimal(amount), close=date.fromisoformat(close),
        owner=owner, stage=history[-1].stage, created=history[0].at, stage_history=history,
        negotiation=Negotiation(competitors=competitors or []), contract=contract, lost_reason=lost_reason,
    )  # fmt: skip


def followups(count: int, last: date, every_days: int = 7) -> list[FollowUp]:
    """``count`` follow-ups, the last on ``last``, one every ``every_days`` days before it."""
    return [
        FollowUp(f"F{i + 1}", datetime.combine(last - timedelta(days=every_days * (count - 1 - i)),
                 datetime.min.time()).replace(hour=10), "phone", "zhang.wei", "客户确认下月采购20台服务器")
        for i in range(count)
    ]  # fmt: skip


def worked_example() -> list[Customer]:
    """Q1 2026: four deals opened, one won (240,000 signed 2026-03-20), one lost, two open."""
    return [
        customer("CRM202601001", "华东精工制造有限公司", tier="B", created=date(2026, 1, 5), industry="制造业",
                 opportunities=[deal("O1", [("lead", "2026-01-05"), ("needs_analysis", "2026-01-20"),
                                            ("proposal", "2026-02-10"), ("negotiation", "2026-03-01"),
                                            ("won", "2026-03-20")], amount="250000", close="2026-03-31",
                                     signed=("240000", "2026-03-20"), competitors=["竞品X"])]),
        customer("CRM202601002", "云帆信息技术有限公司", created=date(2026, 1, 10), industry="IT服务",
                 opportunities=[
                     deal("O1", [("lead", "2026-02-01"), ("needs_analysis", "2026-02-15"), ("lost", "2026-03-10")],
                          amount="80000", close="2026-03-31", lost_reason="价格过高", competitors=["竞品X"]),
                     deal("O2", [("lead", "2026-02-20"), ("needs_analysis", "2026-03-05"),
                                 ("proposal", "2026-03-25")], amount="200000", close="2026-04-30"),
                 ]),
        customer("CRM202602001", "明德教育集团", owner="wang.fang", tier="A", created=date(2026, 2, 3),
                 industry="教育",
                 opportunities=[deal("O1", [("lead", "2026-03-02")], amount="100000", close="2026-03-31",
                                     owner="wang.fang")]),
    ]  # fmt: skip


def write_customers(root: Path, customers: list[Customer]) -> None:
    """Put ``customers`` into a data directory as the files salescrm would write."""
    for c in customers:
        (root / "customers" / f"{c.id}.yaml").write_text(dump_text(customer_to_data(c)), encoding="utf-8")
