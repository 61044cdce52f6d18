"""Payments recorded on two clones of one deal, shared through ``sync`` and a server whose
pre-receive hook checks the rulebook: the merge keeps every plan line and receipt under its
own id (core/merge.py), says what it renumbered, and the hook accepts the result."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from salescrm.store.datadir import DataDir
from tests.cli.test_pay import SIGNED, won_deal
from tests.conftest import Crm

Team = tuple[Crm, Crm, str]


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def team(git_crm: Crm, tmp_path: Path) -> Team:
    """zhang.wei's won 375,000 deal on a server with the hook; clones of the manager li.na
    (``boss``) and of zhang.wei (``rep``), who merges."""
    ref = won_deal(git_crm)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(git_crm.root), str(remote)], check=True)
    git_crm.ok(["init", "--server-hook", str(remote)])
    clones = []
    for member, email in (("li.na", "li.na@example.com"), ("zhang.wei", "zhang.wei@example.com")):
        root = tmp_path / member
        subprocess.run(["git", "clone", "--quiet", str(remote), str(root)], check=True)
        git(root, "config", "user.email", email)
        git(root, "config", "user.name", member)
        clones.append(Crm(root, user=member))
    return clones[0], clones[1], ref


def payments(crm: Crm, ref: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str, str]]]:
    shown = json.loads(crm.ok(["pay", "show", ref, "-f", "json"]))
    plan = [(p["line"].rsplit("-", 1)[1], p["due"], str(p["amount"])) for p in shown["plan"]]
    receipts = [
        (r["receipt"].rsplit("-", 1)[1], r["at"], str(r["amount"]), r["plan"]) for r in shown["receipts"]
    ]
    return sorted(plan), receipts


def test_receipts_both_clones_numbered_r1_are_both_kept_and_the_later_renumbered(team: Team) -> None:
    boss, rep, ref = team
    boss.ok(["pay", "plan", ref, "--split", "30%@signed,70%@2026-10-30", "--at", SIGNED])
    assert boss.ok("sync") == "pushed to origin/master\n"
    rep.ok("sync")
    boss.ok(["pay", "receive", ref, "--amount", "112500", "--at", "2026-08-14"])
    rep.ok(["pay", "receive", ref, "--amount", "150000", "--at", "2026-11-20", "--ref", "B-1"])

    assert boss.ok("sync") == "pushed to origin/master\n"
    number = ref.split("-")[0]
    assert rep.ok("sync") == (
        f"{number}: renumbered our receipts O1-R1 → O1-R2 (recorded later)\n"
        "merged 1 commit from origin/master\n"
        "pushed to origin/master\n"  # the hook took the rep's merge: a renumbering is no amendment
    )
    assert boss.ok("sync") == "merged 2 commits from origin/master\nup to date with origin/master\n"
    for clone in (boss, rep):
        plan, receipts = payments(clone, ref)
        assert receipts == [("R1", "2026-08-14", "112500", "P1"), ("R2", "2026-11-20", "150000", "P1")]
        assert plan == [("P1", "2026-08-10", "112500"), ("P2", "2026-10-30", "262500")]  # P1 paid, P2 partly
        assert clone("check").exit_code == 0
    assert git(boss.root, "rev-parse", "HEAD") == git(rep.root, "rev-parse", "HEAD")


def test_plans_made_on_both_clones_are_both_kept_named_by_check_and_told_to_the_manager(team: Team) -> None:
    boss, rep, ref = team
    rep.ok(["pay", "plan", ref, "--split", "30%@signed,70%@2026-10-30", "--at", "2026-08-11"])
    boss.ok(["pay", "plan", ref, "--due", "2026-09-30", "--amount", "375000", "--at", SIGNED])
    assert boss.ok("sync") == "pushed to origin/master\n"
    synced = rep.ok("sync")
    assert synced.startswith(
        f"{ref.split('-')[0]}: renumbered our plan O1-P1 → O1-P3 (recorded later)\n"
        "merged 1 commit from origin/master\n"
    )
    assert synced.endswith("pushed to origin/master\n")
    plan, _ = payments(rep, ref)
    assert plan == [
        ("P1", "2026-09-30", "375000"),
        ("P2", "2026-10-30", "262500"),
        ("P3", "2026-08-10", "112500"),
    ]
    checked = rep("check")
    assert checked.exit_code == 0  # a warning: the merge is nobody's mistake; a manager settles it
    assert "the plan total 750000, above the contract amount 375000" in checked.stdout + checked.stderr
    told = rep.ok(["--lang", "en", "remind", "--as-of", "2026-08-20"], user="li.na")
    assert f"{ref}" in told and "plan 750000 above the contract 375000" in told
    assert DataDir(rep.root).read_customer(ref.split("-")[0]).opportunities[0].plan[0].id == "P1"
