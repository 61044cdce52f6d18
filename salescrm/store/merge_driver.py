"""The git merge driver for customer files: ``salescrm merge-driver %O %A %B %P``.

git hands over three temporary files (base, ours, theirs) and expects the merge
in ours; a non-zero exit marks the file as conflicted. Whatever happens, the file
left in ours is whole, valid YAML: on a conflict it holds every clean merge and
our value where the two sides disagree, and the conflicts are reported.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from salescrm.core.errors import DamagedError, Msg, UsageError
from salescrm.core.merge import KEYED_LISTS, MergeResult, merge_customer
from salescrm.core.records import customer_from_data, customer_to_data
from salescrm.store import git
from salescrm.store.atomic import write_atomic
from salescrm.store.yamlio import dump_text, load_text

DRIVER_NAME = "salescrm customer YAML merge"


def driver_command() -> str:
    """The command git runs: this very interpreter, so no PATH or venv activation is needed."""
    return f"{shlex.quote(sys.executable)} -m salescrm merge-driver %O %A %B %P"


def register(root: Path) -> None:
    """Name the driver in this clone's .git/config (which git never shares between clones)."""
    git.run(root, ["config", "merge.salescrm.name", DRIVER_NAME])
    git.run(root, ["config", "merge.salescrm.driver", driver_command()])


def merge_files(base: Path, ours: Path, theirs: Path, name: str) -> MergeResult:
    """Merge ``theirs`` into ``ours`` (git's %A) against ``base``; ``ours`` stays valid YAML."""
    base_text = _read(base, f"{name} (base)") if base.exists() else ""
    base_data = _data(base_text, f"{name} (base)") if base_text.strip() else None
    ours_data = _data(_read(ours, f"{name} (ours)"), f"{name} (ours)")
    theirs_data = _data(_read(theirs, f"{name} (theirs)"), f"{name} (theirs)")
    result = merge_customer(base_data, ours_data, theirs_data)
    customer, problems = customer_from_data(result.data, name)
    errors = [str(p) for p in problems if p.severity == "error"] + _twice_used(result.data)
    if customer is None or errors:
        # Never write a record that would not load: ours stays as it was.
        result.conflicts += errors or ["the merged record is not a valid customer"]
        return result
    write_atomic(ours, dump_text(customer_to_data(customer)).encode("utf-8"))
    return result


def _read(path: Path, name: str) -> str:
    """A side's text; a missing file or a folder is bad usage, bytes that are not UTF-8 damage."""
    if not path.is_file():
        raise UsageError(
            Msg("{name}: no such file {path}", name=name, path=path),
            hint=Msg("git runs: salescrm merge-driver %O %A %B %P"),
        )
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:
        raise DamagedError(Msg("{name}: is not UTF-8 text", name=name)) from None


def _data(text: str, name: str) -> dict[str, Any]:
    """The file's data, normalised through the model so that both sides compare alike."""
    data = load_text(text, name)
    if not isinstance(data, dict):
        raise DamagedError(Msg("{name}: is not a customer mapping", name=name))
    customer, _ = customer_from_data(data, name)
    return customer_to_data(customer) if customer is not None else data


def _twice_used(data: dict[str, Any]) -> list[str]:
    found = []
    for key, ident in KEYED_LISTS.items():
        seen: set[str] = set()
        for item in data.get(key) or []:
            value = str(item.get(ident)) if isinstance(item, dict) else ""
            if value in seen:
                found.append(f"{key}: {ident} {value!r} is used twice")
            seen.add(value)
    return found
