"""``customer dupes`` lists likely pairs; ``customer merge KEEP DROP`` joins them (managers only):
records renumbered into KEEP, attachments moved, DROP's number an alias that show and log follow."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Crm, Digest

LOG = ["--via", "phone", "--content", "客户确认下月采购20台,预算15万"]
OPP = ["--name", "服务器采购", "--amount", "250000", "--close", "2026-12-31"]


def customer(crm: Crm, name: str, phone: str, *extra: str) -> str:
    return crm.ok(["customer", "add", name, "--source", "展会", "--contact", "王经理", "--phone", phone,
                   "--needs", "采购电脑", *extra]).strip()  # fmt: skip


def two_records_of_one_company(crm: Crm, tmp_path: Path) -> tuple[str, str]:
    keep = customer(crm, "珠海横琴科技有限公司", "13800138000")
    drop = customer(crm, "珠海横琴科技", "13800138000", "--allow-duplicate", "--tag", "展会线索")
    quote = tmp_path / "quote.pdf"
    quote.write_bytes(b"%PDF-1.4 quote")
    for number in (keep, drop):
        crm.ok(
            [
                "followup",
                "plan",
                number,
                "--due",
                "2026-12-01",
                "--via",
                "visit",
                "--focus",
                "演示",
                "--goal",
                "确认",
            ]
        )
        crm.ok(["followup", "log", number, *LOG, "--task", f"{number}-T1", "--attach", str(quote)])
        crm.ok(["opp", "add", number, *OPP])
    crm.ok(["customer", "contact", drop, "add", "--name", "陈老板", "--phone", "13911112222"])
    crm.ok(["feedback", "add", drop, "--content", "屏幕闪烁"], user="zhao.svc")
    return keep, drop


def test_dupes_lists_pairs_with_what_they_share(crm: Crm) -> None:
    first = customer(crm, "珠海横琴科技有限公司", "13800138000")
    second = customer(crm, "珠海横琴科技", "13800138000", "--allow-duplicate")
    third = customer(crm, "横琴科技发展", "13900000000", "--force")
    customer(crm, "华南制造", "13700000000")
    pairs = json.loads(crm.ok("customer dupes -f json"))
    assert [(p["first"], p["second"], p["why"]) for p in pairs] == [
        (first, second, ["name", "phone"]),
        (first, third, ["similar name (90)"]),
        (second, third, ["similar name (90)"]),
    ]
    assert pairs[0]["first_name"] == "珠海横琴科技有限公司" and pairs[0]["second_owner"] == "zhang.wei"
    assert [p["second"] for p in json.loads(crm.ok("customer dupes --threshold 95 -f json"))] == [second]
    crm.ok(f"customer archive {second}")
    assert json.loads(crm.ok("customer dupes --threshold 95 -f json")) == []


def test_merge_moves_every_record_and_keeps_the_number_as_an_alias(git_crm: Crm, tmp_path: Path) -> None:
    crm = git_crm
    keep, drop = two_records_of_one_company(crm, tmp_path)
    result = crm(["customer", "merge", keep, drop], user="li.na")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{keep}\n"
    assert f"merged {drop} into {keep}" in result.stderr
    assert not (crm.root / "customers" / f"{drop}.yaml").exists()
    merged = json.loads(crm.ok(f"customer show {keep} -f json"))
    assert merged["aliases"] == [drop]
    assert [c["name"] for c in merged["contacts"]] == ["王经理", "陈老板"]
    assert [t["id"] for t in merged["tasks"]] == ["T1", "T2"]
    assert [(f["id"], f["task"]) for f in merged["followups"]] == [("F1", "T1"), ("F2", "T2")]
    assert [o["id"] for o in merged["opportunities"]] == ["O1", "O2"]
    assert [b["id"] for b in merged["feedback"]] == ["B1"]
    assert merged["tags"] == ["展会线索"]
    moved = merged["followups"][1]["attachments"][0]
    assert moved.startswith(f"attachments/{keep}/") and (crm.root / moved).read_bytes() == b"%PDF-1.4 quote"
    assert merged["followups"][0]["attachments"] != merged["followups"][1]["attachments"]
    assert merged["changes"][-1]["field"] == "aliases" and merged["changes"][-1]["cause"] == {
        "kind": "merged",
        "number": drop,
    }
    assert json.loads(crm.ok(f"customer show {drop} -f json"))["id"] == keep  # the alias finds KEEP
    assert crm.ok("check") == ""
    logged = json.loads(crm.ok(f"log {drop} -f json"))
    assert logged[0]["command"] == "customer merge"
    assert any(entry["command"] == "customer add" and drop in entry["records"] for entry in logged)
    status = subprocess.run(["git", "status", "--porcelain"], cwd=crm.root, capture_output=True, text=True)
    assert status.stdout == ""  # one commit holds the whole merge


def test_a_rep_may_not_merge_and_nothing_is_written(crm: Crm, digest: Digest, tmp_path: Path) -> None:
    keep, drop = two_records_of_one_company(crm, tmp_path)
    before = digest(crm.root)
    result = crm(["customer", "merge", keep, drop])
    assert result.exit_code == 2
    assert "zhang.wei may not merge customers" in result.stderr and "li.na" in result.stderr
    assert digest(crm.root) == before


@pytest.mark.parametrize("case", ["itself", "archived", "an alias of itself"])
def test_bad_merges_are_refused_and_change_nothing(
    crm: Crm, digest: Digest, tmp_path: Path, case: str
) -> None:
    keep, drop = two_records_of_one_company(crm, tmp_path)
    if case == "archived":
        crm.ok(f"customer archive {keep}")
    if case == "an alias of itself":
        crm.ok(["customer", "merge", keep, drop], user="li.na")
    before = digest(crm.root)
    args = {"itself": [keep, keep], "archived": [keep, drop], "an alias of itself": [drop, keep]}[case]
    result = crm(["customer", "merge", *args], user="li.na")
    assert result.exit_code == 2
    message = "is archived: merge into a customer in use" if case == "archived" else "with itself"
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert digest(crm.root) == before


def test_as_of_a_day_before_the_merge_drops_records_count_under_drop(crm: Crm) -> None:
    add = ["--source", "展会", "--contact", "王经理", "--needs", "采购电脑"]
    keep = crm.ok(["customer", "add", "甲公司", *add, "--phone", "13800000001", "--at", "2026-02-01",
                   "--tier", "A", "--owner", "zhang.wei"], user="li.na").strip()  # fmt: skip
    drop = crm.ok(["customer", "add", "乙公司", *add, "--phone", "13800000002", "--owner", "wang.fang",
                   "--at", "2026-02-02"], user="li.na").strip()  # fmt: skip
    third = crm.ok(["customer", "add", "丙公司", *add, "--phone", "13800000003", "--at", "2026-02-02"],
                   user="li.na").strip()  # fmt: skip
    crm.ok(["opp", "add", drop, *OPP, "--owner", "wang.fang", "--at", "2026-02-03"], user="wang.fang")
    crm.ok(["followup", "log", drop, *LOG, "--at", "2026-02-04"], user="wang.fang")
    task = crm.ok(["followup", "plan", drop, "--due", "2026-12-20T10:00", "--via", "visit", "--focus", "演示",
                   "--goal", "确认"], user="wang.fang").strip()  # fmt: skip
    reading = [
        ["customer", "list", "-f", "json"],
        ["opp", "list", "-f", "json"],
        ["query", "followups(12m) >= 1", "-f", "json"],
        ["report", "activity", "--period", "2026", "-f", "json"],
        ["remind", "--all", "-f", "json"],
        ["customer", "show", drop, "-f", "json"],
        ["customer", "show", keep],
        ["followup", "list", "-f", "json"],
        [
            "export",
            "json",
        ],  # in number order: DROP between KEEP and 丙 (streamed, store/datadir.each_customer)
        ["export", "csv", "--redact"],
    ]
    before = {tuple(r): crm.ok([*r, "--as-of", "2026-03-01"]) for r in reading}
    crm.ok(["customer", "merge", keep, drop], user="li.na")

    for r in reading:  # as of a day before the merge: DROP apart, with its number, owner and records
        assert crm.ok([*r, "--as-of", "2026-03-01"]) == before[tuple(r)], r
    apart = {c["id"]: c["owner"] for c in json.loads(before[("customer", "list", "-f", "json")])}
    assert apart == {keep: "zhang.wei", drop: "wang.fang", third: "li.na"}
    assert [c["id"] for c in json.loads(before[("export", "json")])] == [keep, drop, third]
    now = json.loads(crm.ok(["customer", "list", "-f", "json"]))
    assert [c["id"] for c in now] == [keep, third]  # from the merge on: under KEEP
    deals = json.loads(crm.ok(["opp", "list", "-f", "json"]))
    assert len(deals) == 1 and f"{keep}-O1" in json.dumps(deals) and drop not in json.dumps(deals)
    crm.ok(
        ["followup", "done", task, "--note", "已演示,客户确认配置"], user="li.na"
    )  # DROP's reference still works
    merged = json.loads(crm.ok(["export", "json"]))[0]
    assert [t["status"] for t in merged["tasks"]] == ["done"]
