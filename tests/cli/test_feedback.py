"""``salescrm feedback add``: any member, tagged with their department, shown on the customer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from salescrm.store.datadir import DataDir
from tests.conftest import Crm


@pytest.fixture
def customer(crm: Crm) -> str:
    return crm.add_customer("某某科技有限公司", "--at", "2024-05-03")


def test_after_sales_feedback_is_tagged_and_shown(crm: Crm, customer: str, tmp_path: Path) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    receipt = tmp_path / "换货单.pdf"
    receipt.write_bytes(b"%PDF receipt")
    stdout = crm.ok(["feedback", "add", customer, "--content", "两台电脑屏幕闪烁,已换货", "--at", "2024-09-02",
                     "--attach", str(receipt)], user="zhao.svc")  # fmt: skip
    assert stdout == f"{customer}-B1\n"
    item = DataDir(crm.root).read_customer(customer).feedback[0]
    assert (item.by, item.dept, item.content) == ("zhao.svc", "after-sales", "两台电脑屏幕闪烁,已换货")
    assert item.attachments == [f"attachments/{customer}/换货单.pdf"]  # one naming rule for every attachment
    assert (crm.root / item.attachments[0]).read_bytes() == b"%PDF receipt"
    shown = crm.ok(["customer", "show", customer])
    assert f"{customer}-B1  2024-09-02  zhao.svc  售后    两台电脑屏幕闪烁,已换货" in shown


def test_second_feedback_by_a_rep_with_dept_override(crm: Crm, customer: str) -> None:
    crm.ok(["feedback", "add", customer, "--content", "第一条"], user="zhao.svc")
    assert (
        crm.ok(["feedback", "add", customer, "--content", "客户投诉物流慢", "--dept", "售后"])
        == f"{customer}-B2\n"
    )
    item = DataDir(crm.root).read_customer(customer).feedback[1]
    assert (item.by, item.dept) == ("zhang.wei", "after-sales")


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (["CRM209901001", "--content", "x"], 3, "error: no such customer CRM209901001"),
        (["{c}", "--content", "  "], 2, "error: feedback must not be empty"),
        (["{c}", "--content", "x", "--attach", "/nonexistent/a.pdf"], 2, "error: no such file /nonexistent/a.pdf"),
        (["{c}", "--content", "x", "--dept", "财务"], 2, "error: unknown department '财务'"),
        (["{c}", "--content", "x", "--at", "someday"], 2, "error: bad --at date 'someday'"),
    ],
)  # fmt: skip
def test_bad_input_changes_nothing(crm: Crm, customer: str, digest, args, code, error) -> None:
    before = digest(crm.root)
    result = crm(["feedback", "add", *[a.format(c=customer) for a in args]], user="zhao.svc")
    assert result.exit_code == code
    assert result.stderr.splitlines()[0].startswith(error), result.stderr
    assert digest(crm.root) == before


def test_list_shows_feedback_oldest_first_filtered(crm: Crm, customer: str) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    other = crm.add_customer("另一家公司", "--owner", "wang.fang", "--at", "2024-01-01", user="li.na")
    crm.ok(["feedback", "add", other, "--content", "发票抬头有误", "--at", "2024-09-01"], user="zhao.svc")
    crm.ok(
        ["feedback", "add", customer, "--content", "两台电脑屏幕闪烁,已换货", "--at", "2024-09-02"],
        user="zhao.svc",
    )
    crm.ok(
        ["feedback", "add", customer, "--content", "客户想加购", "--at", "2024-09-03", "--dept", "marketing"]
    )
    rows = json.loads(crm.ok(["feedback", "list", "-f", "json"]))
    assert [(r["ref"], r["dept"], r["content"]) for r in rows] == [
        (f"{other}-B1", "after-sales", "发票抬头有误"),
        (f"{customer}-B1", "after-sales", "两台电脑屏幕闪烁,已换货"),
        (f"{customer}-B2", "marketing", "客户想加购"),
    ]
    mine = json.loads(crm.ok(["feedback", "list", "--owner", "me", "--dept", "售后", "-f", "json"]))
    assert [r["ref"] for r in mine] == [f"{customer}-B1"]
    assert [r["ref"] for r in json.loads(crm.ok(["feedback", "list", "另一家", "-f", "json"]))] == [
        f"{other}-B1"
    ]
    assert len(json.loads(crm.ok(["feedback", "list", "--since", "2024-09-03", "-f", "json"]))) == 1
    table = crm.ok(["feedback", "list", customer]).splitlines()
    assert (
        table[0].split() == ["编号", "客户", "时间", "记录人", "部门", "内容", "附件"] and "售后" in table[2]
    )


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [(["--dept", "财务"], 2, "error: unknown department '财务'"), (["--owner", "nobody"], 3, "error: no such member"),
     (["--since", "someday"], 2, "error: bad --since date"), (["没有这家"], 3, "error: no customer matches")],
)  # fmt: skip
def test_list_refuses_bad_input(crm: Crm, customer: str, args: list[str], code: int, error: str) -> None:
    result = crm(["feedback", "list", *args])
    assert result.exit_code == code and result.stderr.startswith(error), result.stderr
