"""``salescrm verify OLD NEW``: every commit of a git range checked against the rulebook.

For each commit, the acting member is the one whose e-mail is the commit's author e-mail,
and the rules are those of salescrm.yaml in the parent commit; each changed file is read
before (parent) and after (commit) and given to ``core/rules.py``, the same functions the
command line uses. A merge commit answers only for what neither side brought: actions that
the merged-in side made since the merge base were checked in their own commits. A pair of
files that only renumbers a customer (what ``sync`` does when two clones took one number)
is no action. A pre-receive hook (``salescrm init --server-hook REPO``) runs this for each
pushed ref, so a hand-edited file cannot get round the rules.
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from salescrm.core.errors import ConflictError, CrmError, DamagedError, Msg, NotFoundError, UsageError
from salescrm.store import git

if TYPE_CHECKING:
    from salescrm.core.config import Config
    from salescrm.core.model import Customer
    from salescrm.core.rules import Action

ZERO = "0" * 40
CONFIG = "salescrm.yaml"
HOOK_MARK = "# salescrm pre-receive hook"


class VerifyFailed(CrmError):
    """Commits in the range break the rules: the push (or the CI job) fails."""

    exit_code = 1


@dataclass(frozen=True)
class Finding:
    """One breach (or damaged file) in one commit."""

    commit: str
    email: str
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.commit[:10]} {self.email}: {self.file}: {self.message}"


_REV = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./~^@{}-]{0,199}$")


def verify_range(repo: Path, old: str, new: str) -> tuple[int, list[Finding]]:
    """(commits checked, what breaks the rules) for the commits ``old..new``."""
    for rev in (old, new):
        if not _REV.match(rev):  # never an option, a control character or a blank to git
            raise UsageError(
                Msg("bad commit {rev!r}", rev=rev),
                hint=Msg("a commit id or ref, e.g. origin/main or 3f2a1c9"),
            )
    if not repo.is_dir():
        raise NotFoundError(
            Msg("no such folder {repo}", repo=repo), hint=Msg("--repo names the git repository")
        )
    if git.run(repo, ["rev-parse", "--git-dir"], check=False).returncode != 0:
        raise UsageError(
            Msg("{repo} is not a git repository", repo=repo), hint=Msg("--repo names the git repository")
        )
    commits = _commits(repo, old, new)
    findings: list[Finding] = []
    for commit, parents, email in commits:
        findings += _verify_commit(repo, commit, parents, email)
    return len(commits), findings


def _commits(repo: Path, old: str, new: str) -> list[tuple[str, list[str], str]]:
    """(commit, parents, author e-mail) oldest first; a new ref's commits are those no other
    ref reaches (in a pre-receive hook: the ones being pushed)."""
    if new == ZERO:
        return []  # a deleted ref brings no commit
    for rev in (old, new):
        if rev != ZERO and git.run(repo, ["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                                   check=False).returncode != 0:  # fmt: skip
            raise NotFoundError(
                Msg("no such commit {rev!r} in {repo}", rev=rev, repo=repo),
                hint=Msg("give two commits: salescrm verify OLD NEW"),
            )
    span = [new, "--not", "--all"] if old == ZERO else [f"{old}..{new}"]
    listed = git.run(repo, ["log", "--reverse", "--topo-order", "--format=%H %P%x1f%ae", *span, "--"])
    found = []
    for line in listed.stdout.splitlines():
        hashes, _, email = line.partition("\x1f")
        commit, *parents = hashes.split()
        found.append((commit, parents, email.strip()))
    return found


def _verify_commit(repo: Path, commit: str, parents: list[str], email: str) -> list[Finding]:
    from salescrm.core.rules import breaches

    parent = parents[0] if parents else None
    reader = _Reader(repo)
    try:
        config = reader.config(parent)
    except DamagedError as error:  # no rules to check by: nothing passes until a manager mends it
        return [Finding(commit, email, CONFIG, f"the parent's rules cannot be read: {error.message}")]
    member = next(
        (m.id for m in config.members if m.email and m.email.casefold() == email.casefold()), f"<{email}>"
    )
    findings: list[Finding] = []
    actions: list[tuple[str, Action]] = []
    for file in reader.changed(parent, commit):
        try:
            actions += [(file, a) for a in reader.actions(file, parent, commit, config.pool.cooldown_days)]
        except DamagedError as error:
            findings.append(Finding(commit, email, file, f"damaged: {error.message}"))
    if len(parents) > 1:
        brought = _brought_by_merge(repo, reader, parents)
        actions = [(file, a) for file, a in actions if not _was_brought(a, brought)]
    for file, action in actions:
        findings += [Finding(commit, email, file, str(b)) for b in breaches(member, config, [action])]
    claimed = [file for file, a in actions if a.name == "pool.claim" and a.owners == {member}]
    if claimed:
        findings += _claim_limits(reader, commit, email, config, member, claimed)
    return findings


def _claim_limits(reader: _Reader, commit: str, email: str, config: Config, member_id: str,
                  claimed: list[str]) -> list[Finding]:  # fmt: skip
    """A rep's claims of this commit past the claim limits (core/pool.py: limit_breaches),
    counted over the customers of the commit: how many the rep owns with them, and how many
    they claimed on each day they were made (a claim not dated, by hand: on the commit's day)."""
    from salescrm.core.parse import day_of
    from salescrm.core.pool import POOL, claims_on, limit_breaches, owned_by, owner_changes

    member = next((m for m in config.members if m.id == member_id), None)
    if member is None or member.role == "manager":
        return []
    customers = reader.customers_naming(commit, member_id)
    undated, days = 0, set()
    for file in claimed:
        customer = next((c for c in customers if f"customers/{c.id}.yaml" == file), None)
        claims = (
            [c for c in owner_changes(customer) if c.old == POOL and c.new == member_id] if customer else []
        )
        if claims:
            days.add(day_of(claims[-1].at))
        else:
            undated += 1
    committed = reader.day(commit)
    if undated:
        days.add(committed)
    owned = owned_by(customers, member_id)
    found: dict[str, str] = {}
    for day in sorted(days):
        count = claims_on(customers, member_id, day) + (undated if day == committed else 0)
        for limit, message in limit_breaches(member, config.pool, owned, count, day):
            found.setdefault(limit, message)
    return [Finding(commit, email, claimed[0], message) for message in found.values()]


def _was_brought(action: Action, brought: set[tuple[str, str]]) -> bool:
    """Whether a merge's ``action`` came from a merged-in side: the same action, or the
    settling of two claims of a customer (core/merge.py) when a side claimed it."""
    if action.name == "pool.settle":
        return ("pool.claim", action.record) in brought
    return (action.name, action.record) in brought


def _changed(repo: Path, parent: str | None, commit: str) -> list[str]:
    span = [parent, commit] if parent else ["--root", commit]
    listed = git.run(repo, ["diff-tree", "-r", "--no-renames", "--name-only", "--no-commit-id", "-z", *span])
    return [name for name in listed.stdout.split("\0") if name]


def _brought_by_merge(repo: Path, reader: _Reader, parents: list[str]) -> set[tuple[str, str]]:
    """The actions the merged-in sides made since they parted from the first parent."""
    brought: set[tuple[str, str]] = set()
    for other in parents[1:]:
        base = git.run(repo, ["merge-base", parents[0], other], check=False).stdout.strip() or None
        for file in reader.changed(base, other):
            try:
                brought |= {(a.name, a.record) for a in reader.actions(file, base, other)}
            except DamagedError:
                continue  # reported in the commit that damaged it
    return brought


class _Reader:
    """Files of commits, parsed once each."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self._texts: dict[tuple[str, str], str | None] = {}
        self._changed: dict[tuple[str, str], list[str]] = {}

    def text(self, commit: str | None, file: str) -> str | None:
        if commit is None:
            return None
        key = (commit, file)
        if key not in self._texts:
            shown = git.run(self.repo, ["cat-file", "blob", f"{commit}:{file}"], check=False)
            self._texts[key] = shown.stdout if shown.returncode == 0 else None
        return self._texts[key]

    def config(self, commit: str | None) -> Config:
        from salescrm.core.config import Config, config_from_data
        from salescrm.store.yamlio import load_text

        text = self.text(commit, CONFIG)
        if text is None:
            return Config()
        config, problems = config_from_data(load_text(text, CONFIG), CONFIG)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise DamagedError(str(errors[0]))
        return config

    def customer(self, commit: str | None, file: str) -> Customer | None:
        from salescrm.core.records import customer_from_data
        from salescrm.store.yamlio import load_text

        text = self.text(commit, file)
        if text is None:
            return None
        customer, problems = customer_from_data(load_text(text, file), file)
        errors = [p for p in problems if p.severity == "error"]
        if customer is None or errors:
            raise DamagedError(str(errors[0]) if errors else Msg("{file}: not a customer", file=file))
        return customer

    def actions(self, file: str, before: str | None, after: str, cooldown_days: int = 0) -> list[Action]:
        from salescrm.core.rules import Action, config_actions, customer_actions

        if file == CONFIG:
            return config_actions(self.config(before), self.config(after))
        if _is_customer_file(file):
            if self._renumbered(file, before, after):
                return []
            now = self.customer(after, file)
            merged_into = self._merged_into(file, before, after) if now is None else None
            return customer_actions(self._old_customer(before, file), now, cooldown_days, merged_into)
        parts = file.split("/")
        if len(parts) >= 3 and parts[0] == "attachments":  # a customer's files: a change of it
            number = parts[1]
            owner = self._owner(f"customers/{number}.yaml", before, after)
            return [Action("customer.change", number, frozenset({owner} if owner else ()))]
        return [Action("config.settings", file)]  # any other file is the team's setup

    def _old_customer(self, commit: str | None, file: str) -> Customer | None:
        from salescrm.core.model import Customer

        try:
            return self.customer(commit, file)
        except DamagedError:  # whose it was cannot be read: a change that only a manager may make
            from salescrm.core.rules import UNREADABLE

            return Customer(Path(file).stem, "", "", "", UNREADABLE, date.min)

    def _owner(self, file: str, before: str | None, after: str) -> str | None:
        for commit in (before, after):
            try:
                found = self.customer(commit, file)
            except DamagedError:
                continue
            if found is not None:
                return found.owner
        return None

    def _merged_into(self, file: str, before: str | None, after: str) -> Customer | None:
        """The customer that took ``file``'s number as an alias in this change (customer merge)."""
        number = Path(file).stem
        for other in self.changed(before, after):
            if other != file and _is_customer_file(other):
                try:
                    found = self.customer(after, other)
                except DamagedError:
                    continue
                if found is not None and number in found.aliases:
                    return found
        return None

    def _renumbered(self, file: str, before: str | None, after: str) -> bool:
        """Whether ``file`` only moved to (or from) another number in this commit, as sync's
        renumbering does: the one customer, its number and references changed, nothing else."""
        from salescrm.core.renumber import renumber_data
        from salescrm.store.yamlio import load_text

        old, new = self.text(before, file), self.text(after, file)
        if (old is None) == (new is None):
            return False
        for other in self.changed(before, after):
            if other == file or not _is_customer_file(other):
                continue
            other_old, other_new = self.text(before, other), self.text(after, other)
            if old is not None and other_old is None and other_new is not None:
                moved = (old, file, other, other_new)
            elif new is not None and other_old is not None and other_new is None:
                moved = (other_old, other, file, new)
            else:
                continue
            source, source_file, target_file, target = moved
            data = renumber_data(
                load_text(source, source_file), Path(source_file).stem, Path(target_file).stem
            )
            if data == load_text(target, target_file):
                return True
        return False

    def customers_naming(self, commit: str, member_id: str) -> list[Customer]:
        """The customers of ``commit`` whose file names ``member_id`` (every one that member
        owns or claimed, among others), found by ``git grep`` rather than reading every file.
        A file with a backslash is read too: a double-quoted YAML string may spell an id with
        escapes. A damaged file is left out (its own commit reports it)."""
        grep = ["grep", "-l", "-F", "-e", member_id, "-e", "\\", commit, "--", "customers/"]
        listed = git.run(self.repo, grep, check=False)
        found = []
        for line in listed.stdout.splitlines():
            file = line.removeprefix(f"{commit}:")
            if not _is_customer_file(file):
                continue
            try:
                customer = self.customer(commit, file)
            except DamagedError:
                continue
            if customer is not None:
                found.append(customer)
        return found

    def day(self, commit: str) -> date:
        """The day ``commit`` was made (its author date)."""
        shown = git.run(self.repo, ["show", "-s", "--format=%as", commit])
        return date.fromisoformat(shown.stdout.strip())

    def changed(self, before: str | None, after: str) -> list[str]:
        key = (before or "", after)
        if key not in self._changed:
            self._changed[key] = _changed(self.repo, before, after)
        return self._changed[key]


def _is_customer_file(file: str) -> bool:
    parts = file.split("/")
    return len(parts) == 2 and parts[0] == "customers" and parts[1].endswith(".yaml")


# -- the pre-receive hook ----------------------------------------------------------------


def install_hook(repo: Path) -> Path:
    """Write ``hooks/pre-receive`` into the bare repository ``repo``; returns its path."""
    if not repo.is_dir():
        raise NotFoundError(
            Msg("no such folder {repo}", repo=repo),
            hint=Msg("give the bare repository, e.g. /srv/git/crm.git"),
        )
    bare = git.run(repo, ["rev-parse", "--is-bare-repository"], check=False)
    if bare.returncode != 0 or bare.stdout.strip() != "true":
        raise UsageError(
            Msg("{repo} is not a bare git repository", repo=repo),
            hint=Msg("the hook goes into the server's copy (git init --bare), not into a clone"),
        )
    hook = repo / "hooks" / "pre-receive"
    if hook.exists() and HOOK_MARK not in hook.read_text("utf-8", errors="replace"):
        raise ConflictError(
            Msg("{hook} exists and is not salescrm's", hook=hook),
            hint=Msg("merge the two by hand: call salescrm verify from it"),
        )
    command = " ".join(shlex.quote(part) for part in (sys.executable, "-m", "salescrm", "verify"))
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(
        "#!/bin/sh\n"
        f"{HOOK_MARK} (salescrm init --server-hook): every pushed commit must keep the\n"
        "# team's rules as they stood before it (docs/roles.md). Reinstall to update.\n"
        "status=0\n"
        "while read -r old new ref; do\n"
        f'    {command} "$old" "$new" --ref "$ref" || status=1\n'
        "done\n"
        "exit $status\n",
        "utf-8",
    )
    hook.chmod(0o755)
    return hook
