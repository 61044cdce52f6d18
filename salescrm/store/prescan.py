"""The stat of every customer file, taken on the other core while the command line starts.

git's preload-index stats the working tree on several threads. In Python the GIL would
serialise them, so a read command forks instead, before it imports typer and the command
(~45 ms): the child lists customers/ and stats every file (~30 ms at 10,000 customers), and
the cache takes its answer when it needs the scan (``RecordCache._scan``). The child is forked
from a process that has imported next to nothing, so it copies next to nothing.

The answer is only a head start, never trusted more than a scan of its own: it names the folder
it scanned (by device and inode, so no spelling of a path can mistake it), it is used once,
never under a write's lock (a write lists and stats the folder itself while it holds the lock),
and its start time becomes the command's (the cache's racy rule counts from it). A child that
fails or scanned another folder gives no answer, and the cache scans as it always did.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import time
from typing import TYPE_CHECKING, NamedTuple

from salescrm.store.scan import Scan, customer_names

if TYPE_CHECKING:
    from pathlib import Path


class _Pending(NamedTuple):
    folder: tuple[int, int]  # (st_dev, st_ino) of the folder scanned
    pid: int
    answer: int  # the pipe's end to read the answer from
    started_ns: int


_pending: _Pending | None = None


def start(folder: str) -> None:
    """Fork a child that scans ``folder`` (call it before importing much: the child copies it)."""
    global _pending
    if _pending is not None or not hasattr(os, "fork"):
        return
    try:
        st = os.stat(folder)
        started_ns = time.time_ns()
        answer, out = os.pipe()
        pid = os.fork()
    except OSError:
        return
    if pid == 0:  # the child: scan, answer, and leave without running anything else
        try:
            gc.disable()  # 50,000 small acyclic objects, as in cli/main.py
            os.close(answer)
            packed, newest = Scan.of_folder(folder, customer_names(os.listdir(folder))).pack()
            data = memoryview(marshal.dumps((packed, newest)))
            while data:
                data = data[os.write(out, data) :]
        finally:
            os._exit(0)
    os.close(out)
    _pending = _Pending((st.st_dev, st.st_ino), pid, answer, started_ns)


def take(folder: Path) -> tuple[Scan, int] | None:
    """The child's scan of ``folder`` (packed) and when it began, once; None when no child
    was started, it failed, or it scanned another folder."""
    global _pending
    pending, _pending = _pending, None
    if pending is None:
        return None
    chunks = []
    try:
        while chunk := os.read(pending.answer, 1 << 20):
            chunks.append(chunk)
    except OSError:
        chunks = []
    finally:
        os.close(pending.answer)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pending.pid, 0)
    try:
        st = os.stat(folder)
        (names, stats), newest = marshal.loads(b"".join(chunks))
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (st.st_dev, st.st_ino) != pending.folder or not (
        isinstance(names, bytes) and isinstance(stats, bytes) and isinstance(newest, int)
    ):
        return None
    return Scan(None, None, (names, stats), newest), pending.started_ns
