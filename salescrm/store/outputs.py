"""Files salescrm writes for people (exports, rejected rows): never over the team's data."""

from __future__ import annotations

from pathlib import Path

from salescrm.core.errors import Msg, UsageError
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
                Msg(
                    "{option} {path}: is inside {name}/, where only salescrm's own files belong",
                    option=option,
                    path=path,
                    name=folder.name,
                )
                if target not in own
                else Msg(
                    "{option} {path}: is salescrm's own {name}", option=option, path=path, name=target.name
                ),
                hint="write it somewhere else, e.g. " + option + " ~/export.csv",
            )
    if target.is_dir():
        raise UsageError(Msg("{option} {path}: is a folder; name a file", option=option, path=path))
    if not target.parent.is_dir():
        raise UsageError(
            Msg(
                "{option} {path}: the folder {parent} does not exist",
                option=option,
                path=path,
                parent=target.parent,
            )
        )
    return target


def write_output(path: Path, data: bytes) -> None:
    write_atomic(path, data)
