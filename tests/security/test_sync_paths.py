"""Point 5: ``sync`` shares only salescrm's own files; exports, reports and secrets stay home."""

from __future__ import annotations

from salescrm.store.datadir import GITIGNORE
from tests.security.conftest import FIRST, Team


def test_sync_commits_only_salescrm_paths_and_lists_the_rest(team: Team) -> None:
    bob = team.bob
    assert bob("export", "csv", "--out", "export.csv").returncode == 0
    assert bob("report", "review", "--out", "review.html", "--format", "html").returncode == 0
    (bob.root / ".env").write_text("AWS_SECRET_ACCESS_KEY=AKIA-secret\n")
    (bob.root / "leads-2026.txt").write_text("a list of leads\n")
    (bob.root / "private").mkdir()
    (bob.root / "private" / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    (bob.root / "customers" / f"{FIRST}.yaml").write_text(
        (bob.root / "customers" / f"{FIRST}.yaml").read_text("utf-8").replace("tier: VIP", "tier: A"), "utf-8"
    )
    synced = bob("sync")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.splitlines() == [
        "committed your pending changes",
        "left alone (not salescrm's, not shared): 'leads-2026.txt', 'private/key.pem'",
        "pushed to origin/master",
    ]
    shared = bob.git("ls-tree", "-r", "--name-only", "origin/master").split()
    assert f"customers/{FIRST}.yaml" in shared
    for name in ("export.csv", "review.html", ".env", "leads-2026.txt", "private/key.pem"):
        assert name not in shared and (bob.root / name).exists()
    assert "tier: A" in bob.git("show", f"origin/master:customers/{FIRST}.yaml")


def test_a_repository_without_the_new_gitignore_still_pushes_no_export(team: Team) -> None:
    bob = team.bob
    (bob.root / ".git" / "info" / "exclude").write_text("")
    bob.git("rm", "--quiet", "--cached", ".gitignore")
    bob.git("commit", "--quiet", "-m", "an old clone without .gitignore")
    (bob.root / ".gitignore").unlink()
    (bob.root / ".salescrm").rename(bob.root.parent / "salescrm-state")  # as an old clone keeps it elsewhere
    assert bob("export", "csv", "--out", "export.csv").returncode == 0
    (bob.root / ".env").write_text("SECRET=1\n")
    synced = bob("sync")
    assert synced.returncode == 0, synced.stderr
    left = next(line for line in synced.stdout.splitlines() if line.startswith("left alone"))
    assert "'export.csv'" in left and "'.env'" in left and ".salescrm" not in left
    shared = bob.git("ls-tree", "-r", "--name-only", "origin/master").split()
    assert "export.csv" not in shared and ".env" not in shared


def test_init_ignores_exports_and_env_files() -> None:
    for pattern in (
        "/*.csv",
        "/*.xlsx",
        "/*.html",
        "/*.json",
        "/*.ics",
        "/*.vcf",
        ".env",
        ".env.*",
        ".salescrm/",
    ):
        assert pattern in GITIGNORE.splitlines()


def test_a_write_commits_only_its_own_files_not_what_the_user_staged(team: Team) -> None:
    bob = team.bob
    (bob.root / "notes.txt").write_text("my own notes, staged by hand\n")
    bob.git("add", "notes.txt")
    logged = bob(
        "followup", "log", FIRST, "--via", "phone", "--content", "客户确认下月采购20台服务器,预算已批"
    )
    assert logged.returncode == 0, logged.stderr
    assert bob.git("show", "--name-only", "--format=", "HEAD").split() == [f"customers/{FIRST}.yaml"]
    assert bob.git("diff", "--cached", "--name-only").split() == ["notes.txt"]  # still staged, not committed
    assert "notes.txt" not in bob.git("ls-tree", "-r", "--name-only", "HEAD").split()
