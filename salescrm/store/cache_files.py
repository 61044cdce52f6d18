"""Where the derived index lives (the user's own cache folder, 0700) and what makes it stale."""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import sys
import zlib
from pathlib import Path

from salescrm import __version__


def cache_dir(root: Path) -> Path:
    """The folder holding the cache of the data directory at ``root``."""
    # A checksum names the folder (hashlib would cost every command ~3 ms to import); two
    # paths that share one find each other's cache foreign by its header and rebuild it.
    return trusted_cache_root() / f"{zlib.crc32(str(root.resolve()).encode()):08x}"


# Why the user's cache folder was not used, for the command line to say once; and the private
# folder used instead, removed when the command ends (``remove_private_cache``).
refusal: str | None = None
_chosen: dict[Path, Path] = {}


def trusted_cache_root() -> Path:
    """``user_cache_root()``, created 0700, when it is the user's own: a folder another user
    owns or may write to (a shared ``$XDG_CACHE_HOME``) could hold a forged cache. Then the
    command works without it, in a private temporary folder, and ``refusal`` says why."""
    global refusal
    base = user_cache_root()
    chosen = _chosen.get(base)
    if chosen is None:
        problem = _not_private(base)
        if problem is None:
            chosen = base
        else:
            import tempfile

            refusal = f"not using the cache folder {base}: {problem}; working without it (slower)"
            chosen = Path(tempfile.mkdtemp(prefix="salescrm-cache-"))  # 0700, ours alone
        _chosen[base] = chosen
    return chosen


def _not_private(folder: Path) -> str | None:
    """What makes ``folder`` unsafe to trust, or None (it is created, 0700, when missing)."""
    try:
        if not os.path.lexists(folder):
            folder.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                os.mkdir(folder, 0o700)
        st = os.lstat(folder)
    except OSError as error:
        return f"it cannot be made ({error.strerror})"
    if not stat.S_ISDIR(st.st_mode):
        return "it is not a folder (a link?)"
    if st.st_uid != os.getuid():
        return "another user owns it"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"others may write to it (mode {stat.S_IMODE(st.st_mode):o}; chmod 700 it)"
    return None


def remove_private_cache() -> None:
    """Remove the temporary folders ``trusted_cache_root`` used instead of the user's."""
    import shutil

    for base, chosen in list(_chosen.items()):
        if chosen != base:
            shutil.rmtree(chosen, ignore_errors=True)
            del _chosen[base]


def user_cache_root() -> Path:
    """platformdirs' ``user_cache_dir("salescrm")``. On Linux its common cases are answered
    here, as the XDG rule has it (importing platformdirs costs every command ~3 ms): an
    absolute ``$XDG_CACHE_HOME``, else ``$HOME/.cache`` for an absolute ``$HOME``."""
    if sys.platform.startswith("linux"):
        xdg, home = os.environ.get("XDG_CACHE_HOME", ""), os.environ.get("HOME", "")
        if os.path.isabs(xdg):
            return Path(xdg, "salescrm")
        if os.path.isabs(home):
            return Path(home, ".cache", "salescrm")
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("salescrm"))


@functools.cache
def code_fingerprint() -> str:
    """Changes whenever salescrm's parsing or checking code changes (an upgrade): the
    version and the size and time of each module, as text (compared, never trusted)."""
    package = Path(__file__).resolve().parent.parent
    parts = [__version__, sys.byteorder]  # rows hold machine arrays
    for folder in ("core", "store"):
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(package / folder), key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)
