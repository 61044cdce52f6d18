"""``salescrm log``: one customer's commits, following it through renumbering and merges.

A customer's file can change name: ``sync`` renumbers a new customer whose number a
teammate took first (``salescrm sync: renumber OLD → NEW``), and ``customer merge`` folds
another customer in (its number becomes an alias). Git's ``--follow`` guesses renames by
content and, after a renumbering, mixes the two customers that held one number; here the
renumber commits say exactly which commits of which path belong to whom:

- the path ``customers/N.yaml`` up to a commit that renumbered N away belongs to the
  customer renumbered (it is left out of N's history, unless we are following that one);
- a customer created by renumbering OLD → N has OLD's history before that commit too;
- a customer's aliases (numbers merged into it) bring their histories along.
"""

from __future__ import annotations

import re
from pathlib import Path

from salescrm.core.errors import Msg, NotFoundError, UsageError
from salescrm.core.history import Change, change_of
from salescrm.store import git
from salescrm.store.datadir import DataDir

_SEPARATOR = "\x1f"
_RENUMBER = "salescrm sync: renumber "
_MOVE = re.compile(r"(CRM\d{9,10}) → (CRM\d{9,10})")

Renumbering = tuple[str, str, str]  # commit, old number, new number


def customer_history(datadir: DataDir, customer_id: str) -> list[Change]:
    """Newest first."""
    path = datadir.path_of(customer_id)  # checks the number first
    if not git.is_repository(datadir.root):
        raise UsageError(
            Msg("{root} is not a git repository, so there is no history", root=datadir.root),
            hint=Msg("histories come from git: salescrm init makes the data directory a repository"),
        )
    number, aliases = customer_id, []
    if not path.exists() and (merged_into := datadir.alias_of(customer_id)) is not None:
        number = merged_into  # a number merged into another: that customer's history
    if datadir.path_of(number).exists():
        aliases = datadir.read_customer(number).aliases
    renumbered = _renumberings(datadir.root)
    found: dict[str, tuple[int, list[str]]] = {}
    for each in dict.fromkeys([number, *aliases]):
        _collect(datadir.root, each, "HEAD", None, renumbered, found)
    if not found and not path.exists():
        raise NotFoundError(
            Msg("no such customer {stem}", stem=path.stem), hint=Msg("list them with: salescrm customer list")
        )
    newest_first = sorted(found.values(), key=lambda item: -item[0])
    return [change_of(*fields) for _, fields in newest_first]


def _renumberings(root: Path) -> list[Renumbering]:
    """Every ``sync`` renumbering in HEAD's history: (commit, old, new)."""
    result = git.run(root, ["log", "HEAD", "--fixed-strings", f"--grep={_RENUMBER}", "--format=%H %s"],
                     check=False)  # fmt: skip
    found = []
    for line in result.stdout.splitlines():
        commit, _, subject = line.partition(" ")
        if subject.startswith(_RENUMBER):
            found += [(commit, old, new) for old, new in _MOVE.findall(subject)]
    return found


def _collect(root: Path, number: str, tip: str, through: str | None, renumbered: list[Renumbering],
             found: dict[str, tuple[int, list[str]]]) -> None:  # fmt: skip
    """Add the commits of customer ``number`` reachable from ``tip`` to ``found`` (by hash:
    commit time, then the fields ``change_of`` reads). ``through``: the renumbering that
    brought us here from the customer's later number."""
    away = [f"^{commit}" for commit, old, _ in renumbered if old == number and commit != through]
    fields = ["%H", "%ct", "%aI", "%an <%ae>", "%s"]
    result = git.run(root, ["log", tip, *away, f"--format={_SEPARATOR.join(fields)}", "--",
                            f"customers/{number}.yaml"], check=False)  # fmt: skip
    for line in result.stdout.splitlines():
        if line.strip():
            commit, seconds, *rest = line.split(_SEPARATOR, 4)
            found.setdefault(commit, (int(seconds), rest))
    for commit, old, new in renumbered:
        if new == number and _reaches(root, commit, tip):
            _collect(root, old, f"{commit}^", commit, renumbered, found)


def _reaches(root: Path, commit: str, tip: str) -> bool:
    return git.run(root, ["merge-base", "--is-ancestor", commit, tip], check=False).returncode == 0
