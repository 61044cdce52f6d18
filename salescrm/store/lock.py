"""One writer at a time per data directory.

The lock is an ``flock`` on a file that is created once and never replaced or
deleted, so two writers always lock the same inode. It lives under ``.git/`` or
the git-ignored ``.salescrm/`` folder, never in a tracked path.

The file holds a generation: every holder adds one as it takes the lock, before it
writes anything. A scan of customers/ taken under a shared lock at generation G is
therefore still current for a writer that takes the lock and finds G there: no
writer has held it since.
"""

from __future__ import annotations

import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from salescrm.core.errors import Msg


@contextmanager
def locked(lock_file: Path, timeout: float) -> Iterator[int]:
    """Hold the lock; gives the generation found in it (the holders before this one)."""
    fd = open_lock_file(lock_file)
    try:
        _acquire(fd, lock_file, timeout)
        try:
            found = generation(fd)
            os.pwrite(fd, (found + 1).to_bytes(8, "big"), 0)
            yield found
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def open_lock_file(lock_file: Path) -> int:
    """The lock file opened read-write, never through a symbolic link: a commit can carry
    ``.salescrm/lock`` (or ``.salescrm``) as a link to any file the user may write, which
    would then be opened and overwritten. Its folder and itself must be real and the file
    regular, or the command stops before anything is written."""
    folder = lock_file.parent
    if folder.is_symlink():
        _refuse(folder, "is a symbolic link")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as error:  # ELOOP: the last part is a link
        _refuse(
            lock_file,
            "is a symbolic link" if os.path.islink(lock_file) else f"cannot be opened ({error.strerror})",
        )
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        _refuse(lock_file, "is not a regular file")
    return fd


def _refuse(path: Path, what: str) -> NoReturn:
    from salescrm.core.errors import DamagedError

    raise DamagedError(
        Msg("{path} {what}; salescrm does not follow links in the data directory", path=path, what=what),
        hint=Msg(
            "remove it (a commit may have put it there: git log -- {name}), then try again",
            name=path.parent.name,
        ),
    )


def _acquire(fd: int, lock_file: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                # Imported here: core.errors brings dataclasses and inspect (~8 ms).
                from salescrm.core.errors import ConflictError

                raise ConflictError(
                    Msg(
                        "the data directory is locked by another salescrm command ({lock_file})",
                        lock_file=lock_file,
                    ),
                    hint=Msg(
                        "wait for it to finish and try again (gave up after {timeout:g}s)", timeout=timeout
                    ),
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


def generation(fd: int) -> int:
    """The generation in an open lock file (a new, empty one: 0)."""
    data = os.pread(fd, 8, 0)
    return int.from_bytes(data, "big") if len(data) == 8 else 0
