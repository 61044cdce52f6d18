"""``salescrm sync`` between two clones of one bare repository (real git, in tmp_path)."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from salescrm.core.ids import next_item_id
from salescrm.core.model import FollowUp
from salescrm.store.datadir import DataDir
from tests.conftest import Crm


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return result.stdout


def log_followup(root: Path, customer_id: str, content: str, by: str) -> str:
    """A follow-up written straight through the model (the followup command lives elsewhere)."""
    datadir = DataDir(root)
    with datadir.transaction("followup log", by) as tx:
        customer = datadir.read_customer(customer_id)
        item = next_item_id("F", [f.id for f in customer.followups])
        customer.followups.append(FollowUp(item, datetime(2024, 5, 12, 10, 0), "phone", by, content))
        tx.save(customer, f"{customer.id}-{item}")
    return item


@pytest.fixture
def team(git_crm: Crm, tmp_path: Path) -> tuple[Crm, Crm, Path]:
    """Clones A and B of a bare repository holding one customer, CRM202405001."""
    git_crm.add_customer("老客户有限公司", "--at", "2024-05-03", "--phone", "13800000001")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(git_crm.root), str(remote)], check=True)
    clones = []
    for name in ("a", "b"):
        subprocess.run(["git", "clone", "--quiet", str(remote), str(tmp_path / name)], check=True)
        clones.append(Crm(tmp_path / name))
    return clones[0], clones[1], remote


def test_two_clones_lose_nothing(team: tuple[Crm, Crm, Path]) -> None:
    a, b, _ = team
    assert a.add_customer("甲公司", "--at", "2024-05-10", "--phone", "13800000002") == "CRM202405002"
    assert b.add_customer("乙公司", "--at", "2024-05-11", "--phone", "13800000003") == "CRM202405002"
    assert log_followup(a.root, "CRM202405001", "A:客户确认下月采购20台", "zhang.wei") == "F1"
    assert log_followup(b.root, "CRM202405001", "B:客户要求周五前报价", "li.na") == "F1"

    assert a.ok("sync") == "pushed to origin/master\n"
    synced_b = b.ok("sync")
    assert synced_b == (
        "renumbered your new customer CRM202405002 → CRM202405003 (CRM202405002 was taken on the remote)\n"
        "CRM202405001: renumbered our followups F1 → F2\n"
        "merged 2 commits from origin/master\n"
        "pushed to origin/master\n"
    )
    assert a.ok("sync") == "merged 4 commits from origin/master\nup to date with origin/master\n"

    for clone in (a, b):
        assert DataDir(clone.root).customer_ids() == ["CRM202405001", "CRM202405002", "CRM202405003"]
        assert DataDir(clone.root).read_customer("CRM202405002").name == "甲公司"
        assert DataDir(clone.root).read_customer("CRM202405003").name == "乙公司"
        followups = DataDir(clone.root).read_customer("CRM202405001").followups
        assert [(f.id, f.content) for f in followups] == [
            ("F1", "A:客户确认下月采购20台"),
            ("F2", "B:客户要求周五前报价"),
        ]
        assert clone("check").exit_code == 0
        assert git(clone.root, "status", "--porcelain") == ""
    assert git(a.root, "rev-parse", "HEAD") == git(b.root, "rev-parse", "HEAD")


def test_sync_is_idempotent(team: tuple[Crm, Crm, Path]) -> None:
    a, _, _ = team
    a.add_customer("甲公司", "--at", "2024-05-10")
    assert a.ok("sync") == "pushed to origin/master\n"
    head = git(a.root, "rev-parse", "HEAD")
    assert a.ok("sync") == "up to date with origin/master\n"
    assert git(a.root, "rev-parse", "HEAD") == head


def test_sync_commits_pending_hand_edits(team: tuple[Crm, Crm, Path]) -> None:
    a, b, _ = team
    path = a.root / "customers" / "CRM202405001.yaml"
    path.write_text(path.read_text("utf-8").replace("需要采购50台办公电脑", "需要采购80台办公电脑"), "utf-8")
    assert a.ok("sync") == "committed your pending changes\npushed to origin/master\n"
    b.ok("sync")
    assert DataDir(b.root).read_customer("CRM202405001").needs == "需要采购80台办公电脑"


def test_renumbering_moves_attachments_and_references(team: tuple[Crm, Crm, Path]) -> None:
    a, b, _ = team
    a.add_customer("甲公司", "--at", "2024-05-10")
    number = b.add_customer("乙公司", "--at", "2024-05-11")
    folder = b.root / "attachments" / number
    folder.mkdir()
    (folder / "quote.pdf").write_bytes(b"%PDF quote")
    datadir = DataDir(b.root)
    with datadir.transaction("followup log", "zhang.wei") as tx:
        customer = datadir.read_customer(number)
        customer.followups.append(
            FollowUp("F1", datetime(2024, 5, 12, 10, 0), "visit", "zhang.wei", f"见 {number}-F1 报价",
                     attachments=[f"attachments/{number}/quote.pdf"])
        )  # fmt: skip
        tx.save(customer)
    a.ok("sync")
    b.ok("sync")
    moved = DataDir(b.root).read_customer("CRM202405003")
    assert moved.followups[0].attachments == ["attachments/CRM202405003/quote.pdf"]
    assert moved.followups[0].content == "见 CRM202405003-F1 报价"
    assert (b.root / "attachments/CRM202405003/quote.pdf").read_bytes() == b"%PDF quote"
    assert not (b.root / "attachments" / number).exists()


def test_a_real_conflict_stops_in_a_git_merge(team: tuple[Crm, Crm, Path]) -> None:
    a, b, _ = team
    a.ok("customer set CRM202405001 industry=制造业")
    b.ok("customer set CRM202405001 industry=金融")
    a.ok("sync")
    result = b("sync")
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == (
        "error: the merge needs a person: customers/CRM202405001.yaml: industry: ours '金融', theirs '制造业'"
    )
    assert "git add FILES && salescrm sync" in result.stderr
    path = b.root / "customers/CRM202405001.yaml"
    assert "<<<<<<<" not in path.read_text("utf-8")  # still valid YAML, holding our value
    assert (b.root / ".git/MERGE_HEAD").exists()
    again = b("sync")
    assert again.exit_code == 4
    assert again.stderr.startswith("error: a merge is waiting for you in: customers/CRM202405001.yaml\n")
    path.write_text(path.read_text("utf-8").replace("金融", "制造业"), "utf-8")
    git(b.root, "add", "customers/CRM202405001.yaml")
    assert b.ok("sync") == "finished the merge you resolved\npushed to origin/master\n"


def test_sync_outside_a_repository(crm: Crm, digest) -> None:
    before = digest(crm.root)
    result = crm("sync")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {crm.root} is not a git repository\nhint: ")
    assert digest(crm.root) == before


def test_sync_without_a_remote(git_crm: Crm, digest) -> None:
    before = digest(git_crm.root)
    result = git_crm("sync")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: this repository has no remote to sync with\n"
        "hint: add the team's repository: git remote add origin URL, then salescrm sync\n"
    )
    assert digest(git_crm.root) == before


def test_unreachable_remote_keeps_local_commits(team: tuple[Crm, Crm, Path], tmp_path: Path) -> None:
    a, _, remote = team
    number = a.add_customer("甲公司", "--at", "2024-05-10")
    remote.rename(tmp_path / "gone.git")
    head = git(a.root, "rev-parse", "HEAD")
    result = a("sync")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot reach the remote 'origin': ")
    assert "your work is committed locally and kept" in result.stderr
    assert git(a.root, "rev-parse", "HEAD") == head
    assert (a.root / "customers" / f"{number}.yaml").exists()


def test_init_registers_the_merge_driver(git_crm: Crm) -> None:
    driver = git(git_crm.root, "config", "merge.salescrm.driver").strip()
    assert driver.endswith(" -m salescrm merge-driver %O %A %B %P")
    assert (git_crm.root / ".gitattributes").read_text() == "customers/*.yaml merge=salescrm\n"
