"""Customer files as text: read, validate, write, without a disk."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from textwrap import dedent

from salescrm.core.config import Config
from salescrm.core.records import customer_from_data, customer_to_data
from salescrm.core.validate import validate_customer
from salescrm.store.yamlio import dump_text, load_text

EXAMPLE = dedent(
    """\
    id: CRM202405001
    name: 某某科技有限公司
    industry: IT服务
    size: medium
    source: 2024年春季行业展会
    tags: [急需采购, 长期合作意向]
    tier: B
    tier_pinned: false
    owner: zhang.wei
    created: 2024-05-03
    first_contact: 2024-05-03
    needs: 需要采购50台办公电脑
    contacts:
      - {name: 王经理, title: 采购总监, phone: 021-5555-5678, email: wang@example.com, birthday: 05-12, primary: true}
    tier_history:
      - {at: 2024-06-30, from: C, to: B, reason: trailing-12-month won 35000.00}
    tasks:
      - {id: T1, due: 2024-05-10T10:00, via: visit, focus: 演示样机, goal: 确认配置, owner: zhang.wei, status: open}
    followups:
      - {id: F1, at: 2024-05-03T10:00, via: phone, by: zhang.wei, content: 客户希望下月交付对价格上浮5%可接受,
         attachments: [attachments/CRM202405001/20240503-quote.pdf], next: 2024-05-17, task: T1}
    opportunities:
      - id: O1
        name: A公司2024年度办公设备采购
        amount: 250000
        close: 2024-08-30
        owner: zhang.wei
        stage: won
        stage_history: [{stage: lead, at: 2024-05-03, by: zhang.wei}]
        artefacts: {needs_report: attachments/CRM202405001/needs.pdf}
        negotiation: {decision_makers: [李总], competitors: [竞品X]}
        contract: {number: HT-2024-031, amount: 248000.50, payment_terms: 30%预付, signed: 2024-08-20}
    feedback:
      - {id: B1, at: 2024-09-02, by: zhao.svc, dept: after-sales, content: 两台电脑屏幕闪烁已换货}
    """
)


def load(text: str):  # type: ignore[no-untyped-def]
    return customer_from_data(load_text(text, "c.yaml"), "c.yaml")


def test_the_design_example_reads_into_typed_records() -> None:
    customer, problems = load(EXAMPLE)
    assert problems == []
    assert customer is not None
    assert customer.tags == ["急需采购", "长期合作意向"]
    assert customer.tasks[0].due == datetime(2024, 5, 10, 10, 0)
    assert customer.followups[0].next == date(2024, 5, 17)
    assert customer.opportunities[0].contract.amount == Decimal("248000.50")  # type: ignore[union-attr]
    assert customer.feedback[0].at == date(2024, 9, 2)


def test_written_files_are_normalised_and_read_back_the_same() -> None:
    customer, _ = load(EXAMPLE)
    assert customer is not None
    text = dump_text(customer_to_data(customer))
    assert "\\u" not in text and "某某科技有限公司" in text
    assert "248000.50" in text and "due: 2024-05-10T10:00" in text
    again, problems = load(text)
    assert problems == [] and again == customer
    assert dump_text(customer_to_data(again)) == text  # normalising twice changes nothing


def test_tags_are_sorted_and_unique_on_write() -> None:
    customer, _ = load(EXAMPLE)
    assert customer is not None
    customer.tags = ["b", "a", "b"]
    assert customer_to_data(customer)["tags"] == ["a", "b"]


def test_wrong_types_are_problems_with_their_path() -> None:
    text = EXAMPLE.replace("amount: 250000", "amount: lots").replace(
        "tier_pinned: false", "tier_pinned: maybe"
    )
    customer, problems = load(text)
    assert customer is None
    messages = [p.message for p in problems]
    assert any(m.startswith("opportunities[0].amount: expected an amount") for m in messages)
    assert any(m.startswith("tier_pinned: expected true or false") for m in messages)


def test_unknown_keys_are_kept_and_warned_about() -> None:
    customer, problems = load(EXAMPLE + "wechat: wang_123\n")
    assert customer is not None and customer.extra == {"wechat": "wang_123"}
    assert [p.severity for p in problems] == ["warning"]
    assert "wechat: wang_123" in dump_text(customer_to_data(customer))


def test_validation_finds_rule_breaks() -> None:
    customer, _ = load(
        EXAMPLE.replace("industry: IT服务", "industry: 太空").replace("via: phone", "via: fax")
    )
    assert customer is not None
    messages = [p.message for p in validate_customer(customer, Config(), "c.yaml")]
    assert "unknown industry '太空'" in messages[0]
    assert any("unknown channel 'fax'" in m for m in messages)


def test_attachments_must_stay_in_their_folder() -> None:
    customer, _ = load(EXAMPLE.replace("attachments/CRM202405001/20240503-quote.pdf", "../../etc/passwd"))
    assert customer is not None
    messages = [p.message for p in validate_customer(customer, Config(), "c.yaml")]
    assert any("outside attachments/CRM202405001/" in m for m in messages)
