"""The rulebook (core/rules.py): which actions a change is, and who may take them. No disk."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from salescrm.core.config import Config, Member, config_from_data
from salescrm.core.model import Contract, Customer, Feedback, Installment, Opportunity, Receipt, TierChange
from salescrm.core.rules import (
    config_actions,
    config_breaches,
    customer_actions,
    customer_breaches,
    unrestricted,
)

TEAM = Config(
    members=[
        Member("li.na", "李娜", dept="management", role="manager"),
        Member("zhang.wei", "张伟"),
        Member("wang.fang", "王芳"),
        Member("liu.yang", "刘洋", dept="marketing", role="marketing"),
        Member("zhao.svc", "赵强", dept="after-sales", role="after-sales"),
        Member("chen.jie", "陈杰", active=False),
    ]
)


def customer(owner: str = "zhang.wei") -> Customer:
    won = Opportunity("O1", "去年采购", Decimal(1000), date(2024, 6, 1), owner, stage="won",
                      contract=Contract("HT-1", Decimal(1000), "全款", date(2024, 6, 1)))  # fmt: skip
    open_deal = Opportunity("O2", "今年采购", Decimal(5000), date(2024, 9, 1), owner)
    return Customer("CRM202405001", "某某科技有限公司", "展会", "要电脑", owner, date(2024, 5, 3),
                    opportunities=[won, open_deal])  # fmt: skip


def names(before: Customer | None, after: Customer | None) -> list[str]:
    return [a.name for a in customer_actions(before, after)]


def changed(change: object) -> Customer:
    after = copy.deepcopy(customer())
    change(after)  # type: ignore[operator]
    return after


def test_each_kind_of_change_is_its_own_action() -> None:
    before = customer()
    assert names(None, before) == ["customer.add"]
    assert names(before, None) == ["customer.delete"]
    assert names(before, copy.deepcopy(before)) == []
    assert names(before, changed(lambda c: setattr(c, "needs", "要服务器"))) == ["customer.change"]
    assert names(before, changed(lambda c: setattr(c, "owner", "wang.fang"))) == ["customer.owner"]
    retiered = changed(lambda c: c.tier_history.append(TierChange(date(2024, 6, 30), "C", "B", "review")))
    assert names(before, retiered) == ["customer.tier"]
    feedback = Feedback("B1", date(2024, 7, 1), "zhao.svc", "after-sales", "屏幕闪烁,已换货")
    assert names(before, changed(lambda c: c.feedback.append(feedback))) == ["feedback.add"]
    amended = changed(lambda c: setattr(c.opportunities[0], "amount", Decimal(2000)))
    assert names(before, amended) == ["deal.amend_closed"]
    skipped = changed(lambda c: setattr(c.opportunities[1], "stage", "proposal"))
    assert names(before, skipped) == ["deal.change", "deal.force_stage"]
    stepped = changed(lambda c: setattr(c.opportunities[1], "stage", "needs_analysis"))
    assert names(before, stepped) == ["deal.change"]


def test_payments_are_recorded_by_the_owner_and_amended_by_a_manager() -> None:
    line = Installment("P1", date(2024, 6, 1), Decimal(1000), date(2024, 6, 1), "zhang.wei")
    planned = changed(lambda c: c.opportunities[0].plan.append(line))
    assert names(customer(), planned) == ["pay.record"]
    paid = copy.deepcopy(planned)
    paid.opportunities[0].receipts.append(Receipt("R1", date(2024, 6, 5), Decimal(1000), "zhang.wei", "P1"))
    assert names(planned, paid) == ["pay.record"]
    moved = copy.deepcopy(paid)
    moved.opportunities[0].plan[0].due = date(2024, 7, 1)
    assert names(paid, moved) == ["pay.amend"]
    removed = copy.deepcopy(paid)
    removed.opportunities[0].receipts.clear()
    assert names(paid, removed) == ["pay.amend"]
    assert customer_breaches("zhang.wei", TEAM, customer(), planned) == []
    assert customer_breaches("wang.fang", TEAM, customer(), planned)  # not the owner
    refused = customer_breaches("zhang.wei", TEAM, paid, moved)
    assert [str(b) for b in refused] == [
        "zhang.wei may not amend a payment plan line or receipt (CRM202405001-O1); rule pay.amend allows: manager"
    ]
    assert customer_breaches("li.na", TEAM, paid, moved) == []


def test_a_merge_renumbering_payments_records_but_amends_nothing() -> None:
    """sync's merge moves the later of two R1s to R2 (core/merge.py): what was there stays."""
    line = Installment("P1", date(2024, 6, 1), Decimal(1000), date(2024, 6, 1), "zhang.wei")
    ours = changed(lambda c: c.opportunities[0].plan.append(line))
    ours.opportunities[0].receipts.append(Receipt("R1", date(2024, 6, 9), Decimal(300), "zhang.wei", "P1"))
    merged = copy.deepcopy(ours)
    merged.opportunities[0].plan[0].id = "P2"
    merged.opportunities[0].plan.insert(0, replace(line, amount=Decimal(500), due=date(2024, 5, 30)))
    merged.opportunities[0].receipts[0].id, merged.opportunities[0].receipts[0].plan = "R2", "P2"
    merged.opportunities[0].receipts.insert(0, Receipt("R1", date(2024, 6, 5), Decimal(500), "wang.fang"))
    assert names(ours, merged) == ["pay.record"]
    lost = copy.deepcopy(merged)
    lost.opportunities[0].receipts[1].plan = "P1"  # now pays the other line: an amendment
    assert names(ours, lost) == ["pay.record", "pay.amend"]


def test_editing_feedback_is_a_change_not_an_addition() -> None:
    feedback = Feedback("B1", date(2024, 7, 1), "zhao.svc", "after-sales", "屏幕闪烁,已换货")
    before = changed(lambda c: c.feedback.append(feedback))
    after = copy.deepcopy(before)
    after.feedback[0].content = "没有问题"
    assert names(before, after) == ["customer.change"]


@pytest.mark.parametrize(
    ("member", "allowed"),
    [("li.na", True), ("zhang.wei", True), ("wang.fang", False), ("liu.yang", False), ("zhao.svc", False)],
)
def test_a_rep_changes_only_their_own_customers(member: str, allowed: bool) -> None:
    after = changed(lambda c: setattr(c, "needs", "要服务器"))
    found = customer_breaches(member, TEAM, customer(), after)
    assert (found == []) is allowed
    if not allowed:
        assert str(found[0]) == (
            f"{member} may not change the customer (CRM202405001); "
            "rule customer.change allows: manager, the owner (zhang.wei)"
        )


def test_who_may_add_a_customer_and_feedback() -> None:
    theirs = customer("wang.fang")
    assert customer_breaches("zhang.wei", TEAM, None, theirs)  # a rep adds only their own
    assert not customer_breaches("wang.fang", TEAM, None, theirs)
    assert not customer_breaches("liu.yang", TEAM, None, theirs)  # marketing adds leads
    assert customer_breaches("zhao.svc", TEAM, None, theirs)
    feedback = Feedback("B1", date(2024, 7, 1), "zhao.svc", "after-sales", "屏幕闪烁,已换货")
    with_feedback = copy.deepcopy(theirs)
    with_feedback.feedback.append(feedback)
    assert not customer_breaches("zhao.svc", TEAM, theirs, with_feedback)  # after-sales: anyone's
    assert customer_breaches("zhang.wei", TEAM, theirs, with_feedback)


def test_manager_only_actions() -> None:
    before = customer()
    for change in (
        lambda c: setattr(c, "owner", "wang.fang"),
        lambda c: setattr(c.opportunities[1], "stage", "negotiation"),
    ):
        after = changed(change)
        assert customer_breaches("zhang.wei", TEAM, before, after)
        assert not customer_breaches("li.na", TEAM, before, after)
    assert customer_breaches("zhang.wei", TEAM, before, None)
    assert not customer_breaches("li.na", TEAM, before, None)


def test_a_closed_deal_is_amended_by_its_owner_or_a_manager_unless_the_team_says_otherwise() -> None:
    amended = changed(lambda c: setattr(c.opportunities[0], "lost_note", "补记"))
    assert not customer_breaches("zhang.wei", TEAM, customer(), amended)
    assert customer_breaches("wang.fang", TEAM, customer(), amended)
    strict, problems = config_from_data(
        {"members": [vars(m) for m in TEAM.members], "permissions": {"deal.amend_closed": ["manager"]}}
    )
    assert problems == []
    (breach,) = customer_breaches("zhang.wei", strict, customer(), amended)
    assert str(breach) == (
        "zhang.wei may not change a closed (won or lost) deal (CRM202405001-O1); "
        "rule deal.amend_closed allows: manager"
    )
    assert not customer_breaches("li.na", strict, customer(), amended)


def test_a_deals_owner_works_that_deal_on_another_reps_customer_and_nothing_else() -> None:
    before = customer()
    before.opportunities[1].owner = "wang.fang"
    moved = copy.deepcopy(before)
    moved.opportunities[1].stage = "needs_analysis"
    assert not customer_breaches("wang.fang", TEAM, before, moved)
    assert not customer_breaches("zhang.wei", TEAM, before, moved)  # the customer's owner
    assert str(customer_breaches("liu.yang", TEAM, before, moved)[0]) == (
        "liu.yang may not change the deal (CRM202405001-O2); rule deal.change allows: manager, "
        "the owner (wang.fang, zhang.wei)"
    )
    for change in (lambda c: setattr(c, "needs", "要服务器"), lambda c: c.opportunities.pop(1)):
        other = copy.deepcopy(before)
        change(other)
        assert [b.action.name for b in customer_breaches("wang.fang", TEAM, before, other)] == [
            "customer.change"
        ]


def test_deactivated_and_unknown_members_may_not_act() -> None:
    (breach,) = customer_breaches("chen.jie", TEAM, None, customer("chen.jie"))
    assert str(breach) == "chen.jie is deactivated and may not act (CRM202405001)"
    (breach,) = customer_breaches("nobody", TEAM, None, customer())
    assert "is not a member of the team" in str(breach)


def test_a_team_without_a_manager_has_no_rules_yet() -> None:
    team = Config(members=[Member("zhang.wei", "张伟")])
    assert unrestricted("anyone", team)
    assert not customer_breaches("wang.fang", team, customer(), customer("wang.fang"))


def test_config_changes() -> None:
    after = copy.deepcopy(TEAM)
    after.targets = {"zhang.wei": {2026: {"amount": 1}}}
    after.filters = {"甲": "tier = A"}
    after.last_tier_review = date(2026, 6, 30)
    after.industries = ["IT服务"]
    after.members = [*after.members, Member("new.one", "新人")]
    assert [a.name for a in config_actions(TEAM, after)] == [
        "config.members", "config.settings", "config.targets", "config.filters", "config.tier_review",
    ]  # fmt: skip
    breached = [b.action.name for b in config_breaches("zhang.wei", TEAM, after)]
    assert breached == ["config.members", "config.settings", "config.targets", "config.tier_review"]
    assert config_breaches("li.na", TEAM, after) == []


def test_a_manager_needs_no_reading_of_the_change_a_rep_does() -> None:
    assert unrestricted("li.na", TEAM)
    assert not unrestricted("zhang.wei", TEAM)
    assert not unrestricted("chen.jie", TEAM)


def test_bad_permissions_are_problems() -> None:
    _, problems = config_from_data({"permissions": {"customer.fly": ["manager"], "customer.add": ["boss"]}})
    assert [p.message for p in problems] == [
        "permissions.customer.fly: unknown action 'customer.fly'; one of: " + ", ".join(Config().permissions),
        "permissions.customer.add: unknown role 'boss'; one of: rep, manager, marketing, after-sales, owner, everyone",
    ]
