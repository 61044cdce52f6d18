"""The reports on the worked example of docs/reports.md: every figure computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescrm.core.config import Config, Member
from salescrm.core.model import Task
from salescrm.core.periods import parse_period
from salescrm.core.reports.activity import activity
from salescrm.core.reports.attainment import attainment
from salescrm.core.reports.conversion import conversion
from salescrm.core.reports.industry import industry
from salescrm.core.reports.lost_reasons import lost_reasons
from salescrm.core.reports.pipeline import pipeline
from salescrm.core.targets import targets_from_data
from tests.scenario import customer, followups, worked_example

D = Decimal
AS_OF = date(2026, 3, 31)
Q1 = parse_period("2026Q1")
CONFIG = Config(members=[Member("li.na", "李娜", dept="management", role="manager"),
                         Member("zhang.wei", "张伟"), Member("wang.fang", "王芳")])  # fmt: skip
TARGETS = targets_from_data({"zhang.wei": {2026: {"amount": 1200000}},
                             "wang.fang": {2026: {"amount": 600000, "quarters": {"Q1": 240000, "Q2": 180000,
                                                                                 "Q3": 120000, "Q4": 60000}}}})  # fmt: skip


def test_attainment_a_quarter_of_an_even_yearly_target() -> None:
    rows = attainment(worked_example(), CONFIG, TARGETS, Q1, AS_OF).rows
    assert [(r["member"], r["target"], r["won"], r["attainment_pct"], r["gap"], r["pipeline_weighted"]) for r in rows] == [
        ("zhang.wei", D(300000), D(240000), D("80.0"), D(60000), D(0)),
        ("wang.fang", D(240000), D(0), D("0.0"), D(240000), D(10000)),
        ("total", D(540000), D(240000), D("44.4"), D(300000), D(10000)),
    ]  # fmt: skip
    before = attainment(worked_example(), CONFIG, TARGETS, Q1, date(2026, 3, 19), owner="zhang.wei").rows
    assert [(r["member"], r["won"]) for r in before] == [("zhang.wei", D(0))]


def test_conversion_of_the_deals_opened_in_the_quarter() -> None:
    report = conversion(worked_example(), Q1, AS_OF)
    assert [(r["stage"], r["reached"], r["pct_of_previous"], r["pct_of_created"], r["median_days"]) for r in report.rows] == [
        ("lead", 4, D("100.0"), D("100.0"), D(14)),
        ("needs_analysis", 3, D("75.0"), D("75.0"), D(21)),
        ("proposal", 2, D("66.7"), D("50.0"), D(19)),
        ("negotiation", 1, D("50.0"), D("25.0"), D(19)),
        ("won", 1, D("100.0"), D("25.0"), None),
    ]  # fmt: skip
    assert report.summary == {"opened": 4, "won": 1, "lost": 1, "open": 2, "lead_to_won_pct": D("25.0"),
                              "win_rate_pct": D("50.0"), "new_customers": 3, "new_customers_won": 1}  # fmt: skip


def test_pipeline_weights_open_deals_by_their_stage() -> None:
    rows = pipeline(worked_example(), CONFIG, AS_OF).rows
    assert [(r["stage"], r["close_month"], r["deals"], r["amount"], r["weighted"]) for r in rows] == [
        ("lead", "2026-03", 1, D(100000), D(10000)),
        ("proposal", "2026-04", 1, D(200000), D(100000)),
        ("total", "", 2, D(300000), D(110000)),
    ]
    by_owner = pipeline(worked_example(), CONFIG, AS_OF, parse_period("2026Q2"), by="owner").rows
    assert [(r["owner"], r["weighted"]) for r in by_owner] == [("zhang.wei", D(100000)), ("total", D(100000))]


def test_industry_and_lost_reasons() -> None:
    rows = industry(worked_example(), CONFIG, Q1, AS_OF).rows
    assert [
        (r["industry"], r["customers"], r["A"], r["B"], r["C"], r["won"], r["won_share_pct"]) for r in rows
    ] == [
        ("制造业", 1, 0, 1, 0, D(240000), D("100.0")),
        ("IT服务", 1, 0, 0, 1, D(0), D("0.0")),
        ("教育", 1, 1, 0, 0, D(0), D("0.0")),
        ("total", 3, 1, 1, 1, D(240000), D("100.0")),
    ]
    lost = lost_reasons(worked_example(), Q1, AS_OF, by="stage").rows
    assert [(r["stage"], r["lost"], r["amount"]) for r in lost] == [
        ("needs_analysis", 1, D(80000)),
        ("total", 1, D(80000)),
    ]
    competitors = lost_reasons(worked_example(), Q1, AS_OF, by="competitor").rows
    assert competitors[0] == {"competitor": "竞品X", "lost": 1, "lost_share_pct": D("100.0"), "amount": D(80000),
                              "amount_share_pct": D("100.0")}  # fmt: skip


def test_activity_counts_follow_ups_per_week_and_tasks_on_time() -> None:
    c = customer("CRM202611001", "甲", followups=followups(3, date(2026, 11, 26), every_days=7))
    c.tasks = [
        Task(
            "T1",
            date(2026, 11, 10),
            "visit",
            "演示",
            "确认配置",
            "zhang.wei",
            "done",
            closed=date(2026, 11, 9),
        ),
        Task(
            "T2",
            date(2026, 11, 10),
            "visit",
            "演示",
            "确认配置",
            "zhang.wei",
            "done",
            closed=date(2026, 11, 12),
        ),
        Task("T3", date(2026, 11, 20), "phone", "报价", "确认价格", "zhang.wei", "open"),
    ]
    rows = activity([c], parse_period("2026-11"), date(2026, 11, 27)).rows
    assert [(r["period"], r["followups"], r["phone"], r["tasks_on_time"], r["tasks_late"], r.get("overdue_now")) for r in rows] == [
        ("2026-W46", 1, 1, 1, 1, None),  # Monday 9 November: one on time, one late, one call
        ("2026-W47", 1, 1, 0, 0, None),
        ("2026-W48", 1, 1, 0, 0, None),
        ("total", 3, 3, 1, 1, 1),
    ]  # fmt: skip


def test_activity_lists_every_sales_member_idle_ones_with_zeros() -> None:
    c = customer("CRM202611001", "甲", followups=followups(1, date(2026, 11, 26)))
    report = activity([c], parse_period("2026-11"), date(2026, 11, 27), config=CONFIG)
    zeros = {"followups": 0, "phone": 0, "visit": 0, "email": 0, "meeting": 0, "wechat": 0, "wecom": 0, "other": 0,
             "tasks_on_time": 0,
             "tasks_late": 0}  # fmt: skip
    assert report.rows == [
        {"member": "wang.fang", "period": "total", **zeros, "overdue_now": 0},  # a rep who did nothing
        {"member": "zhang.wei", "period": "2026-W48", **zeros, "followups": 1, "phone": 1},
        {"member": "zhang.wei", "period": "total", **zeros, "followups": 1, "phone": 1, "overdue_now": 0},
    ]  # li.na is management: listed only when she did something
    one = activity([c], parse_period("2026-11"), date(2026, 11, 27), owner="li.na", config=CONFIG)
    assert one.rows == [{"member": "li.na", "period": "total", **zeros, "overdue_now": 0}]
