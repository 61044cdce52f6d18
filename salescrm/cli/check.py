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
    from salescrm.core.errors import Msg
    from salescrm.core.safe_text import visible
    from salescrm.i18n import say
    from salescrm.store.checking import check_all

    s = session(ctx)
    problems = check_all(s.datadir)
    for problem in problems:
        out(visible(say(problem.said, s.lang)) + "\n")  # a file name or value can hold anything
    errors = sum(1 for p in problems if p.severity == "error")
    if errors:
        found = (
            Msg("{count} error found", count=errors)
            if errors == 1
            else Msg("{count} errors found", count=errors)
        )
        out(say(found, s.lang) + "\n")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(check)
