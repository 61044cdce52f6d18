"""Git sharing fixes of issue 19: no write during an unfinished merge, ``log`` through a
renumbering, ``sync`` commits nothing ``check`` refuses, and duplicates from two clones are
reported. Real git: a bare remote and two clones (tests/store/test_sync.py's ``team``)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Crm, Digest
from tests.store.test_sync import git, log_followup, team

__all__ = ["team"]  # the fixture, shared


def log(crm: Crm, number: str) -> list[tuple[str, str]]:
    return [(r["command"], r["records"]) for r in json.loads(crm.ok(["log", number, "-f", "json"]))]


def test_log_follows_a_customer_through_a_renumbering(team: tuple[Crm, Crm, Path]) -> None:
    a, b, _ = team
    theirs = a.add_customer("甲公司", "--at", "2024-05-10", "--phone", "13800000002")
    mine = b.add_customer("乙公司", "--at", "2024-05-11", "--phone", "13800000003")
    assert theirs == mine == "CRM202405002"
    log_followup(b.root, mine, "乙公司:要求报价", "zhang.wei")
    a.ok("sync")
    assert "renumbered your new customer CRM202405002 → CRM202405003" in b.ok("sync")
    # 002 is 甲公司 now: only its own commits, none of 乙公司's (which held 002 in this clone)
    assert log(b, "CRM202405002") == [("customer add", "CRM202405002")]
    assert log(b, "CRM202405003") == [
        ("sync", "renumber CRM202405002 → CRM202405003"),
        ("followup log", "CRM202405002-F1"),
        ("customer add", "CRM202405002"),
    ]
    a.ok("sync")  # the other clone sees the same histories
    assert log(a, "CRM202405002") == log(b, "CRM202405002")
    assert log(a, "CRM202405003") == log(b, "CRM202405003")


def test_a_write_during_an_unfinished_merge_is_refused(team: tuple[Crm, Crm, Path], digest: Digest) -> None:
    a, b, _ = team
    a.ok("customer set CRM202405001 industry=制造业")
    b.ok("customer set CRM202405001 industry=金融")
    a.ok("sync")
    assert b("sync").exit_code == 4  # the merge needs a person
    before, head = digest(b.root), git(b.root, "rev-parse", "HEAD")
    for args in (["followup", "log", "CRM202405001", "--via", "phone", "--content", "客户确认下月采购20台"],
                 ["customer", "add", "新公司", "--source", "展会", "--contact", "王", "--phone", "13900000000",
                  "--needs", "电脑"]):  # fmt: skip
        result = b(args)
        assert result.exit_code == 4
        assert result.stderr.startswith(
            f"error: a git merge is unfinished in {b.root}: nothing was written\n"
        )
        assert "git merge --abort" in result.stderr
    assert digest(b.root) == before and git(b.root, "rev-parse", "HEAD") == head
    assert git(b.root, "diff", "--cached", "--name-only") == "customers/CRM202405001.yaml\n"  # only git's own


def test_sync_commits_no_pending_file_that_check_refuses(team: tuple[Crm, Crm, Path]) -> None:
    a, _, remote = team
    path = a.root / "customers" / "CRM202405001.yaml"
    path.write_text(path.read_text("utf-8").replace("tier: C", "tier: Z"), "utf-8")  # a hand edit gone wrong
    head, pushed = git(a.root, "rev-parse", "HEAD"), git(remote, "rev-parse", "HEAD")
    result = a("sync")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: check found 1 problem in your pending changes, so nothing was "
                                    "committed or pushed; first: customers/CRM202405001.yaml:")  # fmt: skip
    assert git(a.root, "rev-parse", "HEAD") == head and git(remote, "rev-parse", "HEAD") == pushed
    assert git(a.root, "status", "--porcelain") == " M customers/CRM202405001.yaml\n"  # left as it was
    path.write_text(path.read_text("utf-8").replace("tier: Z", "tier: B"), "utf-8")
    assert a.ok("sync") == "committed your pending changes\npushed to origin/master\n"


def test_sync_does_not_commit_a_merge_that_check_refuses(team: tuple[Crm, Crm, Path]) -> None:
    a, b, _ = team
    for clone, contract in ((a, "HT-2024-001"), (b, "ht-2024-001")):  # one contract number, two deals
        number = clone.add_customer(
            f"{contract}公司", "--at", "2024-05-10", "--phone", f"1390000{len(contract)}"
        )
        clone.ok(["opp", "add", number, "--name", "采购", "--amount", "1000", "--close", "2024-12-31", "--at",
                  "2024-05-10"])  # fmt: skip
        clone.ok(
            ["opp", "stage", f"{number}-O1", "negotiation", "--force", "--reason", "老客户"], user="li.na"
        )
        clone.ok(["opp", "negotiate", f"{number}-O1", "--decision-maker", "李总", "--competitor", "竞品X"])
        clone.ok(
            ["opp", "won", f"{number}-O1", "--contract", contract, "--amount", "1000", "--payment-terms", "x"]
        )
    a.ok("sync")
    result = b("sync")
    assert result.exit_code == 1, result.stderr
    assert "so nothing was committed or pushed" in result.stderr and "git merge --abort" in result.stderr
    head = git(b.root, "rev-parse", "HEAD")
    assert len(git(b.root, "rev-list", "--parents", "-n1", "HEAD").split()) == 2  # no merge commit: it waits
    assert (b.root / ".git/MERGE_HEAD").exists()
    again = b("sync")
    assert again.exit_code == 1 and "in the merge, so nothing was committed" in again.stderr
    assert git(b.root, "rev-parse", "HEAD") == head


def test_sync_and_check_report_one_company_added_on_two_clones(team: tuple[Crm, Crm, Path]) -> None:
    a, b, _ = team
    ours = a.add_customer("珠海横琴科技", "--at", "2024-05-10", "--phone", "0756-1234567")
    b.add_customer("珠海横琴科技有限公司", "--at", "2024-06-10", "--phone", "+86 756 123 4567")
    a.ok("sync")
    synced = b.ok("sync")
    note = f"note: {ours} and CRM202406001 may be one company (same name, phone)"
    assert note in synced
    assert synced.endswith("pushed to origin/master\n")
    checked = b("check")
    assert checked.exit_code == 0  # a warning: check fails only on errors
    assert (
        f"customers/CRM202406001.yaml: warning: {ours} and CRM202406001 may be one company" in checked.stdout
    )
    assert note in a.ok("sync")  # the other clone is told too
