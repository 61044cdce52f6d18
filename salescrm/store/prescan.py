"""The stat of every customer file, taken on the other core while the command line starts.

git's preload-index stats the working tree on several threads. In Python the GIL would
serialise them, so a read command forks instead, before it imports typer and the command
(~45 ms): the child lists customers/ and stats every file (~30 ms at 10,000 customers), and
the cache takes its answer when it needs the scan (``RecordCache._scan``). The child is forked
from a process that has imported next to nothing, so it copies next to nothing.

The answer is only a head start, never trusted more than a scan of its own: it names the folder
it scanned (by device and inode, so no spelling of a path can mistake it), it is used once, and
its start time becomes the command's (the cache's racy rule counts from it). A child that fails
or scanned another folder gives no answer, and the cache scans as it always did.

A write (``customer add``'s duplicate check) must see every file as it is while it holds the
lock. The child lists and scans holding the lock shared, and notes the lock's generation (each
writer adds one as it takes the lock, before it writes: ``store/lock.py``); the write takes the
listing and the scan as it takes the lock (``DataDir.transaction``), only if it finds the same
generation there. A writer that held the lock in between, even one killed half-way, makes the
write list and scan again. The child also names the temporary files a killed writer left.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from salescrm.store.scan import LOCAL_DIR, LOCK_NAME, Scan, customer_names

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
            from salescrm.store.atomic import TEMP_PREFIX

            with _idle_writers(folder) as generation:
                listing = os.listdir(folder)
                packed, newest = Scan.of_folder(folder, customer_names(listing)).pack()
            leftovers = [name for name in listing if name.startswith(TEMP_PREFIX)]  # a killed writer's
            data = memoryview(marshal.dumps((packed, newest, generation, leftovers)))
            while data:
                data = data[os.write(out, data) :]
        finally:
            os._exit(0)
    os.close(out)
    _pending = _Pending((st.st_dev, st.st_ino), pid, answer, started_ns)


@contextlib.contextmanager
def _idle_writers(folder: str) -> Iterator[int | None]:
    """While no writer holds the data directory's lock, hold it shared and give its
    generation (store/lock.py); None when a writer holds it, or none ever took it."""
    import fcntl

    from salescrm.store.lock import generation

    try:
        # Never through a link, never blocking on a FIFO: a commit may have put either there
        # (store/lock.py refuses them when a command writes).
        lock_file = os.path.join(os.path.dirname(folder), LOCAL_DIR, LOCK_NAME)
        fd = os.open(lock_file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        yield None
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            yield None
            return
        yield generation(fd)
    finally:
        os.close(fd)  # and with it the shared lock


class Early(NamedTuple):
    scan: Scan  # packed
    started_ns: int  # when the child began
    leftovers: list[str]  # temporary files a killed writer left in the folder


def take(folder: Path, generation: int | None = None) -> Early | None:
    """The child's scan of ``folder``, once; None when no child was started, it failed, or it
    scanned another folder. ``generation``: a writer's, who holds the lock and found that
    generation in it — the scan must have been taken under the shared lock at the same one
    (no writer has held the lock since: the listing is current too)."""
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
        (names, stats), newest, scanned_at, leftovers = marshal.loads(b"".join(chunks))
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (st.st_dev, st.st_ino) != pending.folder or not (
        isinstance(names, bytes) and isinstance(stats, bytes) and isinstance(newest, int)
    ):
        return None
    if generation is not None and scanned_at != generation:
        return None
    return Early(Scan(None, None, (names, stats), newest), pending.started_ns, leftovers)
