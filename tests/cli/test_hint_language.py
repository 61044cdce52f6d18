"""Hints kept in module constants and member states are said in the reader's language too."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Crm, Digest

_ENGLISH = re.compile(r"\b(?!docs\b|md\b|salescrm\b)[a-z]{3,}\b")  # a word outside paths and IDs


@pytest.mark.parametrize(
    ("command", "hint_en"),
    [
        ("report attainment --period 2026Q5", "hint: write a year 2026, a quarter 2026Q3"),
        ("customer list --where 'tier = B and'", "hint: see docs/query.md for the fields"),
    ],
)
def test_a_constant_hint_is_in_the_language(crm: Crm, digest: Digest, command: str, hint_en: str) -> None:
    before = digest(crm.root)
    said = crm(command)
    assert said.exit_code == 2 and hint_en in said.stderr
    crm.lang = "zh"
    said = crm(command)
    assert said.exit_code == 2
    hint = [line for line in said.stderr.splitlines() if line.startswith("hint: ")]
    assert hint and not _ENGLISH.findall(re.sub(r"\d{4}\S*|\S*/\S*", "", hint[0][6:])), said.stderr
    assert digest(crm.root) == before


def test_deactivating_says_so_in_the_language(crm: Crm) -> None:
    crm.lang = "zh"
    assert crm.ok("member deactivate wang.fang", user="li.na") == "wang.fang 已停用\n"
    again = crm("member deactivate wang.fang", user="li.na")
    assert (again.exit_code, again.stderr.splitlines()[0]) == (2, "error: wang.fang 已经停用")
    assert crm.ok("member deactivate wang.fang --undo", user="li.na") == "wang.fang 已恢复在职\n"
    crm.lang = "en"
    assert crm.ok("member deactivate wang.fang", user="li.na") == "wang.fang deactivated\n"


def test_a_nul_in_a_path_is_said_in_the_language(crm: Crm, digest: Digest) -> None:
    before = digest(crm.root)
    for lang, said in (
        ("zh", "error: 路径中不能有 NUL 字符"),
        ("en", "error: a path must not contain a NUL character"),
    ):
        crm.lang = lang
        result = crm(["export", "csv", "--out", "a\0b.csv"])
        assert (result.exit_code, result.stderr.strip()) == (2, said)
    assert digest(crm.root) == before
