"""``salescrm verify`` and the pre-receive hook, through a real bare repository and ``git push``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import Crm

EMAIL = {"li.na": "li.na@example.com", "zhang.wei": "zhang.wei@example.com", "wang.fang": "wang.fang@x.cn"}


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=check)


@pytest.fixture
def server(tmp_path: Path) -> tuple[Path, Crm]:
    """A bare repository with the hook, holding a team and zhang.wei's customer CRM202405001."""
    crm = Crm(tmp_path / "setup")
    crm.ok(["init", str(crm.root), "--team", "测试团队"], user=None)
    crm.ok(
        ["member", "add", "li.na", "--name", "李娜", "--role", "manager", "--email", EMAIL["li.na"]],
        user=None,
    )
    for member in ("zhang.wei", "wang.fang"):
        crm.ok(["member", "add", member, "--name", member, "--email", EMAIL[member]], user="li.na")
    crm.add_customer("某某科技有限公司", "--at", "2024-05-03")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(crm.root), str(remote))
    assert crm.ok(["init", "--server-hook", str(remote)]) == f"installed {remote / 'hooks/pre-receive'}\n"
    return remote, crm


def clone(remote: Path, member: str) -> Crm:
    root = remote.parent / f"clone-{member}"
    git(remote.parent, "clone", "--quiet", str(remote), str(root))
    git(root, "config", "user.email", EMAIL[member])
    git(root, "config", "user.name", member)
    return Crm(root, user=member)


def hand_edit(crm: Crm, old: str, new: str, file: str = "customers/CRM202405001.yaml") -> None:
    path = crm.root / file
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    git(crm.root, "commit", "--quiet", "-am", f"hand edit of {file}")


def push(crm: Crm) -> subprocess.CompletedProcess[str]:
    return git(crm.root, "push", "--quiet", "origin", "HEAD", check=False)


def test_a_reps_hand_edit_of_another_reps_customer_is_refused_and_a_managers_passes(
    server: tuple[Path, Crm],
) -> None:
    remote, _ = server
    before = git(remote, "rev-parse", "HEAD").stdout
    rep = clone(remote, "wang.fang")
    hand_edit(rep, "需要采购50台办公电脑", "需要采购5台办公电脑")
    refused = push(rep)
    assert refused.returncode != 0
    assert (
        "wang.fang@x.cn: customers/CRM202405001.yaml: wang.fang may not change the customer "
        "(CRM202405001); rule customer.change allows: manager, the owner (zhang.wei)" in refused.stderr
    )
    assert "pre-receive hook declined" in refused.stderr
    assert git(remote, "rev-parse", "HEAD").stdout == before

    manager = clone(remote, "li.na")
    hand_edit(manager, "需要采购50台办公电脑", "需要采购5台办公电脑")
    assert push(manager).returncode == 0
    owner = clone(remote, "zhang.wei")
    hand_edit(owner, "需要采购5台办公电脑", "需要采购8台办公电脑")
    assert push(owner).returncode == 0


def test_the_hook_refuses_what_the_command_line_refuses(server: tuple[Path, Crm]) -> None:
    remote, _ = server
    rep = clone(remote, "zhang.wei")
    assert rep(["target", "set", "zhang.wei", "--year", "2026", "--amount", "1"]).exit_code == 2
    hand_edit(rep, "targets: {}", "targets:\n  zhang.wei:\n    2026: {amount: 99}", file="salescrm.yaml")
    refused = push(rep)
    assert refused.returncode != 0 and "rule config.targets allows: manager" in refused.stderr
    git(rep.root, "reset", "--quiet", "--hard", "origin/HEAD")
    hand_edit(rep, "role: manager", "role: rep", file="salescrm.yaml")  # a rep demotes the manager
    assert "rule config.members allows: manager" in push(rep).stderr
    git(rep.root, "reset", "--quiet", "--hard", "origin/HEAD")
    hand_edit(
        rep, EMAIL["li.na"], "thief@evil.example", file="salescrm.yaml"
    )  # the manager's digest, redirected
    assert "rule config.members allows: manager" in push(rep).stderr
    git(rep.root, "reset", "--quiet", "--hard", "origin/HEAD")
    hand_edit(rep, "customer.change: [manager, owner]", "customer.change: [everyone]", file="salescrm.yaml")
    assert "rule config.settings allows: manager" in push(rep).stderr  # a rep loosening the rules


def test_an_unknown_author_is_refused(server: tuple[Path, Crm]) -> None:
    remote, _ = server
    stranger = clone(remote, "zhang.wei")
    git(stranger.root, "config", "user.email", "someone@else.com")
    hand_edit(stranger, "需要采购50台办公电脑", "需要采购5台办公电脑")
    assert "<someone@else.com> is not a member of the team" in push(stranger).stderr


def test_work_through_the_cli_and_sync_passes_the_hook(server: tuple[Path, Crm]) -> None:
    remote, _ = server
    a, b = clone(remote, "zhang.wei"), clone(remote, "wang.fang")
    assert a.add_customer("甲公司", "--at", "2024-05-10") == "CRM202405002"
    assert b.add_customer("乙公司", "--at", "2024-05-11") == "CRM202405002"
    a.ok(["followup", "log", "CRM202405001", "--via", "phone", "--content", "客户确认下月采购20台电脑"])
    b.ok(["feedback", "add", "CRM202405002", "--content", "需要发票抬头"])
    assert a.ok("sync") == "pushed to origin/master\n"
    assert b.ok("sync").endswith("pushed to origin/master\n")  # renumbered, merged, pushed
    assert a.ok("sync").startswith("merged ")
    assert git(remote, "ls-tree", "--name-only", "HEAD:customers").stdout.split() == [
        ".gitkeep", "CRM202405001.yaml", "CRM202405002.yaml", "CRM202405003.yaml",
    ]  # fmt: skip


def test_verify_a_range_in_a_clone(server: tuple[Path, Crm]) -> None:
    remote, _ = server
    rep = clone(remote, "wang.fang")
    start = git(rep.root, "rev-parse", "HEAD").stdout.strip()
    rep.add_customer("乙公司", "--at", "2024-05-11")
    assert rep.ok(["verify", start, "HEAD", "--repo", str(rep.root)]) == "1 commit keeps the rules\n"
    hand_edit(rep, "owner: zhang.wei", "owner: wang.fang")  # a rep takes a colleague's customer
    hand_edit(rep, "需要采购50台办公电脑", "需要采购5台办公电脑")  # and, as its owner now, changes it
    result = rep(["verify", start, "HEAD", "--repo", str(rep.root)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        len(lines) == 1
        and "customers/CRM202405001.yaml: wang.fang may not change the customer's owner" in lines[0]
    )
    assert lines[0].endswith("rule customer.owner allows: manager")
    assert result.stderr.startswith("error: 1 change breaks the team's rules")


def test_verify_refuses_a_range_that_does_not_exist(server: tuple[Path, Crm]) -> None:
    remote, crm = server
    for old, new in (("nosuchref", "HEAD"), ("HEAD", "1234567")):
        result = crm(["verify", old, new, "--repo", str(remote)])
        assert result.exit_code == 3
        assert result.stderr.startswith("error: no such commit ")
    outside = crm(["verify", "HEAD~1", "HEAD", "--repo", str(remote.parent)])
    assert (outside.exit_code, outside.stderr.splitlines()[0]) == (
        2,
        f"error: {remote.parent} is not a git repository",
    )


def test_the_hook_goes_only_into_a_bare_repository(server: tuple[Path, Crm]) -> None:
    remote, crm = server
    result = crm(["init", "--server-hook", str(crm.root)])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2,
        f"error: {crm.root} is not a bare git repository",
    )
    assert not (crm.root / ".git/hooks/pre-receive").exists()
    (remote / "hooks/pre-receive").write_text("#!/bin/sh\nexit 0\n")
    assert crm(["init", "--server-hook", str(remote)]).exit_code == 4
    assert crm(["init", "--server-hook", str(remote / "nothing")]).exit_code == 3


def test_a_merge_passes_the_hook_from_a_manager_only(server: tuple[Path, Crm]) -> None:
    remote, _ = server
    rep = clone(remote, "zhang.wei")
    drop = rep.add_customer("某某科技", "--at", "2024-06-03", "--allow-duplicate")
    assert push(rep).returncode == 0
    assert rep(["customer", "merge", "CRM202405001", drop]).exit_code == 2  # the CLI refuses the rep
    rep.ok(
        ["customer", "merge", "CRM202405001", drop], user="li.na"
    )  # claims to be li.na: git says zhang.wei
    refused = push(rep)
    assert refused.returncode != 0
    assert (
        f"zhang.wei may not merge customers ({drop}); rule customer.merge allows: manager" in refused.stderr
    )
    assert "may not merge customers (CRM202405001)" in refused.stderr  # KEEP's side of it too
    manager = clone(remote, "li.na")
    manager.ok(["customer", "merge", "CRM202405001", drop])
    assert push(manager).returncode == 0, push(manager).stderr
