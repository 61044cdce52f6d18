"""What a fetch brought, looked at before it is merged: ``sync`` refuses what no salescrm data
holds, and tells the person syncing what changed in the team's settings.

A teammate who can push chooses every byte of these commits. A symbolic link (or a
submodule) anywhere, or anything under the per-clone ``.salescrm/``, would make later
commands read or write outside the repository (the lock, customers/, attachments/): the
merge is refused before it starts, so the clone stays exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

from salescrm.core.errors import DamagedError, Msg
from salescrm.core.safe_text import quoted
from salescrm.store import git
from salescrm.store.scan import CONFIG_NAME, LOCAL_DIR

LINK, SUBMODULE = "120000", "160000"


def refuse_unsafe_tree(root: Path, commit: str) -> None:
    """Stop (exit 5) when the tree of ``commit`` holds a link, a submodule or ``.salescrm/``."""
    listing = git.run(root, ["ls-tree", "-r", "-z", "--full-tree", commit]).stdout
    for entry in listing.split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode = meta.split(" ", 1)[0]
        what = {LINK: "a symbolic link", SUBMODULE: "a submodule"}.get(mode)
        if what is None and (path == LOCAL_DIR or path.startswith(f"{LOCAL_DIR}/")):
            what = f"per-clone state ({LOCAL_DIR}/ is never shared)"
        if what is not None:
            shown = commit.removeprefix("refs/remotes/")
            raise DamagedError(
                Msg(
                    "{shown} holds {quoted}, {what}: nothing was merged",
                    shown=shown,
                    quoted=quoted(path),
                    what=what,
                ),
                hint=Msg(
                    "ask the teammate who pushed it to revert that commit (git log {shown} -- "
                    "{quoted} names it), then sync again",
                    shown=shown,
                    quoted=quoted(path),
                ),
            )


def settings_changes(root: Path, commit: str) -> list[str]:
    """What ``commit`` changes in salescrm.yaml since the common ancestor: members' e-mails,
    roles and managers, and the rules, with who committed it."""
    from salescrm.core.shared_settings import settings_changes as changes_between
    from salescrm.store.yamlio import load_text

    base = git.run(root, ["merge-base", "HEAD", commit], check=False).stdout.strip()
    if not base:
        return []

    def data_at(revision: str) -> object:
        shown = git.run(root, ["show", f"{revision}:{CONFIG_NAME}"], check=False)
        try:
            return load_text(shown.stdout, CONFIG_NAME) if shown.returncode == 0 else None
        except DamagedError:
            return None  # check reports it after the merge

    changes = changes_between(data_at(base), data_at(commit))
    if not changes:
        return []
    authors = git.run(root, ["log", "--format=%an <%ae>", f"{base}..{commit}", "--", CONFIG_NAME]).stdout
    by = ", ".join(author for author in dict.fromkeys(authors.splitlines()) if author)
    return [f"note: {change} (committed by {by or 'unknown'})" for change in changes]
