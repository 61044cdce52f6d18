"""Follow-up plans, records, note vagueness and attachment names, in memory."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from salescrm.core.config import Config, Member
from salescrm.core.errors import NotFoundError, UsageError
from salescrm.core.followups import (
    NewRecord,
    NewTask,
    check_note,
    log_followup,
    plan_task,
    vague_note,
)
from salescrm.core.model import Contact, Customer

CONFIG = Config(members=[Member("zhang.wei", "张伟"), Member("wang.fang", "王芳")])
AT = datetime(2024, 5, 3, 10, 0)


def customer(number: str = "CRM202405001") -> Customer:
    return Customer(number, "某某科技", "展会", "采购", "zhang.wei", date(2024, 5, 1),
                    contacts=[Contact("王经理", phone="021-5555-5678")])  # fmt: skip


def test_plan_numbers_tasks_and_accepts_chinese_channels() -> None:
    c = customer()
    first = plan_task(c, NewTask(AT, "拜访", "演示样机", "确认配置", "zhang.wei"), CONFIG, AT)
    second = plan_task(c, NewTask(AT, "线上会议", "报价", "确认价格", "wang.fang"), CONFIG, AT)
    assert (first.id, first.via, second.id, second.via) == ("T1", "visit", "T2", "meeting")


def test_plan_refuses_an_unknown_channel_and_member() -> None:
    with pytest.raises(UsageError, match="unknown channel 'fax'"):
        plan_task(customer(), NewTask(AT, "fax", "x", "y", "zhang.wei"), CONFIG, AT)
    with pytest.raises(NotFoundError, match="no such member 'nobody'"):
        plan_task(customer(), NewTask(AT, "phone", "x", "y", "nobody"), CONFIG, AT)


def test_logging_with_a_task_closes_it() -> None:
    c = customer()
    plan_task(c, NewTask(AT, "phone", "报价", "确认价格", "zhang.wei"), CONFIG, AT)
    record = log_followup(c, NewRecord(AT, "电话", "zhang.wei", "客户接受报价25万", task="CRM202405001-T1"))
    assert (record.id, record.task, c.tasks[0].status, c.tasks[0].note) == (
        "F1",
        "T1",
        "done",
        "CRM202405001-F1",
    )
    with pytest.raises(UsageError, match="already done"):
        log_followup(c, NewRecord(AT, "电话", "zhang.wei", "再次确认", task="T1"))


def test_logging_refuses_another_customers_task_and_next_before_the_record() -> None:
    c = customer()
    plan_task(c, NewTask(AT, "phone", "报价", "确认价格", "zhang.wei"), CONFIG, AT)
    with pytest.raises(UsageError, match="belongs to customer CRM202405002"):
        log_followup(c, NewRecord(AT, "phone", "zhang.wei", "客户接受报价25万", task="CRM202405002-T1"))
    with pytest.raises(UsageError, match="before the follow-up"):
        log_followup(c, NewRecord(AT, "phone", "zhang.wei", "客户接受报价25万", next=date(2024, 5, 2)))
    assert c.followups == [] and c.tasks[0].status == "open"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("客户有意向", "vague note: it says '客户有意向'"),
        ("Customer is INTERESTED in our offer", "vague note: it says 'interested'"),
        ("要报价单", "short note: 4 characters, fewer than 10"),
        ("客户确认下月采购30台,预算25万", None),
    ],
)
def test_vague_notes_are_recognised(content: str, reason: str | None) -> None:
    assert vague_note(content, CONFIG) == reason


def test_strict_turns_the_warning_into_an_error() -> None:
    assert "the need, the numbers" in (check_note("再联系", CONFIG, strict=False) or "")
    with pytest.raises(UsageError, match="vague note"):
        check_note("再联系", CONFIG, strict=True)
    with pytest.raises(UsageError):
        check_note("再联系", Config(strict_notes=True), strict=False)
