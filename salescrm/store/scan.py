"""Finding the data directory, and listing and statting its customer files.

What tells the index which files changed (``store/index.py``). It imports nothing but
``os`` and ``array``: the installed command finds the data directory with it before importing anything else.
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping

CONFIG_NAME = "salescrm.yaml"
LOCAL_DIR = ".salescrm"  # git-ignored: the lock and other per-clone state
LOCK_NAME = "lock"


def data_root(explicit: str | None, environ: Mapping[str, str], cwd: str) -> str | None:
    """``--data``, else ``$SALESCRM_DATA``, else the nearest ancestor holding salescrm.yaml,
    else ``./data`` when it holds one (DESIGN §2); None when the one chosen holds none."""
    chosen = explicit or environ.get("SALESCRM_DATA")
    if chosen:
        root = os.path.expanduser(chosen)
        return root if os.path.isfile(os.path.join(root, CONFIG_NAME)) else None
    folder = cwd
    while True:
        if os.path.isfile(os.path.join(folder, CONFIG_NAME)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    data = os.path.join(cwd, "data")
    return data if os.path.isfile(os.path.join(data, CONFIG_NAME)) else None


def customer_names(listing: list[str]) -> list[str]:
    """The customer files of a listing of customers/, sorted (temporary files start with a dot)."""
    return sorted(name for name in listing if name.endswith(".yaml") and name[0] != ".")


def key_of(st: os.stat_result) -> list[int]:
    """A file's stat key: what changes when its content may have (the cache's rule)."""
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


def stat_keys(folder: str, names: list[str]) -> tuple[list[str], array[int]]:
    """The files of ``names`` still in ``folder``, and their stat keys — size, mtime_ns,
    inode, ctime_ns: four ints a file, in one flat array (compared as one byte string)."""
    # By name relative to the open folder: a third less time than DirEntry.stat.
    fd = os.open(folder, os.O_RDONLY) if os.stat in os.supports_dir_fd else None
    flat = array("q")
    add = flat.extend
    gone = []
    try:
        for name in names:
            try:
                if fd is not None:
                    st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                else:
                    st = os.lstat(os.path.join(folder, name))
            except FileNotFoundError:  # removed since the listing: gone
                gone.append(name)
                continue
            add(key_of(st))
    finally:
        if fd is not None:
            os.close(fd)
    if gone:
        missing = set(gone)
        names = [name for name in names if name not in missing]
    return names, flat


class Scan:
    """Every customer file's name (``customers/…``) and stat key, the keys one flat list
    (four numbers a file): what the index compares with its rows."""

    def __init__(self, names: list[str], stats: array[int]) -> None:
        self.names, self.stats = names, stats

    @classmethod
    def of_folder(cls, folder: str, names: list[str]) -> Scan:
        """The scan of the customer files ``names`` (a listing of ``folder``)."""
        names, flat = stat_keys(folder, names)
        return cls(["customers/" + name for name in names], flat)

    def __len__(self) -> int:
        return len(self.names)

    def key(self, name: str) -> list[int] | None:
        """The stat key of ``name``, None when it is not in the scan."""
        at = self._at(name)
        return None if at is None else self.stats[4 * at : 4 * at + 4].tolist()

    def put(self, name: str, key: list[int]) -> None:
        """Give ``name`` the stat key ``key``, adding it in name order when it is new."""
        at = self._at(name)
        if at is None:
            at = bisect_left(self.names, name)
            self.names.insert(at, name)
            self.stats[4 * at : 4 * at] = array("q", key)
        else:
            self.stats[4 * at : 4 * at + 4] = array("q", key)

    def remove(self, name: str) -> None:
        at = self._at(name)
        if at is not None:
            del self.names[at]
            del self.stats[4 * at : 4 * at + 4]

    def _at(self, name: str) -> int | None:
        at = bisect_left(self.names, name)  # the names are sorted
        return at if at < len(self.names) and self.names[at] == name else None

    def items(self) -> Iterator[tuple[str, list[int]]]:
        stats = self.stats
        for i, name in enumerate(self.names):
            yield name, stats[4 * i : 4 * i + 4].tolist()
