"""Git, driven with argument lists (never a shell string)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from salescrm.core.errors import ConflictError, CrmError, Msg

# Used only when git has no identity configured, so a fresh machine can still commit.
_FALLBACK_IDENTITY = {
    "GIT_AUTHOR_NAME": "salescrm",
    "GIT_AUTHOR_EMAIL": "salescrm@localhost",
    "GIT_COMMITTER_NAME": "salescrm",
    "GIT_COMMITTER_EMAIL": "salescrm@localhost",
}


def have_git() -> bool:
    return shutil.which("git") is not None


def is_repository(root: Path) -> bool:
    """Whether ``root`` is itself the top of a git work tree (not merely inside one)."""
    return (root / ".git").exists()


def run(root: Path, args: Sequence[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    if not _has_identity(root):
        env.update({k: v for k, v in _FALLBACK_IDENTITY.items() if k not in os.environ})
    # A committed file name need not be UTF-8: its bytes are kept (surrogateescape), passed back
    # to git as they were, and shown visibly (core/safe_text.py), never a crash.
    result = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                            errors="surrogateescape", check=False)  # fmt: skip
    if check and result.returncode != 0:
        raise CrmError(
            Msg(
                "git {item} failed: {value}",
                item=args[0],
                value=result.stderr.strip() or result.stdout.strip(),
            )
        )
    return result


def _has_identity(root: Path) -> bool:
    result = subprocess.run(
        ["git", "config", "user.email"], cwd=root, capture_output=True, text=True, check=False
    )
    return bool(result.stdout.strip())


def user_email(root: Path) -> str | None:
    if not have_git():
        return None
    result = subprocess.run(
        ["git", "config", "user.email"], cwd=root, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or None


_UNFINISHED = (("MERGE_HEAD", "merge"), ("rebase-merge", "rebase"), ("rebase-apply", "rebase"),
               ("CHERRY_PICK_HEAD", "cherry-pick"), ("REVERT_HEAD", "revert"))  # fmt: skip


def unfinished(root: Path) -> str | None:
    """The git operation left unfinished in ``root`` (merge, rebase …), if any: a few stats."""
    folder = root / ".git"
    if folder.is_file():  # a linked work tree: ".git" names the real folder
        folder = (root / folder.read_text("utf-8").removeprefix("gitdir:").strip()).resolve()
    return next((what for name, what in _UNFINISHED if (folder / name).exists()), None)


def refuse_unfinished(root: Path) -> None:
    """Refuse a write while a merge (or rebase …) waits for a person: its commit would fail and
    leave the change staged, and ``git merge --abort`` would silently throw it away."""
    what = unfinished(root) if is_repository(root) else None
    if what is not None:
        undo = "git rebase --abort" if what == "rebase" else f"git {what} --abort"
        raise ConflictError(
            Msg("a git {what} is unfinished in {root}: nothing was written", what=what, root=root),
            hint=Msg(
                "finish it first (resolve the files, git add them, salescrm sync) or undo it: {undo}",
                undo=undo,
            ),
        )


def init(root: Path) -> None:
    run(root, ["init", "--quiet"])


def commit(root: Path, paths: Sequence[Path], message: str) -> None:
    """Stage ``paths`` (added, changed or removed) and commit them, and only them, with
    ``message``: whatever else the user staged by hand (an export, a ``.env``) stays staged
    and uncommitted, for them to decide."""
    relative = [str(p.relative_to(root)) for p in paths]
    run(root, ["add", "--all", "--", *relative])
    if not run(root, ["diff", "--cached", "--quiet", "--", *relative], check=False).returncode:
        return  # nothing changed
    result = run(root, ["commit", "--quiet", "--no-verify", "-m", message, "--", *relative], check=False)
    if result.returncode != 0:
        raise ConflictError(
            Msg("the change is saved but git could not commit it: {value}", value=result.stderr.strip()),
            hint=Msg("commit by hand (git commit) or run: salescrm sync"),
        )
