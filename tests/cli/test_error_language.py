"""Errors and hints in the reader's language (issue 21 part 1): the same bad input read by a
Chinese team (its salescrm.yaml locale, zh_CN) and by an English reader; nothing is written."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Crm, Digest

# What a Chinese error may keep in Latin letters: IDs, member IDs, options, commands, rule names.
_NOT_WORDS = re.compile(
    r"CRM\d{9,}(-[A-Z]\d+)*|\b[a-z]+\.[a-z_]+\b|--[\w-]+( [a-z]+( \| [a-z]+)*)?|salescrm( [a-z-]+)*( [A-Z\d-]+)?|TEXT|'[^']*'|\([^)]*\)"
)


@pytest.fixture
def deal(crm: Crm) -> str:
    number = crm.add_customer("某某科技有限公司")
    return crm.ok(
        ["opp", "add", number, "--name", "设备采购", "--amount", "100000", "--close", "2099-12-31"]
    ).strip()


CASES = [
    (
        ["opp", "stage", "{deal}", "proposal"],
        2,
        "不能从 线索 跳到 方案制定",
        "cannot skip from lead to proposal",
    ),
    (["opp", "list", "--stage", "done"], 2, "未知阶段 'done'", "unknown stage 'done'"),
    (
        ["report", "activity", "--by", "year"],
        2,
        "跟进活动不能按 'year' 分组",
        "activity cannot be grouped by 'year'",
    ),
    (["customer", "show", "没有这家"], 3, "没有客户匹配", "no customer matches"),
    (
        ["pay", "plan", "{deal}", "--due", "2026-12-01", "--amount", "5"],
        2,
        "处于线索, 未成交",
        "is lead (线索), not won",
    ),
]


@pytest.mark.parametrize(("args", "code", "zh", "en"), CASES, ids=lambda v: v if isinstance(v, str) else None)
def test_an_error_reads_in_the_teams_language_and_changes_nothing(
    crm: Crm, deal: str, digest: Digest, args: list[str], code: int, zh: str, en: str
) -> None:
    args = [arg.replace("{deal}", deal) for arg in args]
    before = digest(crm.root)
    crm.lang = None  # the team's locale: zh_CN
    chinese = crm(args)
    crm.lang = "en"
    english = crm(args)
    assert (chinese.exit_code, english.exit_code) == (code, code)
    assert chinese.stderr.startswith("error: ") and zh in chinese.stderr.splitlines()[0], chinese.stderr
    assert english.stderr.startswith("error: ") and en in english.stderr.splitlines()[0], english.stderr
    for line in chinese.stderr.splitlines():
        said = _NOT_WORDS.sub(" ", line.removeprefix("error: ").removeprefix("hint: "))
        assert re.findall(r"[A-Za-z]{3,}", said) == [], line
    assert digest(crm.root) == before


def test_a_refusal_names_the_rule_and_who_may_in_chinese(crm: Crm, digest: Digest) -> None:
    number = crm.add_customer("某某科技有限公司", user="zhang.wei")
    before = digest(crm.root)
    crm.lang = None
    result = crm(["pool", "release", number, "--reason", "不跟了"], user="wang.fang")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"error: wang.fang 无权把客户退回公海({number}); 规则 pool.release 允许: 经理, 负责人(zhang.wei)"
    )
    assert result.stderr.splitlines()[1].startswith("hint: 请找有权限的人: ")
    assert digest(crm.root) == before
