"""A team as an attacker meets it: a bare remote and two clones, one pushing crafted commits.

``alice`` is the teammate who can push (anything: raw git, files salescrm would never
write); ``bob`` is the victim, who runs the real program in a subprocess, as cron and people
do, each command with a generous timeout so a hang fails the test instead of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Crm, tree_digest

TIMEOUT = 300  # seconds: generous, only so that a hang fails; time is measured by make bench
AS_OF = "2026-11-27"
FIRST = "CRM202611001"


@dataclass
class Clone:
    """One clone of the team's repository."""

    root: Path
    member: str

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``salescrm ARGS`` in a subprocess, acting as this clone's member."""
        environ = {
            **os.environ,
            "SALESCRM_DATA": str(self.root),
            "SALESCRM_USER": self.member,
            "SALESCRM_LANG": "en",
            **(env or {}),
        }  # fmt: skip (read as an English reader: conftest.Crm)
        return subprocess.run([sys.executable, "-m", "salescrm", *args], cwd=self.root, env=environ,
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)  # fmt: skip

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, check=True)
        return result.stdout

    def push_crafted(
        self, message: str, files: dict[str, str | bytes | None], links: dict[str, str] | None = None
    ) -> None:
        """Commit exactly these files (text, bytes, None: deleted) and links, as raw git would, and push."""
        for name, content in files.items():
            path = self.root / name
            if content is None:
                self.git("rm", "-r", "--quiet", name)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        for name, target in (links or {}).items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.symlink_to(target)
        named = [name for name, content in files.items() if content is not None] + list(links or {})
        if named:
            self.git("add", "--all", "--force", "--", *named)
        self.git("commit", "--quiet", "--no-verify", "-m", message)
        self.git("push", "--quiet", "origin", "HEAD")

    def revert_last(self, commits: int = 1) -> None:
        self.git("revert", "--no-edit", f"HEAD~{commits}..HEAD")
        self.git("push", "--quiet", "origin", "HEAD")

    def state(self) -> tuple[str, str, dict[str, bytes]]:
        """HEAD, git status and every file: what "the clone is as it was" compares."""
        return self.git("rev-parse", "HEAD"), self.git("status", "--porcelain"), tree_digest(self.root)


@dataclass
class Team:
    """The bare remote, alice (who pushes crafted commits) and bob (the victim)."""

    remote: Path
    alice: Clone
    bob: Clone
    outside: Path  # a folder beside the clones: nothing may ever be written there


@pytest.fixture
def team(git_crm: Crm, tmp_path: Path) -> Team:
    """Members li.na (manager), zhang.wei, wang.fang, zhao.svc; one VIP customer of zhang.wei
    19 days past its cadence with a task 5 days overdue (so li.na gets an escalation)."""
    git_crm.add_customer("某某科技有限公司", "--tier", "VIP", "--at", "2026-11-01")
    git_crm.ok(
        f"followup plan {FIRST} --due 2026-11-22 --via phone --focus 报价 --goal 确认价格 --at 2026-11-01"
    )
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(git_crm.root), str(remote)], check=True)
    clones = []
    for name, member in (("alice", "wang.fang"), ("bob", "zhang.wei")):
        subprocess.run(["git", "clone", "--quiet", str(remote), str(tmp_path / name)], check=True)
        clone = Clone(tmp_path / name, member)
        clone.git("config", "user.name", name.title())
        clone.git("config", "user.email", f"{name}@example.com")
        clones.append(clone)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("the victim's own file\n")
    team = Team(remote, clones[0], clones[1], outside)
    assert team.bob("sync").returncode == 0  # registers the merge driver, as a first sync does
    return team


def outside_untouched(team: Team) -> None:
    assert sorted(p.name for p in team.outside.iterdir()) == ["precious.txt"]
    assert (team.outside / "precious.txt").read_text() == "the victim's own file\n"


def recovers(team: Team) -> None:
    """Once alice's commit is reverted, bob syncs and checks cleanly again."""
    team.alice.revert_last()
    synced = team.bob("sync")
    assert synced.returncode == 0, synced.stderr
    assert team.bob("check").returncode == 0
