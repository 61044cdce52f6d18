"""Atomic file writes: a killed process leaves the old file or the new one, never a torn one."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".salescrm-tmp-"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync, rename."""
    with atomic_file(path) as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write ``path`` through, bit by bit (an export of every customer holds none
    of them): a temporary file in the same folder, fsynced and renamed once the block ends,
    deleted if it fails."""
    import tempfile  # imported by the commands that write (a read command never does)

    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename itself is only durable once the directory entry is on disk.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_leftovers(folder: Path, names: list[str] | None = None) -> int:
    """Delete temporary files a killed writer left behind; call it holding the lock.
    ``names``: the folder's listing, when the caller has it (a glob costs ~8 ms at 10,000 files)."""
    removed = 0
    if names is None:
        names = os.listdir(folder) if folder.is_dir() else []
    for name in names:
        if name.startswith(TEMP_PREFIX):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / name)
                removed += 1
    return removed
