"""Files salescrm writes for people (exports, rejected rows): never over the team's data."""

from __future__ import annotations

from pathlib import Path

from salescrm.core.errors import UsageError
from salescrm.store.atomic import write_atomic
from salescrm.store.datadir import DataDir


def check_output(datadir: DataDir, path: Path, option: str = "--out") -> Path:
    """``path`` made absolute, refused inside customers/ or attachments/ (git would share it as data)
    and over salescrm's own files (salescrm.yaml, .git*, .salescrm/)."""
    target = path.expanduser().resolve()
    root = datadir.root.resolve()
    own = [root / name for name in ("salescrm.yaml", ".gitattributes", ".gitignore")]
    for folder in (datadir.customers_dir, datadir.attachments_dir, root / ".git", root / ".salescrm"):
        if target.is_relative_to(folder.resolve()) or target in own:
            raise UsageError(
                f"{option} {path}: is inside {folder.name}/, where only salescrm's own files belong"
                if target not in own
                else f"{option} {path}: is salescrm's own {target.name}",
                hint="write it somewhere else, e.g. " + option + " ~/export.csv",
            )
    if target.is_dir():
        raise UsageError(f"{option} {path}: is a folder; name a file")
    if not target.parent.is_dir():
        raise UsageError(f"{option} {path}: the folder {target.parent} does not exist")
    return target


def write_output(path: Path, data: bytes) -> None:
    write_atomic(path, data)
