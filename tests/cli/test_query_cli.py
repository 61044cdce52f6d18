"""``salescrm query``, ``filter save|list|delete`` and ``customer list --where``."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.scenario import customer, followups, write_customers

AS_OF = date(2026, 11, 27)
HIGH_POTENTIAL = "tier = B and followups(3m) > 5 and tag = 需求明确"


@pytest.fixture
def team(crm):  # type: ignore[no-untyped-def]
    write_customers(crm.root, [
        customer("CRM202601001", "六次跟进公司", tier="B", tags=["需求明确"], followups=followups(6, AS_OF)),
        customer("CRM202601002", "五次跟进公司", tier="B", tags=["需求明确"], followups=followups(5, AS_OF)),
        customer("CRM202601003", "王芳的客户", owner="wang.fang", tier="A", industry="金融"),
    ])  # fmt: skip
    return crm


def ids(output: str) -> list[str]:
    return [row["id"] for row in json.loads(output)]


def test_the_high_potential_filter_saved_and_run(team) -> None:  # type: ignore[no-untyped-def]
    assert team.ok(["filter", "save", "高潜客户", HIGH_POTENTIAL]) == "高潜客户\n"
    assert ids(team.ok("query --saved 高潜客户 --as-of 2026-11-27 -f json")) == ["CRM202601001"]
    assert ids(team.ok(["query", HIGH_POTENTIAL, "--as-of", "2026-11-27", "-f", "json"])) == ["CRM202601001"]
    assert json.loads(team.ok("filter list -f json")) == [{"name": "高潜客户", "expression": HIGH_POTENTIAL}]
    assert (
        "高潜客户: tier = B and followups(3m) > 5 and tag = 需求明确"
        in (team.root / "salescrm.yaml").read_text()
    )


def test_owner_me_and_customer_list_where(team) -> None:  # type: ignore[no-untyped-def]
    assert ids(team.ok("query 'owner = me' -f json", user="wang.fang")) == ["CRM202601003"]
    assert ids(team.ok("customer list --where 'industry = 金融 or tier = A' -f json")) == ["CRM202601003"]
    assert ids(team.ok("customer list --tier B --where 'not (tag = 需求明确)' -f json")) == []


def test_replace_and_delete_a_saved_filter(team, digest) -> None:  # type: ignore[no-untyped-def]
    team.ok(["filter", "save", "高潜客户", HIGH_POTENTIAL])
    before = digest(team.root)
    result = team(["filter", "save", "高潜客户", "tier = A"])
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [f"error: a filter named '高潜客户' exists: {HIGH_POTENTIAL}",
                                          "hint: pass --replace to overwrite it"]  # fmt: skip
    assert digest(team.root) == before
    team.ok(["filter", "save", "高潜客户", "tier = A", "--replace"])
    assert ids(team.ok("query --saved 高潜客户 -f json")) == ["CRM202601003"]
    team.ok("filter delete 高潜客户")
    assert json.loads(team.ok("filter list -f json")) == []


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["query", "tier = B and colour = red"], 2,
         ["error: bad query: unknown field 'colour'", "  tier = B and colour = red", "               ^"]),
        (["query", "(tier = B or tier = A"], 2,
         ["error: bad query: unclosed parenthesis", "  (tier = B or tier = A", "  ^", "hint: add the missing ')'"]),
        (["query", "followups(3x) > 5"], 2, ["error: bad query: bad duration '3x'", "  followups(3x) > 5", "            ^"]),
        (["query", "industry > 5"], 2,
         ["error: bad query: industry is text: it cannot be compared with >", "  industry > 5", "             ^"]),
        (["customer", "list", "--where", "amount > abc"], 2,
         ["error: bad query: amount is a number; 'abc' is text", "  amount > abc", "           ^"]),
        (["filter", "save", "坏的", "tier = "], 2, ["error: bad query: expected a value after tier =, found the end"]),
        (["query", "--saved", "没有这个"], 3, ["error: no saved filter '没有这个'"]),
        (["filter", "delete", "没有这个"], 3, ["error: no saved filter '没有这个'"]),
        (["query"], 2, ["error: give a query EXPR or --saved NAME (one of them)"]),
    ],
)  # fmt: skip
def test_bad_queries_point_at_the_fault_and_change_nothing(team, digest, args, code, stderr) -> None:  # type: ignore[no-untyped-def]
    before = digest(team.root)
    result = team(args)
    assert result.exit_code == code
    assert result.stderr.splitlines()[: len(stderr)] == stderr
    assert result.stdout == ""
    assert digest(team.root) == before
