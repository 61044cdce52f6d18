"""``salescrm check``: every problem in every file, ``file:line: message``, exit 1 if any."""

from __future__ import annotations

import typer

from salescrm.cli.context import out


def check(ctx: typer.Context) -> None:
    """Check salescrm.yaml and every customer file; list every problem.

    Exit 1 when any problem is an error (warnings alone exit 0).

    Example: salescrm --data data check
    """
    from salescrm.cli.context import session
    from salescrm.store.checking import check_all

    s = session(ctx)
    problems = check_all(s.datadir)
    for problem in problems:
        out(f"{problem}\n")
    errors = sum(1 for p in problems if p.severity == "error")
    if errors:
        out(f"{errors} error{'s' if errors != 1 else ''} found\n")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(check)
