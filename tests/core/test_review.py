"""The review pack on the worked example of docs/reports.md: every figure computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescrm.core.config import Config, Member
from salescrm.core.model import Customer, TierChange
from salescrm.core.periods import parse_period
from salescrm.core.review import ClosedDeal, review_pack
from salescrm.core.targets import targets_from_data
from salescrm.formats.review_md import pipe_table, review_markdown
from salescrm.formats.review_sections import review_sections
from tests.scenario import worked_example

D = Decimal
MEMBERS = [Member("li.na", "李娜", dept="management", role="manager"), Member("zhang.wei", "张伟"),
           Member("wang.fang", "王芳")]  # fmt: skip
CONFIG = Config(team="华东销售一部", members=MEMBERS, filters={"高潜客户": "tier = A"})
TARGETS = targets_from_data({"zhang.wei": {2026: {"amount": 1200000}}})
Q1 = parse_period("2026Q1")


def _customers() -> list[Customer]:
    customers = worked_example()
    customers[2].tier_history = [
        TierChange(date(2025, 12, 31), "C", "B", "old"),  # before the quarter: left out
        TierChange(date(2026, 2, 15), "B", "A", "trailing-12-month won 120000.00"),
    ]
    return customers


def test_the_quarter_as_of_its_last_day() -> None:
    pack = review_pack(_customers(), CONFIG, TARGETS, Q1, date(2026, 3, 31))
    assert pack.won == [ClosedDeal("CRM202601001-O1", "华东精工制造有限公司", "O1采购项目", "zhang.wei",
                                   D(240000), date(2026, 3, 20), "HT-O1")]  # fmt: skip
    assert pack.lost == [ClosedDeal("CRM202601002-O1", "云帆信息技术有限公司", "O1采购项目", "zhang.wei",
                                    D(80000), date(2026, 3, 10), "价格过高", "needs_analysis")]  # fmt: skip
    # the reports are the reports: the team's line of attainment, the pipeline's total
    assert pack.attainment.rows[-1]["won"] == D(240000) and pack.attainment.rows[-1]["target"] == D(300000)
    assert (pack.pipeline.rows[-1]["deals"], pack.pipeline.rows[-1]["amount"]) == (2, D(300000))
    assert [(r["member"], r["period"]) for r in pack.activity.rows] == []  # no follow-ups: no rows
    # cadence from the first contact: B every 30 days from 01-05, A every 14 from 02-03; C (90) not yet
    assert [(r.reference, r.days) for r in pack.overdue] == [("CRM202601001", 55), ("CRM202602001", 42)]
    assert pack.stale == []  # the lead of 03-02 is 29 days old, the proposal of 03-25 six
    assert [(t.customer.id, t.from_tier, t.to_tier, t.amount) for t in pack.tier_proposals] == [
        ("CRM202601001", "B", "A", D(240000))
    ]
    assert [(m.customer.id, m.change.to_tier) for m in pack.tier_moves] == [("CRM202602001", "A")]
    assert pack.saved_filter.expression == "tier = A"
    assert [c.id for c in pack.saved_filter.customers] == ["CRM202602001"]


def test_one_members_week_and_a_missing_filter() -> None:
    week = parse_period("2026-W14")  # 2026-03-30 … 04-05
    config = Config(team="华东销售一部", members=MEMBERS)
    pack = review_pack(_customers(), config, TARGETS, week, date(2026, 4, 5), owner="wang.fang")
    assert pack.won == [] and pack.lost == []
    assert [(r.reference, r.days) for r in pack.stale] == [("CRM202602001-O1", 34)]
    assert [r.owner for r in pack.overdue] == ["wang.fang"]
    assert pack.tier_moves == [] and pack.tier_proposals == []
    assert pack.saved_filter.expression is None
    saved = next(s for s in review_sections(pack, "zh") if s.key == "saved_filter")
    assert (saved.rows, saved.empty) == ([], "团队没有名为「高潜客户」的保存筛选")
    assert "The team has no saved filter named 高潜客户" in review_markdown(pack, "en")


def test_markdown_tables_escape_pipes() -> None:
    assert pipe_table(["客户", "金额"], [["A|B", "1,000"], ["", "2"]]) == (
        "| 客户 | 金额 |\n|---|---|\n| A\\|B | 1,000 |\n|   | 2 |"
    )


def test_sections_format_amounts_and_percentages() -> None:
    pack = review_pack(_customers(), CONFIG, TARGETS, Q1, date(2026, 3, 31))
    attainment = next(s for s in review_sections(pack, "en") if s.key == "attainment")
    assert attainment.rows[0] == ["张伟", "300,000", "240,000", "80.0%", "60,000", "0"]
    assert attainment.rows[-1][0] == "total · 华东销售一部"
