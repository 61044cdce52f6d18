"""``salescrm log``: one customer's commits, following the file through renumbering."""

from __future__ import annotations

from salescrm.core.errors import NotFoundError, UsageError
from salescrm.core.history import Change, change_of
from salescrm.store import git
from salescrm.store.datadir import DataDir

_SEPARATOR = "\x1f"


def customer_history(datadir: DataDir, customer_id: str) -> list[Change]:
    """Newest first."""
    path = datadir.path_of(customer_id)  # checks the number first
    if not git.is_repository(datadir.root):
        raise UsageError(
            f"{datadir.root} is not a git repository, so there is no history",
            hint="histories come from git: salescrm init makes the data directory a repository",
        )
    relative = datadir.relative(path)
    result = git.run(
        datadir.root,
        ["log", "--follow", f"--format=%aI{_SEPARATOR}%an <%ae>{_SEPARATOR}%s", "--", relative],
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if not lines and not path.exists():
        raise NotFoundError(f"no such customer {path.stem}", hint="list them with: salescrm customer list")
    return [change_of(*line.split(_SEPARATOR, 2)) for line in lines]
