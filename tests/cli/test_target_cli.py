"""``salescrm target set|show``."""

from __future__ import annotations

import json

import pytest


def test_a_yearly_target_split_evenly_and_overridden(crm) -> None:  # type: ignore[no-untyped-def]
    crm.lang = None  # the team's locale (zh_CN)
    out = crm.ok("target set zhang.wei --year 2026 --amount 120万", user="li.na")
    assert out.splitlines()[:5] == [
        "期间     目标",
        "-------  ---------",
        "2026     1,200,000",
        "2026Q1   300,000",
        "2026-01  100,000",
    ]
    crm.ok("target set zhang.wei --quarter 2026Q3 --amount 450000", user="li.na")
    crm.ok("target set zhang.wei --month 2026-09 --amount 200000", user="li.na")
    crm.ok("target set wang.fang --year 2026 --amount 600000 --split 4,3,2,1", user="li.na")
    shown = json.loads(crm.ok("target show zhang.wei --year 2026 -f json"))
    assert [(r["period"], r["target"]) for r in shown if r["period"] in ("2026", "2026Q3", "2026-07", "2026-09")] == [
        ("2026", 1350000), ("2026Q3", 450000), ("2026-07", 125000), ("2026-09", 200000)]  # fmt: skip
    table = json.loads(crm.ok("target show --year 2026 -f json"))
    assert table[-1] == {"member": "team", "year": 2026, "target": 1950000,
                         "Q1": 540000, "Q2": 480000, "Q3": 570000, "Q4": 360000}  # fmt: skip
    assert (
        "targets:\n  zhang.wei:\n    2026:\n      amount: 1350000" in (crm.root / "salescrm.yaml").read_text()
    )


def test_delete_removes_one_year_and_keeps_the_file_readable(crm) -> None:  # type: ignore[no-untyped-def]
    config = crm.root / "salescrm.yaml"
    written_by_hand = """targets:
  zhang.wei:
    2026: {amount: 1200000, quarters: {Q1: 300000, Q2: 300000, Q3: 300000, Q4: 300000}}
    2027: {amount: 1500000}
  wang.fang:
    2026: {amount: 800000, quarters: {Q1: 200000, Q2: 200000, Q3: 200000, Q4: 200000}}
"""
    config.write_text(config.read_text("utf-8").replace("targets: {}\n", written_by_hand), "utf-8")
    assert (
        crm.ok("target delete zhang.wei --year 2026", user="li.na")
        == "deleted the 2026 target of zhang.wei\n"
    )
    assert "Q4: 200000}}\n\n# Saved filters" in config.read_text("utf-8")  # the comment outside the {…}
    rows = json.loads(crm.ok("target show --year 2026 -f json"))
    assert [r["member"] for r in rows] == ["wang.fang", "team"]
    assert crm.ok("target show zhang.wei --year 2027 -f json")
    crm.ok("target delete zhang.wei --year 2027", user="li.na")
    crm.ok("target delete wang.fang --year 2026", user="li.na")
    text = config.read_text("utf-8")
    assert "targets: {}\n" in text and "\n# Saved filters" in text  # the next section's comment stays outside
    assert crm("check").exit_code == 0


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        (
            "target set zhang.wei --year 2026 --amount -5",
            2,
            "error: bad target amount '-5': not an amount of money",
        ),
        (
            "target set zhang.wei --year 2026 --amount lots",
            2,
            "error: bad target amount 'lots': not an amount of money",
        ),
        (
            "target set zhang.wei --year 2026 --amount 1 --split 1,2",
            2,
            "error: bad --split '1,2': 2 weights, one per quarter are needed",
        ),
        (
            "target set zhang.wei --year 2026 --amount 1 --split 0,0,0,0",
            2,
            "error: bad --split '0,0,0,0': weights must be non-negative and not all zero",
        ),
        (
            "target set zhang.wei --year 2026 --amount 1 --split 1,-1,1,1",
            2,
            "error: bad --split '1,-1,1,1': weights must be non-negative and not all zero",
        ),
        ("target set nobody --year 2026 --amount 1", 3, "error: no such member 'nobody'"),
        (
            "target set zhang.wei --quarter 2026Q5 --amount 1",
            2,
            "error: bad period '2026Q5': a year has quarters Q1 to Q4",
        ),
        (
            "target set zhang.wei --month 2026-13 --amount 1",
            2,
            "error: bad period '2026-13': months are 01 to 12",
        ),
        ("target set zhang.wei --quarter 2026-09 --amount 1", 2, "error: bad --quarter '2026-09'"),
        ("target set zhang.wei --amount 1", 2, "error: give exactly one of --year, --quarter or --month"),
        ("target set --year 2026 --amount 1", 2, "error: whose target? give a MEMBER or --team"),
        ("target show zhang.wei --year 2030", 2, "error: no target for zhang.wei in 2030"),
        ("target delete zhang.wei --year 2030", 2, "error: no target for zhang.wei in 2030"),
        ("target delete --team --year 2026", 2, "error: no target for team in 2026"),
        ("target delete nobody --year 2026", 3, "error: no such member 'nobody'"),
        ("target delete zhang.wei", 2, "error: Missing option '--year'."),
    ],
)
def test_bad_targets_change_nothing(crm, digest, command: str, code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    before = digest(crm.root)
    result = crm(command, user="li.na")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (code, message)
    assert digest(crm.root) == before
