"""``salescrm sync``: share the data directory with the team through its git remote.

The order matters and each step keeps work safe: commit what is pending (so
nothing is only in the work tree), fetch, give local never-pushed customers
whose numbers the remote took meanwhile the next free numbers, merge (customer
files through the YAML merge driver), check, push. When a person must decide,
sync stops with the repository in an ordinary git state and says what to do.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

from salescrm.core.config import Config
from salescrm.core.errors import ConflictError, CrmError, Msg, UsageError
from salescrm.core.renumber import next_free_number, renumber_data
from salescrm.core.safe_text import quoted, visible
from salescrm.store import git, incoming, merge_driver
from salescrm.store.atomic import write_atomic
from salescrm.store.datadir import DataDir
from salescrm.store.lock import locked
from salescrm.store.scan import LOCAL_DIR, LOCK_NAME
from salescrm.store.yamlio import dump_text, load_text

PUSH_ATTEMPTS = 3  # a teammate may push between our fetch and our push
OWN_PATHS = ("customers", "attachments", "salescrm.yaml", ".gitattributes", ".gitignore")


class CheckFailed(CrmError):
    """The merged data has problems: nothing is pushed until a person fixes them."""

    exit_code = 1


class RemoteError(CrmError):
    """The remote cannot be reached or refuses us; local work is kept."""

    exit_code = 2


def sync(datadir: DataDir, member: str) -> Iterator[str]:
    """Run one sync, saying what it did line by line as it goes: a sync that stops (a check
    that fails, a refused commit) has still told what it did and what came in.

    The lock is held only while the work tree changes (commit, renumber, merge): fetching,
    checking and pushing can be slow (a network, 10,000 files) and writers wait for none of
    them. What comes in is inspected before it touches the clone (``incoming``): a commit
    that carries a link or per-clone state is refused and the clone stays as it was."""
    root = datadir.root
    _require_repository(root)
    said: set[str] = set()
    with _writing(datadir):
        merge_driver.register(root)
        yield from _finish_merge(root, member)
    remote, branch = _remote_and_branch(root)
    tracking = f"refs/remotes/{remote}/{branch}"
    for _attempt in range(PUSH_ATTEMPTS):
        _fetch(root, remote)
        arrived = _has_ref(root, tracking)
        lines = []
        if arrived:
            incoming.refuse_unsafe_tree(root, tracking)
            lines += incoming.settings_changes(root, tracking)  # said even if the merge stops
        yield from _new(lines, said)
        with _writing(datadir):
            lines = _commit_pending(root, f"salescrm sync: pending changes (by {member})")
            before = _head(root)
            if arrived:
                lines += _renumber_collisions(DataDir(root), tracking, member)
                lines += _merge(root, tracking, f"{remote}/{branch}")
        yield from _new(lines, said)
        merging = (root / ".git/MERGE_HEAD").exists()  # writes are refused meanwhile (git.refuse_unfinished)
        _check(DataDir(root), merging)
        if merging:
            with _writing(datadir):
                git.run(root, ["commit", "--quiet", "--no-verify", "-m",
                               f"salescrm sync: merge {remote}/{branch} (by {member})"])  # fmt: skip
        if before and arrived:
            yield from _new(_lost_claims(root, before, member), said)
            yield from _new(_duplicates_arrived(DataDir(root), before), said)
        pushed = _push(root, remote, branch, tracking)
        if pushed is not None:
            yield pushed
            return
    raise RemoteError(
        f"{remote} kept moving while we pushed ({PUSH_ATTEMPTS} tries)",
        hint="your commits are kept locally; run salescrm sync again",
    )


def _new(lines: list[str], said: set[str]) -> Iterator[str]:
    """The lines not said yet: a second try may find the same again."""
    for line in lines:
        if line not in said:
            said.add(line)
            yield line


def _writing(datadir: DataDir) -> AbstractContextManager[int]:
    """The lock; with salescrm.yaml damaged (a bad commit), its default timeout: sync must still
    fetch and merge the commit that mends it."""
    try:
        timeout = datadir.config.lock_timeout
    except CrmError:
        timeout = Config().lock_timeout
    return locked(datadir.local_dir / LOCK_NAME, timeout)


def _require_repository(root: Path) -> None:
    if not git.have_git():
        raise UsageError(Msg("git is not installed"), hint=Msg("install git to share the data with the team"))
    if not git.is_repository(root):
        raise UsageError(
            Msg("{root} is not a git repository", root=root),
            hint=Msg(
                "sync shares the data through git: git init, git remote add origin URL, then salescrm sync"
            ),
        )


def _remote_and_branch(root: Path) -> tuple[str, str]:
    branch = git.run(root, ["symbolic-ref", "--quiet", "--short", "HEAD"], check=False).stdout.strip()
    if not branch:
        raise UsageError(
            Msg("HEAD is detached: sync works on a branch"), hint=Msg("git switch main, then salescrm sync")
        )
    upstream = git.run(root, ["rev-parse", "--abbrev-ref", "@{upstream}"], check=False).stdout.strip()
    if upstream and "/" in upstream:
        remote, _, remote_branch = upstream.partition("/")
        return remote, remote_branch
    remotes = git.run(root, ["remote"]).stdout.split()
    if not remotes:
        raise UsageError(
            Msg("this repository has no remote to sync with"),
            hint=Msg("add the team's repository: git remote add origin URL, then salescrm sync"),
        )
    if "origin" in remotes or len(remotes) == 1:
        return ("origin" if "origin" in remotes else remotes[0]), branch
    raise UsageError(
        Msg(
            "several remotes ({names}) and no upstream for {branch}", names=", ".join(remotes), branch=branch
        ),
        hint=Msg("choose one: git branch --set-upstream-to REMOTE/{branch}", branch=branch),
    )


def _finish_merge(root: Path, member: str) -> list[str]:
    """A merge left by an earlier sync: finish it once every file is resolved."""
    if not (root / ".git" / "MERGE_HEAD").exists():
        return []
    unmerged = _unmerged(root)
    if unmerged:
        raise ConflictError(
            Msg("a merge is waiting for you in: {names}", names=", ".join(unmerged)),
            hint=Msg(
                "edit each file to the right values, then: git add FILES && salescrm sync (or "
                "give up the merge: git merge --abort)"
            ),
        )
    return [
        "finished the merge you resolved",
        *_commit_pending(root, f"salescrm sync: merge resolved (by {member})")[1:],
    ]


def _commit_pending(root: Path, message: str) -> list[str]:
    """Commit pending changes to salescrm's own paths; say what else lies there, untouched.

    ``git add --all`` would push an export, a report or a ``.env`` left in the folder to the
    whole team: only ``OWN_PATHS`` are staged, the rest is listed and left alone."""
    changed = _changed_paths(root)
    own = sorted({path.split("/", 1)[0] for path in changed if path.split("/", 1)[0] in OWN_PATHS})
    others = [path for path in changed if path.split("/", 1)[0] not in (*OWN_PATHS, LOCAL_DIR)]
    lines: list[str] = []
    merging = (root / ".git/MERGE_HEAD").exists()
    _refuse_problems(DataDir(root), [path for path in changed if (root / path).is_file()], merging)
    if own:
        git.run(root, ["add", "--all", "--", *own])
    if merging:
        git.run(root, ["commit", "--quiet", "--no-verify", "-m", message])
        lines.append(Msg("committed your pending changes"))
    elif own and git.run(root, ["diff", "--cached", "--quiet", "--", *own], check=False).returncode:
        git.run(root, ["commit", "--quiet", "--no-verify", "-m", message, "--", *own])
        lines.append(Msg("committed your pending changes"))
    if others:
        shown = ", ".join(quoted(path) for path in others[:10])
        more = f" and {len(others) - 10} more" if len(others) > 10 else ""
        lines.append(f"left alone (not salescrm's, not shared): {shown}{more}")
    return lines


def _refuse_problems(datadir: DataDir, changed: list[str], merging: bool) -> None:
    """Commit nothing ``check`` refuses: the pending files (a hand edit), and while a merge
    waits, the whole merged data (what it brought, with what it met)."""
    from salescrm.store.checking import check_all, check_files_of

    problems = check_all(datadir) if merging else check_files_of(datadir, changed)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        what = "the merge" if merging else "your pending changes"
        raise CheckFailed(
            f"check found {len(errors)} problem{'s' if len(errors) != 1 else ''} in {what}, so nothing "
            f"was committed or pushed; first: {errors[0]}",
            hint="see them all with: salescrm check; fix them, then: salescrm sync"
            + (" (or give up the merge: git merge --abort)" if merging else ""),
        )


def _changed_paths(root: Path) -> list[str]:
    """Every path git status lists (changed, new, deleted), as it names them."""
    status = git.run(root, ["status", "--porcelain", "-z", "--untracked-files=all"]).stdout
    entries = status.split("\0")
    paths, index = [], 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) > 3:
            paths.append(entry[3:])
            if entry[0] in "RC":  # a rename names its source next
                index += 1
    return paths


def _fetch(root: Path, remote: str) -> None:
    result = git.run(root, ["fetch", "--quiet", remote], check=False)
    if result.returncode != 0:
        raise RemoteError(
            f"cannot reach the remote {remote!r}: {_last_line(result.stderr)}",
            hint="your work is committed locally and kept; "
            "run salescrm sync again when the remote is reachable",
        )


def _has_ref(root: Path, ref: str) -> bool:
    return git.run(root, ["rev-parse", "--verify", "--quiet", ref], check=False).returncode == 0


# -- numbers the remote took first ----------------------------------------------------


def _renumber_collisions(datadir: DataDir, tracking: str, member: str) -> list[str]:
    root = datadir.root
    base = git.run(root, ["merge-base", "HEAD", tracking], check=False).stdout.strip()
    if not base:
        raise ConflictError(
            Msg("this clone and {value} share no history", value=tracking.removeprefix("refs/remotes/")),
            hint=Msg(
                "clone the team's repository (git clone URL) instead of syncing a separately created one"
            ),
        )
    ours = _added_customers(root, base, "HEAD")
    theirs = _added_customers(root, base, tracking)
    clashes = sorted(n for n in ours & theirs if _blob(root, "HEAD", n) != _blob(root, tracking, n))
    if not clashes:
        return []
    taken = set(datadir.customer_ids()) | _customer_ids_at(root, tracking)
    lines, moves, touched = [], [], []
    for old in clashes:
        new = next_free_number(old, taken)
        taken.add(new)
        touched += _move_customer(datadir, old, new)
        moves.append(f"{old} → {new}")
        lines.append(f"renumbered your new customer {old} → {new} ({old} was taken on the remote)")
    git.commit(root, touched, f"salescrm sync: renumber {', '.join(moves)} (by {member})")
    return lines


def _added_customers(root: Path, base: str, tip: str) -> set[str]:
    names = git.run(
        root, ["diff", "--name-only", "--no-renames", "--diff-filter=A", base, tip, "--", "customers/"]
    )
    return {Path(n).stem for n in names.stdout.split() if n.endswith(".yaml")}


def _blob(root: Path, commit: str, customer: str) -> str:
    return git.run(root, ["rev-parse", f"{commit}:customers/{customer}.yaml"]).stdout.strip()


def _customer_ids_at(root: Path, commit: str) -> set[str]:
    names = git.run(root, ["ls-tree", "--name-only", f"{commit}:customers"], check=False).stdout.split()
    return {Path(n).stem for n in names if n.endswith(".yaml")}


def _move_customer(datadir: DataDir, old: str, new: str) -> list[Path]:
    """File, id, references and attachments folder of ``old`` move to ``new``."""
    old_path, new_path = datadir.path_of(old), datadir.path_of(new)
    data = renumber_data(load_text(old_path.read_text("utf-8"), datadir.relative(old_path)), old, new)
    write_atomic(new_path, dump_text(data).encode("utf-8"))
    old_path.unlink()
    touched = [old_path, new_path]
    old_folder, new_folder = datadir.attachments_dir / old, datadir.attachments_dir / new
    if old_folder.is_dir():
        shutil.move(old_folder, new_folder)
        touched += [old_folder, new_folder]
    return touched


# -- merge, check, push -----------------------------------------------------------------


def _merge(root: Path, tracking: str, name: str) -> list[str]:
    """Merge what arrived; a merge that is not a fast-forward is left for ``sync`` to check
    before it commits it."""
    incoming = int(git.run(root, ["rev-list", "--count", f"HEAD..{tracking}"]).stdout.strip() or 0)
    if not incoming:
        return []
    result = git.run(root, ["merge", "--no-commit", tracking], check=False)  # checked, then committed
    if result.returncode != 0:
        unmerged = _unmerged(root)
        if not unmerged:
            raise CrmError(
                Msg("git merge failed: {last_line}", last_line=_last_line(result.stderr or result.stdout))
            )
        details = [line.removeprefix("conflict: ") for line in (result.stderr + result.stdout).splitlines()
                   if line.startswith("conflict: ")]  # fmt: skip
        raise ConflictError(
            Msg("the merge needs a person: {names}", names="; ".join(details or unmerged)),
            hint=Msg(
                "each file holds your value where the two sides differ; edit {names} to the "
                "right values, then: git add FILES && salescrm sync (or undo: git merge --abort)",
                names=", ".join(unmerged),
            ),
        )
    return [
        *_renumbered(result.stderr),
        Msg("merged 1 commit from {name}", name=name)
        if incoming == 1
        else Msg("merged {count} commits from {name}", count=incoming, name=name),
    ]


def _renumbered(said: str) -> list[str]:
    """What the merge driver renumbered (cli/sync.py prints ``salescrm: FILE: renumbered …``):
    new items both clones numbered alike, one of them moved to the next free id."""
    found = re.findall(r"^salescrm: customers/(\S+)\.yaml: (renumbered .+)$", said, flags=re.MULTILINE)
    return [visible(f"{number}: {what}") for number, what in found]


def _lost_claims(root: Path, before: str, member: str) -> list[str]:
    """The claims from the pool that the merge settled against their makers (core/merge.py):
    two reps claimed one customer on two clones, the earlier claim won."""
    changed = git.run(root, ["diff", "--name-only", "--no-renames", before, "HEAD", "--", "customers/"])
    lines = []
    for name in changed.stdout.split():
        old, new = (_lost_claims_in(root, commit, name) for commit in (before, "HEAD"))
        for lost in new:
            if lost in old:
                continue
            number = Path(name).stem
            if lost.get("by") == member:
                winner, won_at = lost.get("winner"), lost.get("won_at")
                lines.append(f"your claim of {number} lost: {winner} claimed it first ({won_at}); "
                             "it stays theirs, your records in it are kept")  # fmt: skip
            else:
                lines.append(
                    f"{number}: {lost.get('by')}'s claim lost to {lost.get('winner')}'s, made earlier"
                )
    return [visible(line) for line in lines]  # names come from files git delivered


def _lost_claims_in(root: Path, commit: str, name: str) -> list[dict[str, object]]:
    shown = git.run(root, ["cat-file", "blob", f"{commit}:{name}"], check=False)
    if shown.returncode != 0:
        return []
    try:
        data = load_text(shown.stdout, name)
    except CrmError:
        return []  # a damaged file: check reports it
    found = data.get("lost_claims") if isinstance(data, dict) else None
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _unmerged(root: Path) -> list[str]:
    return git.run(root, ["diff", "--name-only", "--diff-filter=U"]).stdout.split()


def _check(datadir: DataDir, merging: bool) -> None:
    """Nothing is pushed, and an unfinished merge is not committed, while check finds errors."""
    from salescrm.store.checking import check_all

    errors = [p for p in check_all(datadir) if p.severity == "error"]
    if errors:
        raise CheckFailed(
            f"check found {len(errors)} problem{'s' if len(errors) != 1 else ''} after the merge, "
            f"so nothing was {'committed or ' if merging else ''}pushed; first: {errors[0]}",
            hint="see them all with: salescrm check; fix them, then: "
            + ("git add FILES && salescrm sync (or give up the merge: git merge --abort)" if merging
               else "salescrm sync"),
        )  # fmt: skip


def _head(root: Path) -> str | None:
    result = git.run(root, ["rev-parse", "--verify", "--quiet", "HEAD"], check=False)
    return result.stdout.strip() or None


def _duplicates_arrived(datadir: DataDir, before: str) -> list[str]:
    """``note:`` lines for the customers that arrived (or changed) in the merge and now share a
    credit code, name, phone or e-mail with another: two clones may each have added one company."""
    from salescrm.core.identity import likely_pairs, pair_text

    changed = git.run(
        datadir.root, ["diff", "--name-only", "--no-renames", before, "HEAD", "--", "customers/"]
    )
    arrived = {Path(name).stem for name in changed.stdout.split()}
    if not arrived:
        return []
    pairs = [p for p in likely_pairs(datadir.identities(), None) if {p.first, p.second} & arrived]
    return [f"note: {pair_text(p)}; see: salescrm customer dupes, salescrm customer merge KEEP DROP"
            for p in pairs]  # fmt: skip


def _push(root: Path, remote: str, branch: str, tracking: str) -> str | None:
    """What was pushed, or None when the remote moved on meanwhile (fetch and merge again)."""
    if _has_ref(root, tracking):
        ahead = int(git.run(root, ["rev-list", "--count", f"{tracking}..HEAD"]).stdout.strip() or 0)
        if not ahead:
            return Msg("up to date with {remote}/{branch}", remote=remote, branch=branch)
    result = git.run(
        root, ["push", "--quiet", "--set-upstream", remote, f"HEAD:refs/heads/{branch}"], check=False
    )
    if result.returncode == 0:
        return Msg("pushed to {remote}/{branch}", remote=remote, branch=branch)
    if "[rejected]" in result.stderr or "non-fast-forward" in result.stderr or "fetch first" in result.stderr:
        return None
    raise RemoteError(
        f"cannot push to {remote!r}: {_last_line(result.stderr)}",
        hint="your commits are kept locally; run salescrm sync again when the remote accepts them",
    )


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no reason given"
