"""``salescrm merge-driver %O %A %B %P``, run as git runs it: three files, the merge in %A."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Crm

BASE = """\
id: CRM202405001
name: 某某科技有限公司
industry: IT服务
source: 展会
tier: B
owner: zhang.wei
created: 2024-05-03
needs: 需要采购50台办公电脑
contacts:
- name: 王经理
  phone: 021-5555-5678
  primary: true
"""
FOLLOWUP = "followups:\n- id: F1\n  at: 2024-05-12T10:00\n  via: phone\n  by: {by}\n  content: {content}\n"


def files(tmp_path: Path, ours: str, theirs: str) -> list[str]:
    names = []
    for name, text in (("base", BASE), ("ours", ours), ("theirs", theirs)):
        (tmp_path / name).write_text(text, "utf-8")
        names.append(str(tmp_path / name))
    return ["merge-driver", *names, "customers/CRM202405001.yaml"]


def test_clean_merge_writes_both_sides_into_ours(crm: Crm, tmp_path: Path) -> None:
    ours = BASE.replace("tier: B", "tier: A") + FOLLOWUP.format(by="zhang.wei", content="我方")
    theirs = BASE + FOLLOWUP.format(by="wang.fang", content="对方")
    result = crm(files(tmp_path, ours, theirs))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "salescrm: customers/CRM202405001.yaml: renumbered our followups F1 → F2\n"
    text = (tmp_path / "ours").read_text("utf-8")
    assert "tier: A" in text
    assert "- id: F1\n  at: 2024-05-12T10:00\n  via: phone\n  by: wang.fang\n  content: 对方\n" in text
    assert "- id: F2\n  at: 2024-05-12T10:00\n  via: phone\n  by: zhang.wei\n  content: 我方\n" in text


def test_conflict_exits_4_and_leaves_valid_yaml(crm: Crm, tmp_path: Path) -> None:
    ours = BASE.replace("industry: IT服务", "industry: 制造业").replace("tier: B", "tier: A")
    theirs = BASE.replace("industry: IT服务", "industry: 金融")
    result = crm(files(tmp_path, ours, theirs))
    assert result.exit_code == 4
    assert result.stderr == (
        "conflict: customers/CRM202405001.yaml: industry: ours '制造业', theirs '金融'\n"
        "error: customers/CRM202405001.yaml: 1 value(s) changed differently on both sides\n"
    )
    text = (tmp_path / "ours").read_text("utf-8")
    assert "industry: 制造业" in text and "tier: A" in text


def test_damaged_side_exits_5_and_leaves_ours_untouched(crm: Crm, tmp_path: Path) -> None:
    theirs = BASE + "<<<<<<< HEAD\n"
    result = crm(files(tmp_path, BASE, theirs))
    assert result.exit_code == 5
    assert result.stderr.startswith(
        "error: customers/CRM202405001.yaml (theirs):13: unresolved git conflict markers\n"
    )
    assert (tmp_path / "ours").read_text("utf-8") == BASE
