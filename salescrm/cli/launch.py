"""The installed ``salescrm`` command: the command line, with the cyclic garbage collector off
from the first import on (cli/main.py explains why)."""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()  # from the first import on, as cli/main.py explains (typer's own: ~3 ms)
    from salescrm.cli.main import main as run

    run()
