"""remind also tells of other departments' feedback and of the quarterly tier review."""

from __future__ import annotations

from tests.conftest import Crm


def test_feedback_reaches_the_owner_until_the_next_follow_up(crm: Crm) -> None:
    number = crm.add_customer("某公司", "--at", "2026-11-01")
    crm.ok(["followup", "log", number, "--via", "phone", "--at", "2026-11-20T10:00",
            "--content", "电话确认采购50台电脑,预算30万,下周报价"])  # fmt: skip
    crm.ok(
        ["feedback", "add", number, "--content", "两台电脑屏幕闪烁,已换货", "--at", "2026-11-25"],
        user="zhao.svc",
    )
    shown = crm.ok("--lang zh remind --as-of 2026-11-27")
    assert "新反馈(上次跟进后) (1)" in shown and "两台电脑屏幕闪烁,已换货" in shown
    crm.ok(["followup", "log", number, "--via", "visit", "--at", "2026-11-26T10:00",
            "--content", "上门查看换货后的情况,客户满意,追加10台"])  # fmt: skip
    assert "两台电脑屏幕闪烁" not in crm.ok("--lang zh remind --as-of 2026-11-27")


def test_the_tier_review_is_due_in_the_last_week_of_a_quarter_until_applied(crm: Crm) -> None:
    assert "tier review" not in crm.ok("--lang en remind --as-of 2026-09-23", user="li.na")
    due = crm.ok("--lang en remind --as-of 2026-09-25", user="li.na")
    assert "Quarterly tier review due (1)" in due and "salescrm tier review --apply" in due
    crm.ok("tier review --as-of 2026-09-25 --apply", user="li.na")
    assert crm("--lang en remind --as-of 2026-09-26", user="li.na").stdout == ""
