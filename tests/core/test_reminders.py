"""Reminder rules on customers in memory: cadence, tasks, escalation, birthdays, stale deals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from salescrm.core.config import Config, Member
from salescrm.core.model import Contact, Customer, FollowUp, Opportunity, StageMove, Task
from salescrm.core.pool_rules import PoolRules
from salescrm.core.reminders import build_digests, cadence_due, next_birthday, next_due

AS_OF = date(2026, 11, 27)
CONFIG = Config(
    members=[
        Member("li.na", "李娜", role="manager"),
        Member("zhang.wei", "张伟", manager="li.na"),
        Member("wang.fang", "王芳", manager="li.na"),
    ],
    pool=PoolRules(recycle={}),  # no tier is recycled here: the pool's warnings are tests/core/test_pool.py's
)


def customer(tier: str = "B", contacted_days_ago: int = 1, **extra: object) -> Customer:
    day = AS_OF - timedelta(days=contacted_days_ago)
    fields: dict[str, object] = {
        "id": "CRM202601001",
        "name": "某某科技有限公司",
        "source": "展会",
        "needs": "采购",
        "owner": "zhang.wei",
        "created": day,
        "first_contact": day,
        "tier": tier,
        "contacts": [Contact("王经理", phone="021-5555-5678")],
        **extra,
    }
    return Customer(**fields)  # type: ignore[arg-type]


def sections(customers: list[Customer], owner: str = "zhang.wei", within: int = 0) -> dict[str, list]:
    digest = build_digests(customers, CONFIG, AS_OF, within).get(owner)
    if digest is None:
        return {}
    return {
        name: [(r.kind, r.reference, r.days) for r in items] for name, items in digest.sections() if items
    }


@pytest.mark.parametrize(
    ("tier", "days_ago", "expected"),
    [
        ("VIP", 6, {}),
        ("VIP", 7, {"today": [("cadence", "CRM202601001", 0)]}),
        ("VIP", 8, {"overdue": [("cadence", "CRM202601001", 1)]}),
        ("A", 14, {"today": [("cadence", "CRM202601001", 0)]}),
        ("B", 31, {"overdue": [("cadence", "CRM202601001", 1)]}),
        ("C", 89, {}),
        ("C", 90, {"today": [("cadence", "CRM202601001", 0)]}),
    ],
)
def test_each_tiers_cadence_is_exact(tier: str, days_ago: int, expected: dict) -> None:
    assert sections([customer(tier, days_ago)]) == expected


def test_the_latest_record_counts_as_the_last_contact() -> None:
    record = FollowUp("F1", datetime(2026, 11, 20, 15, 0), "phone", "zhang.wei", "确认采购30台")
    c = customer("VIP", 100, followups=[record])
    assert cadence_due(c, CONFIG) == date(2026, 11, 27)
    assert sections([c]) == {"today": [("cadence", "CRM202601001", 0)]}


def test_next_of_the_latest_record_comes_before_the_cadence() -> None:
    record = FollowUp("F1", date(2026, 11, 20), "phone", "zhang.wei", "确认采购30台", next=date(2026, 11, 25))
    c = customer("C", 100, followups=[record])
    assert cadence_due(c, CONFIG) == date(2026, 11, 25)
    assert sections([c]) == {"overdue": [("cadence", "CRM202601001", 2)]}


def test_upcoming_looks_within_days_ahead() -> None:
    c = customer("C", 87)  # due in 3 days
    assert sections([c], within=2) == {}
    assert sections([c], within=3) == {"upcoming": [("cadence", "CRM202601001", -3)]}


def test_an_open_task_earlier_than_the_cadence_stands_for_it() -> None:
    task = Task("T1", datetime(2026, 11, 25, 10, 0), "visit", "演示样机", "确认配置", "zhang.wei")
    c = customer("C", 1, tasks=[task])
    assert next_due(c, CONFIG) == date(2026, 11, 25)
    assert sections([c]) == {"overdue": [("task", "CRM202601001-T1", 2)]}


def test_a_closed_task_is_not_due() -> None:
    task = Task("T1", date(2026, 11, 1), "visit", "演示样机", "确认配置", "zhang.wei", status="done")
    assert sections([customer("C", 1, tasks=[task])]) == {}


@pytest.mark.parametrize(("days_overdue", "escalated"), [(3, False), (4, True)])
def test_a_task_overdue_past_the_escalation_days_goes_to_the_manager(
    days_overdue: int, escalated: bool
) -> None:
    task = Task("T1", AS_OF - timedelta(days=days_overdue), "phone", "报价", "确认价格", "wang.fang")
    c = customer("C", 1, tasks=[task])
    assert sections([c], owner="wang.fang") == {"overdue": [("task", "CRM202601001-T1", days_overdue)]}
    manager = sections([c], owner="li.na")
    assert manager == ({"escalated": [("task", "CRM202601001-T1", days_overdue)]} if escalated else {})


def test_archived_customers_are_left_out() -> None:
    assert sections([customer("VIP", 30, archived=True)]) == {}


@pytest.mark.parametrize(
    ("tier", "birthday", "listed"),
    [("VIP", "12-04", True), ("VIP", "1980-12-04", True), ("VIP", "12-05", False), ("B", "12-04", False)],
)
def test_birthdays_of_cared_for_tiers_within_the_lead_days(tier: str, birthday: str, listed: bool) -> None:
    c = customer(tier, 1, contacts=[Contact("王经理", phone="021-5555-5678", birthday=birthday)])
    expected = {"birthdays": [("birthday", "CRM202601001", -7)]} if listed else {}
    assert sections([c]) == expected


def test_a_birthday_past_this_year_comes_next_year_and_29_february_on_the_28th() -> None:
    assert next_birthday("01-05", AS_OF) == date(2027, 1, 5)
    assert next_birthday("02-29", date(2027, 2, 1)) == date(2027, 2, 28)
    assert next_birthday("11-27", AS_OF) == AS_OF


def deal(stage: str, moved_days_ago: int) -> Opportunity:
    moved = AS_OF - timedelta(days=moved_days_ago)
    return Opportunity("O1", "年度采购", 250000, date(2027, 3, 1), "zhang.wei", stage=stage,  # type: ignore[arg-type]
                       stage_history=[StageMove(stage, moved, "zhang.wei")])  # fmt: skip


@pytest.mark.parametrize(
    ("stage", "idle_days", "stale"),
    [
        ("negotiation", 14, False),
        ("negotiation", 15, True),
        ("lead", 30, False),
        ("lead", 31, True),
        ("won", 400, False),
    ],
)
def test_an_open_deal_untouched_past_its_stage_limit_is_stale(
    stage: str, idle_days: int, stale: bool
) -> None:
    c = customer("C", idle_days, opportunities=[deal(stage, idle_days)])
    found = sections([c]).get("stale", [])
    assert found == ([("stale", "CRM202601001-O1", idle_days)] if stale else [])


def test_a_recent_follow_up_keeps_a_deal_fresh() -> None:
    record = FollowUp("F1", AS_OF - timedelta(days=2), "phone", "zhang.wei", "确认采购30台")
    c = customer("C", 60, opportunities=[deal("negotiation", 60)], followups=[record])
    assert "stale" not in sections([c])


def test_nothing_due_gives_no_digest() -> None:
    assert build_digests([customer("C", 1)], CONFIG, AS_OF) == {}


def test_feedback_newer_than_the_owners_last_record_is_shown_to_the_owner() -> None:
    from salescrm.core.model import Feedback

    c = customer(
        "B",
        1,
        followups=[FollowUp("F1", datetime(2026, 11, 20, 10, 0), "phone", "zhang.wei", "电话沟通预算与数量")],
        feedback=[
            Feedback("B1", datetime(2026, 11, 19, 9, 0), "zhao.svc", "after-sales", "旧的反馈,已跟进"),
            Feedback(
                "B2", datetime(2026, 11, 25, 15, 0), "zhao.svc", "after-sales", "两台电脑屏幕闪烁,已换货"
            ),
        ],
    )
    digest = build_digests([c], CONFIG, AS_OF)["zhang.wei"]
    assert [(r.reference, r.days, r.what, r.detail) for r in digest.feedback] == [
        ("CRM202601001-B2", 2, "两台电脑屏幕闪烁,已换货", "zhao.svc after-sales")
    ]
    c.followups.append(
        FollowUp("F2", datetime(2026, 11, 26, 10, 0), "visit", "zhang.wei", "上门查看换货后的情况")
    )
    assert "zhang.wei" not in build_digests([c], CONFIG, AS_OF)


def test_managers_are_reminded_of_the_tier_review() -> None:
    digests = build_digests([], CONFIG, date(2026, 12, 26), review_due=date(2026, 12, 31))
    assert list(digests) == ["li.na"]
    assert [(r.kind, r.days) for r in digests["li.na"].review] == [("review", -5)]
