"""The pool (core/pool.py, core/recycle.py, core/pool_rules.py): claims, releases, handover,
recycling, the rulebook's pool actions, and two claims settled by the merge. No disk."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescrm.core import pool
from salescrm.core.config import Config, Member, config_from_data
from salescrm.core.errors import ConflictError, UsageError
from salescrm.core.merge import merge_customer
from salescrm.core.model import Contract, Customer, FollowUp, Opportunity, StageMove, Task
from salescrm.core.pool_rules import PoolRules, RecycleRule
from salescrm.core.records import customer_from_data, customer_to_data
from salescrm.core.recycle import due_for_recycling, recycle_of, recycle_warnings
from salescrm.core.reminders import facts_of
from salescrm.core.rules import customer_actions, customer_breaches
from salescrm.core.timeline import customer_as_of

TEAM = Config(
    members=[
        Member("li.na", "李娜", dept="management", role="manager"),
        Member("zhang.wei", "张伟", manager="li.na"),
        Member("wang.fang", "王芳", manager="li.na"),
        Member("liu.yang", "刘洋", dept="marketing", role="marketing"),
        Member("chen.jie", "陈杰", active=False),
    ]
)
T0 = datetime(2026, 3, 2, 9, 30)


def customer(owner: str = "zhang.wei", tier: str = "C") -> Customer:
    won = Opportunity("O1", "去年采购", Decimal(1000), date(2025, 6, 1), owner, stage="won",
                      stage_history=[StageMove("lead", date(2025, 5, 1), owner), StageMove("won", date(2025, 6, 1), owner)],
                      contract=Contract("HT-1", Decimal(1000), "全款", date(2025, 6, 1)))  # fmt: skip
    open_deal = Opportunity(
        "O2", "今年采购", Decimal(5000), date(2026, 9, 1), owner, created=date(2026, 1, 5)
    )
    task = Task(
        "T1", datetime(2026, 3, 20, 10, 0), "visit", "演示样机", "确认配置", owner, created=date(2026, 1, 5)
    )
    return Customer("CRM202501001", "某某科技有限公司", "展会", "要电脑", owner, date(2025, 1, 3), tier=tier,
                    opportunities=[won, open_deal], tasks=[task],
                    followups=[FollowUp("F1", datetime(2026, 1, 5, 10, 0), "phone", owner, "客户要50台电脑")])  # fmt: skip


def roundtrip(c: Customer) -> Customer:
    found, problems = customer_from_data(customer_to_data(c), "c.yaml")
    assert found is not None and not [p for p in problems if p.severity == "error"]
    return found


# -- release, claim, transfer -----------------------------------------------------------


def test_release_leaves_no_owner_cancels_open_tasks_and_keeps_the_history() -> None:
    c = customer()
    assert pool.release(c, "zhang.wei", "客户暂无需求", T0) == 1
    assert c.owner == pool.POOL and pool.in_pool(c)
    assert (c.tasks[0].status, c.tasks[0].closed) == ("cancelled", T0)
    assert [o.owner for o in c.opportunities] == ["zhang.wei", "zhang.wei"]  # deals wait for the claimer
    assert pool.former_owner(c) == "zhang.wei"
    assert len(c.followups) == 1
    again = roundtrip(c)
    assert again == c  # owner: null and the change from/to the pool survive the file
    assert "owner" in customer_to_data(c) and customer_to_data(c)["owner"] is None
    with pytest.raises(ConflictError, match="in the pool already"):
        pool.release(c, "zhang.wei", "again", T0)


def test_a_claim_takes_the_open_deals_but_not_the_won_ones() -> None:
    c = customer()
    pool.release(c, "zhang.wei", "客户暂无需求", T0)
    later = T0 + timedelta(days=40)
    pool.claim(c, "wang.fang", later)
    assert c.owner == "wang.fang"
    assert {o.id: o.owner for o in c.opportunities} == {"O1": "zhang.wei", "O2": "wang.fang"}
    assert roundtrip(c) == c


def test_transfer_moves_open_tasks_and_deals_and_refuses_bad_receivers() -> None:
    c = customer()
    moved = pool.transfer(c, TEAM.member("wang.fang"), "li.na", "区域调整", T0)
    assert moved == ["O2", "T1"]
    assert (c.owner, c.tasks[0].owner, c.opportunities[0].owner) == ("wang.fang", "wang.fang", "zhang.wei")
    assert c.changes[-1].reason == "区域调整" and c.changes[-1].by == "li.na"
    assert roundtrip(c) == c
    with pytest.raises(UsageError, match="deactivated"):
        pool.receiver(TEAM, "chen.jie")
    with pytest.raises(UsageError, match="only reps and managers"):
        pool.receiver(TEAM, "liu.yang")
    with pytest.raises(UsageError, match="already"):
        pool.transfer(c, TEAM.member("wang.fang"), "li.na", "again", T0)


def test_as_of_a_day_before_a_handover_the_record_is_as_it_was() -> None:
    before = customer()
    c = copy.deepcopy(before)
    pool.transfer(c, TEAM.member("wang.fang"), "li.na", "区域调整", T0)
    assert customer_as_of(c, T0.date() - timedelta(days=1)) == customer_as_of(
        before, T0.date() - timedelta(days=1)
    )
    pool.release(c, "wang.fang", "不跟了", T0 + timedelta(days=1))
    assert customer_as_of(c, T0.date()) == roundtrip(customer_as_of(c, T0.date()) or c)
    assert customer_as_of(c, T0.date()).owner == "wang.fang"  # type: ignore[union-attr]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["release", "claim", "transfer"]), max_size=6), st.integers(0, 9))
def test_time_travel_holds_through_any_run_of_owner_changes(steps: list[str], cut: int) -> None:
    """The record as of each day equals what it was at the end of that day, whatever came later."""
    c = customer()
    snapshots = {T0.date() - timedelta(days=1): copy.deepcopy(c)}
    for day, step in enumerate(steps):
        now = T0 + timedelta(days=day)
        if step == "release" and c.owner:
            pool.release(c, c.owner, "不跟了", now)
        elif step == "claim" and not c.owner:
            pool.claim(c, "wang.fang" if day % 2 else "zhang.wei", now)
        elif step == "transfer" and c.owner:
            pool.transfer(
                c, TEAM.member("li.na" if c.owner != "li.na" else "wang.fang"), "li.na", "调整", now
            )
        snapshots[now.date()] = copy.deepcopy(c)
    days = sorted(snapshots)
    day = days[min(cut, len(days) - 1)]
    assert customer_as_of(c, day) == customer_as_of(snapshots[day], day)


# -- claim limits ---------------------------------------------------------------------


def test_claim_limits_hold_reps_and_not_managers() -> None:
    config = Config(members=TEAM.members, pool=PoolRules(max_customers=1, claims_per_day=1))
    pooled = customer(owner=pool.POOL)
    owned = [customer()]
    with pytest.raises(UsageError, match="with this claim zhang.wei owns 2 customers, more than a rep may"):
        pool.check_claim(pooled, config.member("zhang.wei"), config, owned, owned, T0)
    pool.check_claim(pooled, config.member("li.na"), config, owned, owned, T0)  # a manager is not held to it
    config = Config(members=TEAM.members, pool=PoolRules(claims_per_day=1))
    claimed_today = customer(owner=pool.POOL)
    pool.claim(claimed_today, "wang.fang", T0)
    with pytest.raises(UsageError, match="claimed 2 customers on"):
        pool.check_claim(pooled, config.member("wang.fang"), config, [claimed_today], [claimed_today], T0)
    pool.check_claim(
        pooled, config.member("wang.fang"), config, [claimed_today], [claimed_today], T0 + timedelta(days=1)
    )
    with pytest.raises(ConflictError, match="owned by zhang.wei, not in the pool"):
        pool.check_claim(customer(), config.member("li.na"), config, [], [], T0)
    with pytest.raises(UsageError, match="marketing: only reps and managers"):
        pool.check_claim(pooled, config.member("liu.yang"), config, [], [], T0)


# -- the rulebook ---------------------------------------------------------------------


def test_each_owner_change_is_its_own_action_and_a_rep_is_refused_where_a_manager_is_not() -> None:
    owned = customer()
    released = copy.deepcopy(owned)
    pool.release(released, "zhang.wei", "不跟了", T0)
    assert [a.name for a in customer_actions(owned, released)] == ["pool.release", "customer.change"]
    assert customer_breaches("zhang.wei", TEAM, owned, released) == []  # the owner releases
    assert customer_breaches("li.na", TEAM, owned, released) == []
    assert [str(b) for b in customer_breaches("wang.fang", TEAM, owned, released)][0].startswith(
        "wang.fang may not release the customer to the pool (CRM202501001); rule pool.release allows"
    )

    claimed = copy.deepcopy(released)
    pool.claim(claimed, "wang.fang", T0 + timedelta(days=1))
    assert [a.name for a in customer_actions(released, claimed)][0] == "pool.claim"
    assert customer_breaches("wang.fang", TEAM, released, claimed) == []  # a claim for oneself
    assert customer_breaches("zhang.wei", TEAM, released, claimed)  # not for a colleague
    assert customer_breaches("li.na", TEAM, released, claimed) == []

    transferred = copy.deepcopy(owned)
    pool.transfer(transferred, TEAM.member("wang.fang"), "li.na", "调整", T0)
    assert customer_breaches("zhang.wei", TEAM, owned, transferred)[0].action.name == "customer.owner"
    assert customer_breaches("wang.fang", TEAM, owned, transferred)[0].action.name == "customer.owner"
    assert customer_breaches("li.na", TEAM, owned, transferred) == []


def test_reclaiming_within_the_cool_down_is_a_managers_action() -> None:
    config = Config(members=TEAM.members, pool=PoolRules(cooldown_days=30))
    released = customer()
    pool.release(released, "zhang.wei", "不跟了", T0)
    soon, late = copy.deepcopy(released), copy.deepcopy(released)
    pool.claim(soon, "zhang.wei", T0 + timedelta(days=29))
    pool.claim(late, "zhang.wei", T0 + timedelta(days=30))
    assert [b.action.name for b in customer_breaches("zhang.wei", config, released, soon)] == ["pool.reclaim"]
    assert customer_breaches("zhang.wei", config, released, late) == []
    assert customer_breaches("wang.fang", config, released, _claimed_by(released, "wang.fang")) == []
    managers = copy.deepcopy(released)
    managers.owner = "li.na"
    pool.release(managers, "li.na", "x", T0)  # li.na's own release and reclaim: allowed
    assert customer_breaches("li.na", config, managers, _claimed_by(managers, "li.na")) == []


def _claimed_by(c: Customer, member: str) -> Customer:
    claimed = copy.deepcopy(c)
    pool.claim(claimed, member, T0 + timedelta(days=1))
    return claimed


def test_adding_to_the_pool_is_marketings_and_managers() -> None:
    lead = customer(owner=pool.POOL)
    assert [a.name for a in customer_actions(None, lead)] == ["pool.add"]
    assert customer_breaches("liu.yang", TEAM, None, lead) == []
    assert customer_breaches("li.na", TEAM, None, lead) == []
    assert customer_breaches("zhang.wei", TEAM, None, lead)[0].action.name == "pool.add"


# -- two claims on two clones ---------------------------------------------------------


def data(c: Customer) -> dict[str, object]:
    return customer_to_data(c)


@pytest.mark.parametrize(("first", "second"), [("wang.fang", "zhang.wei"), ("zhang.wei", "wang.fang")])
def test_the_earlier_claim_wins_whichever_side_merges(first: str, second: str) -> None:
    base = customer()
    pool.release(base, "zhang.wei", "不跟了", T0)
    early, late = copy.deepcopy(base), copy.deepcopy(base)
    pool.claim(early, first, T0 + timedelta(days=3, hours=1))
    pool.claim(late, second, T0 + timedelta(days=3, hours=2))
    late.followups.append(
        FollowUp("F2", T0 + timedelta(days=3, hours=3), "phone", second, "已电话联系,客户要报价单")
    )
    merged = [merge_customer(data(base), data(a), data(b)) for a, b in ((early, late), (late, early))]
    for result in merged:
        assert result.clean, result.conflicts
        c, problems = customer_from_data(result.data, "m.yaml")
        assert c is not None and not [p for p in problems if p.severity == "error"]
        assert c.owner == first
        assert {o.id: o.owner for o in c.opportunities} == {"O1": "zhang.wei", "O2": first}
        assert [(x.by, x.winner) for x in c.lost_claims] == [(second, first)]
        assert [f.id for f in c.followups] == ["F1", "F2"]  # the loser's work is kept
        assert result.settled == [f"{second}'s claim lost to {first}'s, made earlier (2026-03-05T10:30)"]
    assert merged[0].data == merged[1].data  # both clones end with the same file


def test_the_same_minute_is_settled_by_member_id() -> None:
    base = customer()
    pool.release(base, "zhang.wei", "不跟了", T0)
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    pool.claim(a, "zhang.wei", T0 + timedelta(days=2))
    pool.claim(b, "wang.fang", T0 + timedelta(days=2))
    for ours, theirs in ((a, b), (b, a)):
        assert merge_customer(data(base), data(ours), data(theirs)).data["owner"] == "wang.fang"


def test_an_owned_customer_changed_on_both_sides_is_still_a_conflict() -> None:
    base = customer()
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    pool.transfer(a, TEAM.member("wang.fang"), "li.na", "调整", T0)
    pool.transfer(b, TEAM.member("li.na"), "li.na", "调整", T0)
    assert not merge_customer(data(base), data(a), data(b)).clean


# -- recycling --------------------------------------------------------------------------


def test_recycle_counts_from_the_later_of_the_last_follow_up_and_the_claim() -> None:
    rules = PoolRules(recycle={"C": RecycleRule(no_followup_days=90)})
    c = customer()
    assert recycle_of(facts_of(c), rules).due == date(2026, 4, 5)  # type: ignore[union-attr]  # F1 on 2026-01-05 + 90
    assert "no follow-up for 90 days (last 2026-01-05)" in recycle_of(facts_of(c), rules).reason  # type: ignore[union-attr]
    released = copy.deepcopy(c)
    pool.release(released, "zhang.wei", "x", T0)
    assert recycle_of(facts_of(released), rules) is None  # in the pool
    pool.claim(released, "wang.fang", datetime(2026, 5, 1, 9, 0))
    assert recycle_of(facts_of(released), rules).due == date(2026, 7, 30)  # type: ignore[union-attr]  # claimed + 90
    assert recycle_of(facts_of(customer(tier="VIP")), PoolRules()) is None
    assert recycle_of(facts_of(customer(tier="A")), PoolRules()) is None
    # the defaults for C: 90 days without a follow-up or 180 without a won deal, whichever is first
    assert recycle_of(facts_of(c), PoolRules()).due == date(2025, 11, 28)  # type: ignore[union-attr]  # won 2025-06-01 + 180


def test_due_and_warnings_split_on_the_day() -> None:
    rules = PoolRules(recycle={"C": RecycleRule(no_followup_days=90)}, warn_days=7)
    c = customer()  # due 2026-04-05
    assert due_for_recycling([facts_of(c)], rules, date(2026, 3, 28)) == []
    assert [r.customer_id for r in recycle_warnings([facts_of(c)], rules, date(2026, 3, 29))] == [
        "CRM202501001"
    ]
    assert recycle_warnings([facts_of(c)], rules, date(2026, 3, 28)) == []
    assert [r.customer_id for r in due_for_recycling([facts_of(c)], rules, date(2026, 4, 5))] == [
        "CRM202501001"
    ]
    assert recycle_warnings([facts_of(c)], rules, date(2026, 4, 5)) == []


# -- the rules in salescrm.yaml -----------------------------------------------------------


def test_pool_rules_are_read_and_validated() -> None:
    config, problems = config_from_data(
        {"pool": {"recycle": {"A": {"no_followup_days": 30}, "C": "never"}, "cooldown_days": 3}}
    )
    assert not problems
    assert config.pool.rule("A") == RecycleRule(no_followup_days=30)
    assert config.pool.rule("C").never and config.pool.rule("B") == RecycleRule(no_followup_days=60)
    assert config.pool.cooldown_days == 3
    for bad, message in (
        ({"recycle": {"D": {"no_followup_days": 30}}}, "pool.recycle.D: unknown tier 'D'"),
        (
            {"recycle": {"C": {"no_followup_days": -1}}},
            "pool.recycle.C.no_followup_days: must not be negative",
        ),
        ({"claims_per_day": -2}, "pool.claims_per_day: must not be negative"),
        ({"warn_days": "soon"}, "pool.warn_days: expected a whole number"),
    ):
        _, problems = config_from_data({"pool": bad})
        assert [p.message for p in problems if p.severity == "error"][0].startswith(message)
