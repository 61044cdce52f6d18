"""Copying a user's file into ``attachments/<customer>/`` under a safe, unique name.

Nothing of the user's path survives: only the last part of the file name, cleaned
to letters (Chinese too), digits, ``.``, ``-`` and ``_``. The copy is queued on the
transaction, so a command that fails later copies nothing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from salescrm.core.config import Config
from salescrm.core.errors import Msg, UsageError
from salescrm.core.ids import check_customer_id
from salescrm.store.datadir import DataDir, Transaction

_UNSAFE = re.compile(r"[^\w.\-]+")
MAX_NAME = 80


def attach(tx: Transaction, datadir: DataDir, customer_id: str, source_path: str, config: Config) -> str:
    """Queue a copy of ``source_path``; returns its path relative to the data directory,
    e.g. ``attachments/CRM202405001/needs.pdf``.

    Refused (exit 2): a missing file, a folder, a symbolic link, a file larger than
    ``config.attachment_max_mb``.
    """
    source = Path(source_path).expanduser()
    _check_source(source, source_path, config)
    folder = datadir.attachments_dir / check_customer_id(customer_id)
    target = folder / unique_name(safe_name(source.name), _taken(tx, folder))
    tx.copy_in(source, target)
    return datadir.relative(target)


def _check_source(source: Path, given: str, config: Config) -> None:
    if source.is_symlink():
        raise UsageError(
            Msg("{given} is a symbolic link", given=given), hint=Msg("attach the file it points to")
        )
    if not source.exists():
        raise UsageError(Msg("no such file {given}", given=given))
    if not source.is_file():
        raise UsageError(Msg("{given} is not a file", given=given), hint=Msg("attach one file at a time"))
    if not os.access(source, os.R_OK):
        raise UsageError(Msg("{given} cannot be read (permission denied)", given=given))
    size = source.stat().st_size
    if size > config.attachment_max_mb * 1024 * 1024:
        raise UsageError(
            Msg(
                "{given} is {value:.1f} MB; attachments are at most {attachment_max_mb} MB",
                given=given,
                value=size / 1024 / 1024,
                attachment_max_mb=config.attachment_max_mb,
            ),
            hint=Msg("attachments: max_mb in salescrm.yaml sets the limit"),
        )


def safe_name(name: str) -> str:
    """A file name that is a plain name and nothing else: ``../../x y.pdf`` → ``x_y.pdf``."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    cleaned = _UNSAFE.sub("_", base).strip("._-")
    if not cleaned:
        return "file"
    stem, dot, ext = cleaned.rpartition(".")
    if not dot:
        return cleaned[:MAX_NAME]
    return f"{stem[: MAX_NAME - len(ext) - 1]}.{ext[:10]}"


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``stem-2.ext``, ``stem-3.ext``, … when it is taken (compared without case)."""
    lowered = {t.casefold() for t in taken}
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, number = name, 1
    while candidate.casefold() in lowered:
        number += 1
        candidate = f"{stem}-{number}{dot}{ext}"
    return candidate


def _taken(tx: Transaction, folder: Path) -> set[str]:
    names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    # Copies queued earlier in this command are not on disk yet.
    names.update(target.name for _, target in tx._copies if target.parent == folder)
    return names
