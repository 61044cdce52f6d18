"""``salescrm import leads``: CSV (UTF-8, BOM, GB18030) and XLSX lead lists."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from salescrm.store.datadir import DataDir
from tests.conftest import Crm

HEADER = "客户名称,联系人,职位,手机,邮箱,来源,行业,需求,标签\n"
LEADS = (
    HEADER
    + "华东精密制造有限公司,刘经理,采购经理,13911112222,,2024年春季行业展会,制造业,采购20台工控机,急需采购\n"
    + "杭州云启科技有限公司,陈总,总经理,13933334444,chen@yunqi.cn,2024年春季行业展会,IT服务,需要私有云方案,\n"
    + "重复客户有限公司,周主任,主任,13800000001,,2024年春季行业展会,,需要打印机,\n"
)


@pytest.fixture
def team(crm: Crm) -> Crm:
    crm.add_customer("老客户有限公司", "--at", "2024-05-03", "--phone", "138-0000-0001")
    return crm


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_gb18030_csv_imports_two_and_rejects_the_duplicate(team: Crm, tmp_path: Path) -> None:
    leads = write(tmp_path / "展会线索.csv", LEADS, "gb18030")
    rejects = tmp_path / "rejects.csv"
    stdout = team.ok(["import", "leads", str(leads), "--at", "2024-06-01", "--tag", "展会",
                      "--rejects", str(rejects)])  # fmt: skip
    assert stdout == (
        "3 rows: 2 added, 0 updated, 1 rejected (1 duplicate skipped, 0 invalid)\n"
        "row 4: rejected: duplicate: same phone as CRM202405001 (owner zhang.wei)\n"
        f"1 row rejected written to {rejects}\n"
    )
    datadir = DataDir(team.root)
    assert datadir.customer_ids() == ["CRM202405001", "CRM202406001", "CRM202406002"]
    first = datadir.read_customer("CRM202406001")
    assert (first.name, first.owner, first.industry, first.tags) == ("华东精密制造有限公司", "zhang.wei", "制造业",
                                                                     ["展会", "急需采购"])  # fmt: skip
    assert (first.contacts[0].name, first.contacts[0].title, first.contacts[0].phone) == ("刘经理", "采购经理",
                                                                                            "13911112222")  # fmt: skip
    assert datadir.read_customer("CRM202406002").contacts[0].email == "chen@yunqi.cn"
    raw = rejects.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows == [
        ["客户名称", "联系人", "职位", "手机", "邮箱", "来源", "行业", "需求", "标签", "reason"],
        ["重复客户有限公司", "周主任", "主任", "13800000001", "", "2024年春季行业展会", "", "需要打印机", "",
         "duplicate: same phone as CRM202405001 (owner zhang.wei)"],
    ]  # fmt: skip


def test_import_is_one_commit(git_crm: Crm, tmp_path: Path) -> None:
    import subprocess

    leads = write(tmp_path / "leads.csv", LEADS, "utf-8-sig")
    git_crm.ok(["import", "leads", str(leads), "--at", "2024-06-01"])
    subject = subprocess.run(["git", "log", "-1", "--format=%s"], cwd=git_crm.root, capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
    assert subject == "salescrm import leads: leads.csv (3 added, 0 updated) (by zhang.wei)\n"


def test_bad_rows_are_rejected_with_reasons_and_duplicates_within_the_file(team: Crm, tmp_path: Path) -> None:
    text = (
        "name,contact,phone,email,source,needs,industry\n"
        "甲公司,王经理,13700000001,,官网,要电脑,\n"
        "乙公司,,13700000002,,官网,要电脑,\n"
        "丙公司,李经理,13700000001,,官网,要电脑,\n"
        "丁公司,赵经理,13700000004,,官网,要电脑,航天\n"
    )
    leads = write(tmp_path / "leads.csv", text, "utf-8")
    stdout = team.ok(["import", "leads", str(leads), "--at", "2024-06-01"])
    assert stdout == (
        "4 rows: 1 added, 0 updated, 3 rejected (1 duplicate skipped, 2 invalid)\n"
        "row 3: rejected: missing contact\n"
        "row 4: rejected: duplicate: same phone as CRM202406001 (row 2 of this file)\n"
        "row 5: rejected: unknown industry '航天'\n"
    )


def test_on_duplicate_update_merges_tags_and_contact(team: Crm, tmp_path: Path) -> None:
    text = "客户名称,联系人,电话,来源,需求,标签\n老客户有限公司,孙工,13655556666,转介绍,加购,长期合作意向\n"
    leads = write(tmp_path / "leads.csv", text, "utf-8")
    stdout = team.ok(["import", "leads", str(leads), "--on-duplicate", "update"])
    assert (
        stdout == "1 row: 0 added, 1 updated, 0 rejected (0 duplicate skipped, 0 invalid)\n"
        "row 2: updated: merged into CRM202405001 (same name)\n"
    )
    customer = DataDir(team.root).read_customer("CRM202405001")
    assert customer.tags == ["长期合作意向"]
    assert [(c.name, c.primary) for c in customer.contacts] == [("王经理", True), ("孙工", False)]


def test_round_robin_deals_leads_to_the_reps(team: Crm, tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.csv", LEADS.replace("13800000001", "13955556666"), "utf-8")
    team.ok(["import", "leads", str(leads), "--at", "2024-06-01", "--assign", "round-robin"], user="li.na")
    owners = [DataDir(team.root).read_customer(f"CRM20240600{i}").owner for i in (1, 2, 3)]
    assert owners == ["zhang.wei", "wang.fang", "zhang.wei"]


def test_map_and_source_options(team: Crm, tmp_path: Path) -> None:
    text = "公司全称,对接人,电话,需求\n甲公司,王经理,13700000001,要电脑\n"
    leads = write(tmp_path / "leads.csv", text, "utf-8")
    team.ok(["import", "leads", str(leads), "--map", "公司全称=name", "--map", "对接人=contact",
             "--source", "线上推广", "--at", "2024-06-01"])  # fmt: skip
    customer = DataDir(team.root).read_customer("CRM202406001")
    assert (customer.name, customer.contacts[0].name, customer.source) == ("甲公司", "王经理", "线上推广")


def test_xlsx_with_numeric_phones(team: Crm, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["客户名称", "联系人", "手机", "来源", "需求"])
    sheet.append(["表格公司", "吴经理", 13712345678, "展会", "需要投影仪"])
    book.save(tmp_path / "leads.xlsx")
    team.ok(["import", "leads", str(tmp_path / "leads.xlsx"), "--at", "2024-06-01"])
    assert DataDir(team.root).read_customer("CRM202406001").contacts[0].phone == "13712345678"


def test_dry_run_changes_nothing(team: Crm, tmp_path: Path, digest) -> None:
    leads = write(tmp_path / "leads.csv", LEADS, "gb18030")
    before = digest(team.root)
    stdout = team.ok(["import", "leads", str(leads), "--dry-run"])
    assert stdout.startswith(
        "dry run, nothing changed: 3 rows: 2 added, 0 updated, 1 rejected (1 duplicate skipped, 0 invalid)\n"
    )
    assert digest(team.root) == before


def test_dry_run_still_writes_the_rejects_file_the_user_asked_for(team: Crm, tmp_path: Path, digest) -> None:
    leads = write(tmp_path / "leads.csv", LEADS, "gb18030")
    rejects = tmp_path / "rejects.csv"
    before = digest(team.root)
    stdout = team.ok(["import", "leads", str(leads), "--dry-run", "--rejects", str(rejects)])
    assert stdout.splitlines()[-1] == f"1 row rejected written to {rejects}"
    rows = list(csv.reader(rejects.read_bytes().decode("utf-8-sig").splitlines()))
    assert [row[0] for row in rows] == ["客户名称", "重复客户有限公司"]
    assert rows[1][-1] == "duplicate: same phone as CRM202405001 (owner zhang.wei)"
    assert digest(team.root) == before  # the data directory: untouched


@pytest.mark.parametrize(
    ("content", "args", "error"),
    [
        (None, [], "error: {file}: no such file"),
        (b"", [], "error: {file}: is empty"),
        ("联系人,电话\n王经理,13700000001\n".encode(), [], "error: no column names the customer"),
        (b"\xff\xfe\xff\xff,\x81\n", [], "error: {file}: cannot read its encoding (tried UTF-8 and GB18030)"),
        (LEADS.encode(), ["--map", "手机=mobile"], "error: --map '手机=mobile': unknown field 'mobile'"),
        (LEADS.encode(), ["--map", "传真=phone"], "error: --map '传真=phone': the file has no column '传真'"),
        (LEADS.encode(), ["--assign", "random"], "error: bad --assign 'random'"),
        (LEADS.encode(), ["--rejects", "{root}/customers/rejects.csv"],
         "error: --rejects {root}/customers/rejects.csv: is inside customers/, where only salescrm's own files belong"),
    ],
)  # fmt: skip
def test_bad_input_changes_nothing(team: Crm, tmp_path: Path, digest, content, args, error) -> None:
    file = tmp_path / "leads.csv"
    if content is not None:
        file.write_bytes(content)
    before = digest(team.root)
    result = team(["import", "leads", str(file), *[a.format(root=team.root) for a in args]])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines()[0] == error.format(file=file, root=team.root)
    assert digest(team.root) == before


def test_unknown_owner_is_not_found(team: Crm, tmp_path: Path, digest) -> None:
    leads = write(tmp_path / "leads.csv", LEADS, "utf-8")
    before = digest(team.root)
    result = team(["import", "leads", str(leads), "--owner", "nobody"])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (3, "error: no such member 'nobody'")
    assert digest(team.root) == before


def test_a_chinese_team_reads_the_summary_and_the_rejects_reasons_in_chinese(
    team: Crm, tmp_path: Path
) -> None:
    leads = write(
        tmp_path / "展会线索.csv",
        LEADS + "坏电话有限公司,吴总,,abc,,2024年春季行业展会,,需要打印机,\n",
        "utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    team.lang = None  # the team's locale: zh_CN
    stdout = team.ok(["import", "leads", str(leads), "--at", "2024-06-01", "--rejects", str(rejects)])
    assert stdout.splitlines() == [
        "4 行: 新增 2, 更新 0, 未导入 2(重复跳过 1, 无效 1)",
        "第 4 行: 未导入: 重复: 电话与 CRM202405001(负责人 zhang.wei) 相同",
        "第 5 行: 未导入: 电话无效 'abc'",
        f"2 行未导入的记录已写入 {rejects}",
    ]
    with rejects.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["原因"] for row in rows] == [
        "重复: 电话与 CRM202405001(负责人 zhang.wei) 相同",
        "电话无效 'abc'",
    ]
