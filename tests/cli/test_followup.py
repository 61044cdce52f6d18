"""``salescrm followup plan|log|done|cancel|list`` through the command line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from salescrm.store.datadir import DataDir

if TYPE_CHECKING:
    from tests.conftest import Crm, Digest


@pytest.fixture
def customer(crm: Crm) -> str:
    return crm.add_customer("某某科技有限公司", "--at", "2024-05-03")


def read(crm: Crm, number: str) -> str:
    return (crm.root / "customers" / f"{number}.yaml").read_text("utf-8")


def test_plan_prints_the_task_reference_and_stores_the_task(crm: Crm, customer: str) -> None:
    out = crm.ok(
        f"followup plan {customer} --due 2024-05-10T10:00 --via 拜访 --focus 演示样机 --goal 确认配置 --at 2024-05-03"
    )
    assert out == f"{customer}-T1\n"
    assert (
        "  due: 2024-05-10T10:00\n  via: visit\n  focus: 演示样机\n  goal: 确认配置\n  owner: zhang.wei\n  status: open\n"
        in read(crm, customer)
    )
    assert (
        crm.ok(
            f"followup plan {customer} --due 2024-05-11 --via 线上会议 --focus 报价 --goal 确认价格 --owner wang.fang"
        )
        == f"{customer}-T2\n"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ("--due 2024-05-10 --via fax --focus a --goal b", 2, "error: unknown channel 'fax'"),
        ("--due 2024-13-10 --via phone --focus a --goal b", 2, "error: bad --due date '2024-13-10'"),
        (
            "--due 2024-05-10 --via phone --focus a --goal b --owner nobody",
            3,
            "error: no such member 'nobody'",
        ),
        ("--due 2024-05-10 --via phone --focus '' --goal b", 2, "error: --focus must not be empty"),
    ],
)
def test_plan_refuses_bad_input_and_changes_nothing(
    crm: Crm, customer: str, digest: Digest, args: str, code: int, message: str
) -> None:
    before = digest(crm.root)
    result = crm(f"followup plan {customer} {args}")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (code, message)
    assert digest(crm.root) == before


def test_plan_for_an_unknown_customer_is_exit_3(crm: Crm) -> None:
    result = crm("followup plan CRM202405099 --due 2024-05-10 --via phone --focus a --goal b")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (3, "error: no such customer CRM202405099")


def test_log_records_attachment_next_and_closes_the_task(crm: Crm, customer: str, tmp_path: Path) -> None:
    crm.ok(
        f"followup plan {customer} --due 2024-05-10T10:00 --via visit --focus 演示样机 --goal 确认配置 --at 2024-05-03"
    )
    quote = tmp_path / "报价 单.pdf"
    quote.write_bytes(b"%PDF-1.4 quote")
    out = crm.ok(["followup", "log", customer, "--via", "电话", "--content", "客户希望下月交付,对价格上浮5%可接受",
                  "--at", "2024-05-10T11:00", "--attach", str(quote), "--attach", str(quote),
                  "--next", "2024-05-17", "--task", f"{customer}-T1"])  # fmt: skip
    assert out == f"{customer}-F1\n"
    text = read(crm, customer)
    assert (
        "- id: F1\n  at: 2024-05-10T11:00\n  via: phone\n  by: zhang.wei\n  content: 客户希望下月交付,对价格上浮5%可接受\n"
        f"  attachments:\n  - attachments/{customer}/报价_单.pdf\n  - attachments/{customer}/报价_单-2.pdf\n"
        "  next: 2024-05-17\n  task: T1\n"
    ) in text
    assert "  status: done\n  created:" in text and f"  note: {customer}-F1\n" in text
    assert (crm.root / "attachments" / customer / "报价_单-2.pdf").read_bytes() == b"%PDF-1.4 quote"


def test_a_vague_note_is_warned_about(crm: Crm, customer: str) -> None:
    result = crm(f"followup log {customer} --via phone --content 客户有意向")
    assert result.exit_code == 0 and result.stdout == f"{customer}-F1\n"
    assert result.stderr.startswith(
        "warning: vague note: it says '客户有意向'; a good note holds the need, the numbers"
    )


def test_strict_refuses_a_vague_note(crm: Crm, customer: str, digest: Digest) -> None:
    before = digest(crm.root)
    result = crm(f"followup log {customer} --via phone --content 再联系 --strict")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2, "error: vague note: it says '再联系'; a good note holds the need, the numbers and the customer's own words")  # fmt: skip
    config = crm.root / "salescrm.yaml"
    config.write_text(config.read_text("utf-8").replace("strict: false", "strict: true"), "utf-8")
    assert crm(f"followup log {customer} --via phone --content 短").exit_code == 2
    before["salescrm.yaml"] = config.read_bytes()
    assert digest(crm.root) == before


def _other_task(crm: Crm, customer: str) -> str:
    other = crm.add_customer("另一家公司")
    crm.ok(f"followup plan {other} --due 2024-05-10 --via phone --focus a --goal b")
    return f"{other}-T1"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("--task OTHER", "error: task {other} belongs to customer {other_id}, not {customer}"),
        ("--task {customer}-T9", "error: no such task {customer}-T9"),
        ("--attach MISSING", "error: no such file {missing}"),
        ("--attach FOLDER", "error: {folder} is not a file"),
        ("--attach LINK", "error: {link} is a symbolic link"),
        ("--attach BIG", "error: {big} is 1.0 MB; attachments are at most 1 MB"),
        (
            "--next 2024-05-01 --at 2024-05-03",
            "error: --next 2024-05-01 is before the follow-up itself (2024-05-03)",
        ),
        ("--via fax", "error: unknown channel 'fax'"),
    ],
)
def test_log_refuses_bad_input_and_changes_nothing(
    crm: Crm, customer: str, digest: Digest, tmp_path: Path, extra: str, message: str
) -> None:
    other = _other_task(crm, customer)
    (crm.root / "salescrm.yaml").write_text(
        (crm.root / "salescrm.yaml").read_text("utf-8").replace("max_mb: 20", "max_mb: 1"), "utf-8")  # fmt: skip
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    link = tmp_path / "link.pdf"
    os.symlink(outside, link)
    paths = {
        "missing": str(tmp_path / "nope.pdf"),
        "folder": str(tmp_path),
        "link": str(link),
        "big": str(big),
    }
    names = {"other": other, "other_id": other.split("-")[0], "customer": customer, **paths}
    args = extra.format(**names)
    for word, value in (("OTHER", other), ("MISSING", paths["missing"]), ("FOLDER", paths["folder"]),
                        ("LINK", paths["link"]), ("BIG", paths["big"])):  # fmt: skip
        args = args.replace(word, value)
    if "--via" not in args:
        args += " --via phone"
    before = digest(crm.root)
    result = crm(f"followup log {customer} --content 客户确认下月采购30台,预算25万 {args}")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2 if "T9" not in extra else 3,
        message.format(**names),
    )
    assert digest(crm.root) == before


def test_done_closes_a_task_once(crm: Crm, customer: str, digest: Digest) -> None:
    crm.ok(
        f"followup plan {customer} --due 2024-05-10 --via phone --focus 报价 --goal 确认价格 --at 2024-05-03"
    )
    assert (
        crm.ok(f"followup done {customer}-T1 --note 客户接受报价 --at 2024-05-10T16:00") == f"{customer}-T1\n"
    )
    assert "  status: done\n  created:" in read(crm, customer)
    assert "  closed: 2024-05-10T16:00\n  note: 客户接受报价\n" in read(crm, customer)
    before = digest(crm.root)
    again = crm(f"followup done {customer}-T1")
    assert again.exit_code == 2
    assert again.stderr.splitlines()[0] == f"error: task {customer}-T1 is already done (2024-05-10T16:00)"
    assert digest(crm.root) == before


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        ("followup done {c}-T7", 3, "error: no such task {c}-T7"),
        ("followup done {c}-F1", 2, "error: bad task reference '{c}-F1'"),
        ("followup cancel {c}-T1 --reason ''", 2, "error: --reason must not be empty"),
    ],
)
def test_done_and_cancel_refuse_bad_references(
    crm: Crm, customer: str, digest: Digest, command: str, code: int, message: str
) -> None:
    crm.ok(
        f"followup plan {customer} --due 2024-05-10 --via phone --focus 报价 --goal 确认价格 --at 2024-05-03"
    )
    before = digest(crm.root)
    result = crm(command.format(c=customer))
    assert (result.exit_code, result.stderr.splitlines()[0]) == (code, message.format(c=customer))
    assert digest(crm.root) == before


def test_cancel_keeps_the_reason(crm: Crm, customer: str) -> None:
    crm.ok(
        f"followup plan {customer} --due 2024-05-10 --via phone --focus 报价 --goal 确认价格 --at 2024-05-03"
    )
    assert crm.ok(f"followup cancel {customer}-T1 --reason 客户改为线上会议") == f"{customer}-T1\n"
    assert "  status: cancelled\n" in read(crm, customer) and "  note: 客户改为线上会议\n" in read(
        crm, customer
    )


def test_list_shows_plans_and_records_oldest_first(crm: Crm, customer: str) -> None:
    crm.ok(
        f"followup plan {customer} --due 2024-05-10T10:00 --via visit --focus 演示样机 --goal 确认配置 --at 2024-05-03"
    )
    crm.ok(
        f"followup plan {customer} --due 2024-05-20 --via phone --focus 报价 --goal 确认价格 --owner wang.fang"
    )
    crm.ok(f"followup log {customer} --via email --content 已发送报价单,总价25万元 --at 2024-05-06T09:30")
    rows = json.loads(crm.ok("followup list -f json"))
    assert [(r["ref"], r["kind"], r["when"], r["owner"], r["status"]) for r in rows] == [
        (f"{customer}-F1", "record", "2024-05-06T09:30", "zhang.wei", ""),
        (f"{customer}-T1", "plan", "2024-05-10T10:00", "zhang.wei", "open"),
        (f"{customer}-T2", "plan", "2024-05-20", "wang.fang", "open"),
    ]
    mine = json.loads(crm.ok(f"followup list {customer} --owner me --open --since 2024-05-07 -f json"))
    assert [r["ref"] for r in mine] == [f"{customer}-T1"]
    table = crm.ok(f"--lang zh followup list {customer} --owner wang.fang")
    assert table.splitlines()[2].split() == [f"{customer}-T2", "某某科技有限公司", "计划", "2024-05-20", "电话",
                                             "wang.fang", "待办", "报价"]  # fmt: skip


def test_list_of_an_unknown_owner_is_exit_3(crm: Crm) -> None:
    result = crm("followup list --owner nobody")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (3, "error: no such member 'nobody'")


def test_log_commits_the_record_and_its_attachment(git_crm: Crm, tmp_path: Path) -> None:
    import subprocess

    number = git_crm.add_customer("某某科技有限公司", "--at", "2024-05-03")
    quote = tmp_path / "quote.pdf"
    quote.write_bytes(b"%PDF-1.4")
    git_crm.ok(["followup", "log", number, "--via", "visit", "--content", "客户确认采购30台,预算25万",
                "--at", "2024-05-06", "--attach", str(quote)])  # fmt: skip
    log = subprocess.run(["git", "-C", str(git_crm.root), "log", "-1", "--name-only", "--format=%s"],
                         capture_output=True, text=True, check=True).stdout.splitlines()  # fmt: skip
    assert log[0] == f"salescrm followup log: {number}-F1 (by zhang.wei)"
    assert sorted(log[2:]) == [f"attachments/{number}/quote.pdf", f"customers/{number}.yaml"]


def test_log_refuses_a_closed_task(crm: Crm, customer: str, digest: Digest) -> None:
    crm.ok(
        f"followup plan {customer} --due 2024-05-10 --via phone --focus 报价 --goal 确认价格 --at 2024-05-03"
    )
    crm.ok(f"followup cancel {customer}-T1 --reason 客户改期")
    before = digest(crm.root)
    result = crm(f"followup log {customer} --via phone --content 客户确认采购30台,预算25万 --task T1")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(f"error: task {customer}-T1 is already cancelled (")
    assert digest(crm.root) == before


def test_wechat_and_wecom_are_stored_and_shown(crm: Crm, customer: str) -> None:
    crm.ok(
        ["followup", "log", customer, "--via", "微信", "--content", "微信发送报价单V2,王经理回复下周确认数量"]
    )
    crm.ok(["followup", "plan", customer, "--via", "企业微信", "--due", "2099-01-05T10:00", "--focus", "报价",
            "--goal", "确认数量"])  # fmt: skip
    stored = DataDir(crm.root).read_customer(customer)
    assert (stored.followups[-1].via, stored.tasks[-1].via) == ("wechat", "wecom")
    listing = crm.ok(["--lang", "zh", "followup", "list", customer])
    assert "微信" in listing and "企业微信" in listing


@pytest.mark.parametrize("command", ["log", "plan"])
def test_an_unknown_or_unlisted_channel_is_refused(
    crm: Crm, customer: str, digest: Digest, command: str
) -> None:
    rest = ["--content", "电话沟通采购数量与交付时间"] if command == "log" else [
        "--due", "2099-01-05", "--focus", "报价", "--goal", "确认数量"]  # fmt: skip
    before = digest(crm.root)
    result = crm(["followup", command, customer, "--via", "钉钉", *rest])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, "error: unknown channel '钉钉'")
    said = crm(["--lang", "zh", "followup", command, customer, "--via", "钉钉", *rest])
    assert (said.exit_code, said.stderr.splitlines()[0]) == (2, "error: 未知的跟进方式 '钉钉'")
    assert "wechat (微信), wecom (企业微信)" in result.stderr
    config = crm.root / "salescrm.yaml"
    config.write_text(config.read_text("utf-8") + "channels: [电话, 拜访]\n", "utf-8")
    before = digest(crm.root)
    result = crm(["followup", command, customer, "--via", "微信", *rest])
    assert result.stderr.splitlines() == [
        "error: channel '微信' is not in this team's list",
        "hint: the team's channels: phone (电话), visit (拜访) (channels in salescrm.yaml)",
    ]
    assert result.exit_code == 2 and digest(crm.root) == before


def test_list_vague_finds_the_vague_notes_after_the_fact(crm: Crm, customer: str) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    crm.ok(["followup", "log", customer, "--via", "电话", "--content", "客户有意向", "--at", "2024-05-04"])
    crm.ok(["followup", "log", customer, "--via", "电话", "--content", "王经理确认采购300台,12月10日前报价"])
    crm.ok(
        ["followup", "log", customer, "--via", "拜访", "--content", "再联系", "--at", "2024-05-06"],
        user="li.na",  # the manager may log on anyone's customer
    )
    rows = json.loads(crm.ok(["followup", "list", "--vague", "-f", "json"]))
    assert [(r["ref"], r["text"], r["vague"]) for r in rows] == [
        (f"{customer}-F1", "客户有意向", "vague note: it says '客户有意向'"),
        (f"{customer}-F3", "再联系", "vague note: it says '再联系'"),
    ]
    mine = crm.ok(["followup", "list", customer, "--vague", "--owner", "me", "-f", "csv"]).splitlines()
    assert mine[0] == "ref,customer,kind,when,via,owner,status,text,vague" and len(mine) == 2
    assert "含糊之处" in crm.ok(["followup", "list", "--vague"]).splitlines()[0]
