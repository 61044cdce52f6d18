"""Creating, finding, negotiating, staleness and filters of opportunities, without a disk."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from salescrm.core.config import Config
from salescrm.core.errors import NotFoundError, UsageError
from salescrm.core.ids import parse_reference
from salescrm.core.model import Customer, FollowUp, Negotiation, StageMove
from salescrm.core.opportunities import (
    NewOpportunity,
    OpportunityFilter,
    add_opportunity,
    find_opportunity,
    idle_days,
    is_stale,
    negotiate,
    negotiation_receipt,
    probability_of,
    stale_opportunities,
)
from salescrm.core.opprows import filter_deals, opp_rows_of

CONFIG = Config()
TODAY = date(2024, 9, 1)


def customer(number: str = "CRM202405001") -> Customer:
    return Customer(number, "某某科技", "展会", "电脑", "zhang.wei", date(2024, 5, 3))


def new(name: str = "办公设备采购", close: date = date(2024, 8, 30), **extra: object) -> NewOpportunity:
    values: dict[str, object] = {
        "name": name, "amount": Decimal(250000), "close": close, "owner": "zhang.wei",
        "created": date(2024, 5, 3), **extra,
    }  # fmt: skip
    return NewOpportunity(**values)  # type: ignore[arg-type]


def test_add_starts_in_lead_with_one_history_entry() -> None:
    c = customer()
    first = add_opportunity(c, new(), "zhang.wei")
    second = add_opportunity(c, new("维保服务"), "li.na")
    assert (first.id, second.id) == ("O1", "O2")
    assert first.stage == "lead"
    assert first.stage_history == [StageMove("lead", date(2024, 5, 3), "zhang.wei")]


def test_add_refuses_a_close_before_the_start_and_a_start_before_the_customer() -> None:
    with pytest.raises(UsageError, match="before the opportunity's start"):
        add_opportunity(customer(), new(close=date(2024, 5, 1)), "zhang.wei")
    with pytest.raises(UsageError, match=r"2024-04-30 is before CRM\d+ existed \(2024-05-03\)"):
        add_opportunity(customer(), new(created=date(2024, 4, 30), close=date(2024, 10, 1)), "zhang.wei")


def test_find_names_the_customer_s_opportunities() -> None:
    c = customer()
    add_opportunity(c, new(), "zhang.wei")
    assert find_opportunity(c, parse_reference("CRM202405001-O1", "O")).name == "办公设备采购"
    with pytest.raises(NotFoundError) as caught:
        find_opportunity(c, parse_reference("CRM202405001-O7", "O"))
    assert (caught.value.message, caught.value.hint) == (
        "no such opportunity CRM202405001-O7",
        "CRM202405001's opportunities: CRM202405001-O1",
    )


def test_negotiate_appends_each_entry_once() -> None:
    c = customer()
    o = add_opportunity(c, new(), "zhang.wei")
    first = negotiate(
        o, "R", Negotiation(decision_makers=["李总", "李总"], competitors=["竞品X"]), TODAY, "zhang.wei"
    )
    assert first == [("decision_makers", "李总"), ("competitors", "竞品X")]
    again = negotiate(
        o,
        "R",
        Negotiation(decision_makers=["李总"], obstacles=["预算偏紧"], solutions=["分期付款"]),
        TODAY,
        "li.na",
    )
    assert again == [("obstacles", "预算偏紧"), ("solutions", "分期付款")]
    assert negotiation_receipt("R", first, "en") == "R: added decision maker 李总, competitor 竞品X"
    assert negotiation_receipt("R", again, "zh") == "R: 新增 障碍 预算偏紧, 解决方案 分期付款"
    assert negotiate(o, "R", Negotiation(competitors=["竞品X"]), TODAY, "li.na") == []
    assert negotiation_receipt("R", [], "en") == "R: nothing new, all already recorded"
    assert vars(o.negotiation) == {
        "decision_makers": ["李总"],
        "competitors": ["竞品X"],
        "obstacles": ["预算偏紧"],
        "solutions": ["分期付款"],
    }
    with pytest.raises(UsageError, match="nothing to record"):
        negotiate(o, "R", Negotiation(), TODAY, "zhang.wei")


def test_probability_is_the_override_else_the_stage_default() -> None:
    o = add_opportunity(customer(), new(), "zhang.wei")
    assert probability_of(o, CONFIG) == Decimal(10)
    o.probability = Decimal(35)
    assert probability_of(o, CONFIG) == Decimal(35)


def test_stale_counts_from_the_last_move_or_follow_up() -> None:
    c = customer()
    o = add_opportunity(c, new(), "zhang.wei")  # lead since 2024-05-03, limit 30 days
    assert idle_days(o, c, date(2024, 6, 2)) == 30
    assert not is_stale(o, c, CONFIG, date(2024, 6, 2))
    assert is_stale(o, c, CONFIG, date(2024, 6, 3))
    c.followups.append(
        FollowUp("F1", datetime(2024, 6, 1, 10, 0), "phone", "zhang.wei", "确认了采购数量50台")
    )
    assert not is_stale(o, c, CONFIG, date(2024, 6, 3))
    assert is_stale(o, c, CONFIG, date(2024, 6, 3), days=1)
    assert stale_opportunities([c], CONFIG, date(2024, 7, 2)) == [(c, o)]
    o.stage = "won"
    assert stale_opportunities([c], CONFIG, date(2025, 1, 1)) == []


def test_filters() -> None:
    a, b = customer(), customer("CRM202405002")
    first = add_opportunity(a, new(close=date(2024, 9, 30)), "zhang.wei")
    second = add_opportunity(b, new(close=date(2024, 7, 31), owner="wang.fang"), "wang.fang")
    second.stage = "negotiation"
    lost = add_opportunity(b, new(close=date(2024, 6, 30), owner="wang.fang"), "wang.fang")
    lost.stage = "lost"

    def refs(**wanted: object) -> list[str]:
        rows = [opp_rows_of(a), opp_rows_of(b)]
        pairs = filter_deals(rows, OpportunityFilter(**wanted), CONFIG, TODAY)  # type: ignore[arg-type]
        return [f"{c.id}-{d.id}" for c, d in pairs]

    assert refs() == ["CRM202405002-O2", "CRM202405002-O1", "CRM202405001-O1"]
    assert refs(stage="商务谈判") == ["CRM202405002-O1"]
    assert refs(owner="zhang.wei") == ["CRM202405001-O1"]
    assert refs(customer="CRM202405002", open_only=True) == ["CRM202405002-O1"]
    assert refs(closing_before=date(2024, 7, 31)) == ["CRM202405002-O2"]
    assert refs(stale_days=100) == ["CRM202405002-O1", "CRM202405001-O1"]
    assert refs(stale_by_stage=True) == ["CRM202405002-O1", "CRM202405001-O1"]
    assert first.stage == "lead"
    with pytest.raises(UsageError, match="unknown stage"):
        refs(stage="赢了")


def test_idle_days_as_of_a_past_day_count_only_what_had_happened_by_then() -> None:
    c = customer()
    o = add_opportunity(c, new(), "zhang.wei")  # opened 2024-05-03
    c.followups.append(
        FollowUp("F1", datetime(2024, 6, 1, 10, 0), "phone", "zhang.wei", "确认了采购数量50台")
    )
    assert idle_days(o, c, date(2024, 6, 10)) == 9  # since the follow-up on 06-01
    assert idle_days(o, c, date(2024, 5, 31)) == 28  # the 06-01 follow-up had not happened yet
    assert idle_days(o, c, date(2024, 5, 3)) == 0  # the day it was opened
    assert idle_days(o, c, date(2024, 5, 2)) is None  # before it existed: no idle days, never negative
    assert not is_stale(o, c, CONFIG, date(2024, 5, 2))
