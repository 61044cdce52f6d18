"""With the team locale zh_CN every table heading is Chinese; json and csv keep English keys."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import Crm

ROOT = Path(__file__).resolve().parent.parent.parent
AS_OF = "--as-of 2026-11-27"
REPORTS = [
    f"report attainment {AS_OF}",
    f"report attainment --period 2026Q4 --owner zhang.wei {AS_OF}",
    f"report conversion {AS_OF}",
    f"report industry {AS_OF}",
    f"report lost-reasons {AS_OF}",
    f"report lost-reasons --by competitor {AS_OF}",
    f"report lost-reasons --by stage {AS_OF}",
    f"report pipeline {AS_OF}",
    f"report pipeline --by month {AS_OF}",
    f"report pipeline --by owner {AS_OF}",
    f"report activity {AS_OF}",
    f"report activity --period 2026 --by month {AS_OF}",
]
LISTINGS = [
    "member list",
    "customer list --archived",
    "followup list",
    f"opp list {AS_OF}",
    f"query 'tier = B' {AS_OF}",
    "filter list",
    "target show --year 2026",
    "target show zhang.wei --year 2026",
    f"tier review {AS_OF}",
]
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
TABLE_RULE = re.compile(r"-+( +-+)*")
MD_RULE = re.compile(r"\|(:?-+:?\|)+")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Crm:
    root = tmp_path_factory.mktemp("sample") / "data"
    shutil.copytree(ROOT / "data", root)
    return Crm(root, user="li.na")


def headings(output: str) -> list[str]:
    """The headings of every table (simple or markdown) in ``output``."""
    lines = output.splitlines()
    found = []
    for line, below in zip(lines, lines[1:], strict=False):
        if TABLE_RULE.fullmatch(below):
            found += line.split()
        elif MD_RULE.fullmatch(below):
            found += [cell.strip() for cell in line.strip("|").split("|")]
    return found


def figure_names(output: str) -> list[str]:
    """The first column of a report's key-figure table (the one headed 指标)."""
    for block in output.split("\n\n"):
        lines = block.splitlines()
        if lines and lines[0].strip("| ").startswith("指标"):
            return [line.strip("| ").split()[0] for line in lines[2:]]
    return []


@pytest.mark.parametrize("fmt", ["table", "md"])
@pytest.mark.parametrize("command", REPORTS + LISTINGS)
def test_no_heading_is_a_bare_english_key(sample: Crm, command: str, fmt: str) -> None:
    output = sample.ok(f"--lang zh {command} -f {fmt}")
    shown = headings(output) + figure_names(output)
    assert shown, "no table found"
    english = [h for h in shown if SNAKE_CASE.fullmatch(h)]
    assert english == []


@pytest.mark.parametrize("command", ["customer show CRM202405001", "opp show CRM202405001-O1"])
def test_no_heading_of_a_profile_is_a_bare_english_key(sample: Crm, command: str) -> None:
    assert [h for h in headings(sample.ok(f"--lang zh {command}")) if SNAKE_CASE.fullmatch(h)] == []


def test_the_attainment_and_conversion_tables_in_chinese(sample: Crm) -> None:
    attainment = sample.ok(f"--lang zh report attainment {AS_OF}").splitlines()
    assert attainment[0].split() == ["成员", "名称", "目标", "成交额", "完成率%", "差额", "加权商机"]
    assert attainment[-1].split()[0] == "合计"
    conversion = sample.ok(f"--lang zh report conversion {AS_OF}")
    assert headings(conversion) == ["阶段", "到达数", "占上阶段%", "占新建%", "中位天数", "指标", "数值"]
    assert figure_names(conversion) == [
        "新建商机",
        "成交数",
        "输单数",
        "进行中",
        "线索成交率%",
        "赢单率%",
        "新客户",
        "新客户成交数",
    ]
    activity = sample.ok(f"--lang zh report activity {AS_OF}").splitlines()[0].split()
    assert activity == ["成员", "期间", "跟进次数", "电话", "拜访", "邮件", "线上会议", "微信", "企业微信", "其他", "按时完成",
                        "逾期完成", "当前逾期"]  # fmt: skip


def test_english_tables_keep_the_keys(sample: Crm) -> None:
    conversion = sample.ok(f"--lang en report conversion {AS_OF}")
    assert headings(conversion) == ["stage", "reached", "pct_of_previous", "pct_of_created", "median_days",
                                    "figure", "value"]  # fmt: skip
    assert "lead_to_won_pct" in conversion and sample.ok(f"--lang en report attainment {AS_OF}").endswith(
        "total      华东销售一部  3,600,000  2,314,100  64.3              1,285,900  638,300\n"
    )


def test_json_and_csv_keep_english_keys_under_zh(sample: Crm) -> None:
    data = json.loads(sample.ok(f"--lang zh report conversion {AS_OF} -f json"))
    assert list(data["rows"][0]) == ["stage", "reached", "pct_of_previous", "pct_of_created", "median_days"]
    assert data["rows"][0]["stage"] == "lead"
    assert list(data["summary"]) == ["opened", "won", "lost", "open", "lead_to_won_pct", "win_rate_pct",
                                     "new_customers", "new_customers_won"]  # fmt: skip
    activity = json.loads(sample.ok(f"--lang zh report activity {AS_OF} -f json"))["rows"]
    assert activity[-1]["member"] == "zhang.wei" and activity[-1]["period"] == "total"
    csv_text = sample.ok(f"--lang zh report attainment {AS_OF} -f csv").splitlines()
    assert csv_text[0] == "member,name,target,won,attainment_pct,gap,pipeline_weighted"
    assert csv_text[-1].startswith("total,华东销售一部,")
    assert sample.ok(f"--lang zh opp list {AS_OF} -f csv").splitlines()[0] == (
        "opportunity,customer,name,stage,amount,probability,close,owner,idle_days"
    )
