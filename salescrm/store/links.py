"""No symbolic links inside the data directory: a commit can carry them, salescrm never follows them.

A teammate who can push can commit ``customers -> ../elsewhere`` or a link inside
``attachments/``; every later write would then land outside the repository. Every command
refuses such folders before it reads (``refuse_linked_folders``), each write checks every
folder on the way to its file (``refuse_links_on_the_way``), and ``sync`` refuses a commit
that holds a link before it merges (``store/sync.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

from salescrm.core.errors import DamagedError, Msg
from salescrm.store.scan import LOCAL_DIR

SALESCRM_FOLDERS = ("customers", "attachments", LOCAL_DIR)
HINT = Msg("remove the link and restore the folder (git log --stat shows the commit that added it)")


def refuse_linked_folders(root: Path) -> None:
    """Stop when customers/, attachments/ or .salescrm/ is a symbolic link (3 lstat calls)."""
    for name in SALESCRM_FOLDERS:
        if os.path.islink(root / name):
            raise DamagedError(
                Msg("{name}/ is a symbolic link; salescrm does not follow links", name=name), hint=HINT
            )


def refuse_links_on_the_way(root: Path, path: Path) -> None:
    """Stop when any folder between ``root`` and ``path``, or ``path`` itself, is a link."""
    relative = path.relative_to(root)
    current = root
    for part in relative.parts:
        current = current / part
        if os.path.islink(current):
            shown = current.relative_to(root)
            raise DamagedError(
                Msg("{shown} is a symbolic link; salescrm does not write through links", shown=shown),
                hint=HINT,
            )
