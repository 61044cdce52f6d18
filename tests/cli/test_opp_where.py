"""``salescrm opp list --where EXPR``: the query language over single opportunities."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.scenario import customer, deal, write_customers

if TYPE_CHECKING:
    from tests.conftest import Crm, Digest

NEGOTIATION = [("lead", "2026-01-05"), ("negotiation", "2026-09-01")]


@pytest.fixture
def deals(crm: Crm) -> Crm:
    write_customers(crm.root, [
        customer("CRM202601001", "华东精工", tier="B", opportunities=[
            deal("O1", NEGOTIATION, amount="250000", close="2026-12-31"),
            deal("O2", [("lead", "2026-10-01")], amount="300000", close="2026-12-20"),
        ]),
        customer("CRM202601002", "云帆信息", owner="wang.fang", tier="A", opportunities=[
            deal("O1", NEGOTIATION, amount="80000", close="2026-12-10", owner="wang.fang"),
            deal("O2", [("lead", "2026-01-05"), ("negotiation", "2026-02-01"), ("won", "2026-03-01")],
                 amount="150000", close="2026-03-31", owner="wang.fang", signed=("150000", "2026-03-01")),
        ]),
        customer("CRM202601003", "北方物流", opportunities=[
            deal("O1", NEGOTIATION, amount="100000", close="2026-12-15"),
        ]),
    ])  # fmt: skip
    return crm


def refs(crm: Crm, where: str, *options: str, as_of: str = "2026-11-27") -> list[str]:
    rows = json.loads(crm.ok(["opp", "list", "--as-of", as_of, "-f", "json", "--where", where, *options]))
    return [row["opportunity"] for row in rows]


def test_negotiations_of_at_least_100000_soonest_close_first(deals: Crm) -> None:
    assert refs(deals, "stage = negotiation and amount >= 100000") == ["CRM202601003-O1", "CRM202601001-O1"]
    assert refs(deals, "阶段 = 商务谈判 and 金额 >= 10万") == ["CRM202601003-O1", "CRM202601001-O1"]
    assert refs(deals, "stage = negotiation and amount > 100000") == ["CRM202601001-O1"]


def test_customer_fields_apply_to_each_deal_s_customer(deals: Crm) -> None:
    assert refs(deals, "tier = A") == ["CRM202601002-O2", "CRM202601002-O1"]
    assert refs(deals, "tier = A", "--open") == ["CRM202601002-O1"]
    assert refs(deals, "opp_owner = wang.fang or amount >= 300000") == [
        "CRM202601002-O2", "CRM202601002-O1", "CRM202601001-O2"]  # fmt: skip
    assert refs(deals, "owner = me and stage = lead") == ["CRM202601001-O2"]  # zhang.wei acts


def test_where_reads_the_stage_each_deal_had_as_of_the_day(deals: Crm) -> None:
    # all three negotiations moved there on 2026-09-01; on 2026-06-30 they were leads
    assert refs(deals, "stage = negotiation", as_of="2026-06-30") == []
    assert refs(deals, "stage = lead", as_of="2026-06-30") == [
        "CRM202601002-O1", "CRM202601003-O1", "CRM202601001-O1"]  # fmt: skip


@pytest.mark.parametrize(
    ("where", "stderr"),
    [
        ("stage = negotiation and amount >= lots",
         ["error: bad query: amount is a number; 'lots' is text", "  stage = negotiation and amount >= lots",
          "                                    ^"]),
        ("stage = done", ["error: bad query: unknown stage 'done'"]),
        ("(stage = lead", ["error: bad query: unclosed parenthesis", "  (stage = lead", "  ^"]),
    ],
)  # fmt: skip
def test_a_bad_where_is_exit_2_with_a_caret(
    deals: Crm, digest: Digest, where: str, stderr: list[str]
) -> None:
    before = digest(deals.root)
    result = deals(["opp", "list", "--where", where])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[: len(stderr)] == stderr
    assert result.stdout == ""
    assert digest(deals.root) == before


def test_idle_days_never_go_negative_as_of_a_day_before_the_last_event(deals: Crm) -> None:
    rows = json.loads(deals.ok("opp list --customer CRM202601001 --as-of 2026-09-10 -f json"))
    assert [(r["opportunity"], r["idle_days"]) for r in rows] == [
        ("CRM202601001-O1", 9),  # last moved 2026-09-01; O2, opened 2026-10-01, did not exist yet
    ]
    everyone = json.loads(deals.ok("opp list --as-of 2026-09-10 -f json"))
    assert [
        r for r in everyone if r["customer_id"] == "CRM202601001"
    ] == rows  # one customer, as of that day too
