"""The pool through real git: two reps claim one customer on two clones and ``sync`` settles it
(the earlier claim wins, the other is told, nothing is lost), and the pre-receive hook refuses
a hand-edited claim, release or transfer that the command line would refuse."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from salescrm.cli.context import Session
from salescrm.store.datadir import DataDir
from tests.conftest import Crm
from tests.store.test_verify import EMAIL, clone, git, hand_edit, push, server

__all__ = ["server"]  # the fixture: a bare repository with the hook


@pytest.fixture
def pooled(server: tuple[Path, Crm]) -> Path:
    """The server's customer CRM202405001 released to the pool by its owner, zhang.wei."""
    remote, _ = server
    root = remote.parent / "releaser"
    git(remote.parent, "clone", "--quiet", str(remote), str(root))
    git(root, "config", "user.email", EMAIL["zhang.wei"])
    owner = Crm(root, user="zhang.wei")
    owner.ok(["pool", "release", "CRM202405001", "--reason", "客户暂无采购计划"])
    assert push(owner).returncode == 0
    return remote


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """The clock of the next commands (claims are recorded at the clock's minute)."""
    monkeypatch.setattr(Session, "now", lambda self: datetime.fromisoformat(moment))


def test_the_earlier_claim_wins_after_sync_and_the_other_is_told(
    pooled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = clone(pooled, "li.na"), clone(pooled, "wang.fang")
    at(monkeypatch, "2026-11-20T10:05")
    a.ok(["pool", "claim", "CRM202405001"])
    at(monkeypatch, "2026-11-20T10:01")  # wang.fang claimed four minutes earlier, on her clone
    b.ok(["pool", "claim", "CRM202405001"])
    b.ok(
        [
            "followup",
            "log",
            "CRM202405001",
            "--via",
            "phone",
            "--content",
            "客户确认下月采购20台电脑,预算已批",
        ]
    )

    assert a.ok("sync") == "pushed to origin/master\n"  # li.na's claim reaches the server first
    told = b.ok("sync")
    assert "merged 1 commit from origin/master" in told
    assert "CRM202405001: li.na's claim lost to wang.fang's, made earlier" in told
    assert told.endswith("pushed to origin/master\n")  # the settled merge passes the hook
    synced = a.ok("sync")
    assert "your claim of CRM202405001 lost: wang.fang claimed it first (2026-11-20T10:01)" in synced
    for clone_ in (a, b):
        customer = DataDir(clone_.root).read_customer("CRM202405001")
        assert customer.owner == "wang.fang"
        assert [(x.by, x.winner) for x in customer.lost_claims] == [("li.na", "wang.fang")]
        assert [f.by for f in customer.followups] == ["wang.fang"]  # nothing lost
        assert clone_("check").exit_code == 0
    reminded = a.ok(["--lang", "en", "remind", "--as-of", "2026-11-21"], user="li.na")
    assert "Claims lost: a teammate claimed first" in reminded and "wang.fang claimed it first" in reminded
    assert git(a.root, "rev-parse", "HEAD").stdout == git(b.root, "rev-parse", "HEAD").stdout


def test_claims_in_the_same_minute_are_settled_by_member_id(
    pooled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = clone(pooled, "li.na"), clone(pooled, "wang.fang")
    at(monkeypatch, "2026-11-20T10:00")
    a.ok(["pool", "claim", "CRM202405001"])
    b.ok(["pool", "claim", "CRM202405001"])
    a.ok("sync")
    assert "your claim of CRM202405001 lost: li.na claimed it first" in b.ok("sync")  # li.na < wang.fang
    assert DataDir(b.root).read_customer("CRM202405001").owner == "li.na"


@pytest.mark.parametrize("first", ["li.na", "wang.fang"])
@pytest.mark.parametrize(
    ("li_na_at", "wang_fang_at", "winner"),
    [("10:05", "10:01", "wang.fang"), ("10:01", "10:05", "li.na"), ("10:00", "10:00", "li.na")],
)
def test_both_clones_agree_on_the_winner_whichever_syncs_first(
    pooled: Path, monkeypatch: pytest.MonkeyPatch, first: str, li_na_at: str, wang_fang_at: str, winner: str
) -> None:
    clones = {"li.na": clone(pooled, "li.na"), "wang.fang": clone(pooled, "wang.fang")}
    for member, moment in (("li.na", li_na_at), ("wang.fang", wang_fang_at)):
        at(monkeypatch, f"2026-11-20T{moment}")
        clones[member].ok(["pool", "claim", "CRM202405001"])
    second = "wang.fang" if first == "li.na" else "li.na"
    for member in (first, second, first):
        clones[member].ok("sync")
    for crm in clones.values():
        assert DataDir(crm.root).read_customer("CRM202405001").owner == winner
    assert (
        git(clones["li.na"].root, "rev-parse", "HEAD").stdout
        == git(clones["wang.fang"].root, "rev-parse", "HEAD").stdout
    )


def test_the_hook_refuses_a_hand_edited_claim_for_a_colleague(pooled: Path) -> None:
    rep = clone(pooled, "wang.fang")
    hand_edit(rep, "owner: null", "owner: zhang.wei")
    refused = push(rep)
    assert refused.returncode != 0
    assert "wang.fang may not claim a customer from the pool (CRM202405001); rule pool.claim allows: manager, " \
           "the owner (zhang.wei)" in refused.stderr  # fmt: skip
    git(rep.root, "reset", "--quiet", "--hard", "origin/HEAD")
    rep.ok(["pool", "claim", "CRM202405001"])  # for herself, through the command line: passes
    assert push(rep).returncode == 0


def test_the_hook_refuses_a_reclaim_within_the_cool_down_and_passes_a_managers(pooled: Path) -> None:
    owner = clone(pooled, "zhang.wei")
    refused_here = owner(["pool", "claim", "CRM202405001"])
    assert refused_here.exit_code == 2 and "rule pool.reclaim allows: manager" in refused_here.stderr
    released = DataDir(owner.root).read_customer("CRM202405001").changes[-1].at
    hand_edit(owner, "owner: null", "owner: zhang.wei")  # the claim, by hand, not dated
    refused = push(owner)
    assert refused.returncode != 0 and "rule pool.reclaim allows: manager" in refused.stderr
    git(owner.root, "reset", "--quiet", "--hard", "origin/HEAD")
    path = owner.root / "customers/CRM202405001.yaml"
    claim = f"- {{at: '{released:%Y-%m-%dT%H:%M}', by: zhang.wei, field: owner, from: null, to: zhang.wei}}\n"
    path.write_text(path.read_text("utf-8") + claim, "utf-8")
    hand_edit(owner, "owner: null", "owner: zhang.wei")  # dated, as the command line would write it
    assert DataDir(owner.root).read_customer("CRM202405001").changes[-1].new == "zhang.wei"
    refused = push(owner)
    assert refused.returncode != 0 and "rule pool.reclaim allows: manager" in refused.stderr

    manager = clone(pooled, "li.na")
    manager.ok(["customer", "transfer", "CRM202405001", "--to", "zhang.wei", "--reason", "老客户回访"])
    assert push(manager).returncode == 0


def test_the_hook_refuses_a_reps_release_of_a_colleagues_customer(server: tuple[Path, Crm]) -> None:
    remote, _ = server
    rep = clone(remote, "wang.fang")
    hand_edit(rep, "owner: zhang.wei", "owner: null")
    refused = push(rep)
    assert "wang.fang may not release the customer to the pool (CRM202405001)" in refused.stderr
    git(rep.root, "reset", "--quiet", "--hard", "origin/HEAD")
    hand_edit(rep, "owner: zhang.wei", "owner: wang.fang")  # a transfer by hand
    assert "rule customer.owner allows: manager" in push(rep).stderr
    manager = clone(remote, "li.na")
    hand_edit(manager, "owner: zhang.wei", "owner: null")
    assert push(manager).returncode == 0


def test_pool_rules_are_a_managers(server: tuple[Path, Crm]) -> None:
    remote, _ = server
    rep = clone(remote, "zhang.wei")
    hand_edit(rep, "cooldown_days: 30", "cooldown_days: 0", file="salescrm.yaml")
    assert "rule config.pool allows: manager" in push(rep).stderr
    manager = clone(remote, "li.na")
    hand_edit(manager, "cooldown_days: 30", "cooldown_days: 0", file="salescrm.yaml")
    assert push(manager).returncode == 0
    assert json.loads(manager.ok("pool rules -f json"))["cooldown_days"] == 0
    assert (
        subprocess.run(["git", "status", "--porcelain"], cwd=manager.root, capture_output=True).stdout == b""
    )


@pytest.fixture
def limited(server: tuple[Path, Crm]) -> Path:
    """The server with a rep's limits at one customer owned and one claimed a day (li.na's
    change), and two customers of hers in the pool; zhang.wei owns CRM202405001."""
    remote, _ = server
    root = remote.parent / "limiter"
    git(remote.parent, "clone", "--quiet", str(remote), str(root))
    git(root, "config", "user.email", EMAIL["li.na"])
    manager = Crm(root, user="li.na")
    for limit in ("max_customers: 100", "claims_per_day: 5"):
        hand_edit(manager, limit, limit.split(":")[0] + ": 1", file="salescrm.yaml")
    for name in ("甲公司", "乙公司"):
        number = manager.add_customer(name, "--at", "2024-05-03")
        manager.ok(["pool", "release", number, "--reason", "公海"])
    assert push(manager).returncode == 0
    return remote


def claim_by_hand(crm: Crm, number: str) -> None:
    """A claim written into the file as the command line writes it (dated now in the team's time
    zone, as the command dates it), committed."""
    path = crm.root / f"customers/{number}.yaml"
    now = datetime.now(ZoneInfo(DataDir(crm.root).config.timezone)).strftime("%Y-%m-%dT%H:%M")
    text = path.read_text("utf-8").replace("owner: null", f"owner: {crm.user}")
    path.write_text(
        text + f"- {{at: '{now}', by: {crm.user}, field: owner, from: null, to: {crm.user}}}\n", "utf-8"
    )
    assert DataDir(crm.root).read_customer(number).owner == crm.user
    git(crm.root, "commit", "--quiet", "-am", f"claim of {number} by hand")


def pooled_numbers(crm: Crm) -> list[str]:
    return [row["id"] for row in json.loads(crm.ok("pool list -f json"))]


def test_the_hook_refuses_a_claim_past_the_most_a_rep_may_own(limited: Path) -> None:
    rep = clone(limited, "zhang.wei")
    first, _ = pooled_numbers(rep)
    refused_here = rep(["pool", "claim", first])
    assert (
        refused_here.exit_code == 2 and "more than a rep may (pool.max_customers: 1)" in refused_here.stderr
    )
    claim_by_hand(rep, first)
    refused = push(rep)
    assert refused.returncode != 0
    assert f"customers/{first}.yaml: with this claim zhang.wei owns 2 customers, more than a rep may " \
           "(pool.max_customers: 1)" in refused.stderr  # fmt: skip
    manager = clone(limited, "li.na")
    manager.ok(["pool", "claim", first])  # a manager is held to no limit
    assert push(manager).returncode == 0


def test_the_hook_refuses_more_claims_a_day_than_a_rep_may(limited: Path) -> None:
    rep = clone(limited, "wang.fang")
    first, second = pooled_numbers(rep)
    rep.ok(["pool", "claim", first])  # her first today: within both limits
    assert push(rep).returncode == 0
    path = rep.root / "salescrm.yaml"  # her own copy's limit raised: the server keeps the team's
    path.write_text(path.read_text("utf-8").replace("max_customers: 1", "max_customers: 5"), "utf-8")
    git(rep.root, "update-index", "--assume-unchanged", "salescrm.yaml")
    claim_by_hand(rep, second)
    refused = push(rep)
    assert refused.returncode != 0
    assert "with this claim wang.fang claimed 2 customers on" in refused.stderr
    assert "more than a rep may (pool.claims_per_day: 1)" in refused.stderr
    assert "pool.max_customers" in refused.stderr  # she owns two, one past her limit too
