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
