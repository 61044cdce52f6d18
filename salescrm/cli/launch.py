"""The installed ``salescrm`` command: for a command that reads every customer, start the stat
of customers/ on the other core (``store/prescan.py``), then run the command line.

It reads the command line before typer does only to guess that much: the global options in
front, and the command's words. A wrong guess costs nothing but the head start (the cache
checks which folder was scanned), so anything unusual simply starts no scan.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping

from salescrm.store import prescan
from salescrm.store.scan import data_root

# The commands whose first step is the cache's scan of every customer file (customer add:
# its duplicate check, which takes the scan only if no writer has held the lock since).
SCANNING = {
    ("remind",), ("report",), ("query",), ("export",),
    ("customer", "list"), ("customer", "add"), ("tier", "review"), ("opp", "list"), ("followup", "list"),
}  # fmt: skip
_GLOBAL_OPTIONS = {"--data", "--as", "--lang"}  # each takes a value (cli/main.py)
_GLOBAL_FLAGS = {"--wide", "--wan"}


def scan_folder(args: list[str], environ: Mapping[str, str], cwd: str) -> str | None:
    """The customers/ folder the command line ``args`` will read every file of, if it will."""
    data = None
    i = 0
    while i < len(args) and args[i].startswith("-"):
        option, given, value = args[i].partition("=")
        if option in _GLOBAL_FLAGS:
            i += 1
            continue
        if option not in _GLOBAL_OPTIONS:
            return None  # --help, --version, or a mistake for typer to report
        if not given:
            i += 1
            if i == len(args):
                return None
            value = args[i]
        if option == "--data":
            data = value
        i += 1
    words = tuple(args[i : i + 2])
    if not (words[:1] in SCANNING or words in SCANNING) or {"-h", "--help"} & set(args):
        return None
    root = data_root(data, environ, cwd)
    return None if root is None else os.path.join(root, "customers")


def main() -> None:
    gc.disable()  # from the first import on, as cli/main.py explains (typer's own: ~3 ms)
    try:
        folder = scan_folder(sys.argv[1:], os.environ, os.getcwd())
    except OSError:  # no current directory: typer and the command will say what is wrong
        folder = None
    if folder is not None:
        prescan.start(folder)
    from salescrm.cli.main import main as run

    run()
