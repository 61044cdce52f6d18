"""``salescrm init``: create a data directory."""

from __future__ import annotations

from pathlib import Path

import typer

from salescrm.cli.context import out, session
from salescrm.core.errors import Msg
from salescrm.i18n import say


def init(
    ctx: typer.Context,
    directory: Path = typer.Argument(..., help="Where to create the data directory."),
    team: str = typer.Option("销售团队", "--team", help="The team's name."),
    no_git: bool = typer.Option(False, "--no-git", help="Do not make it a git repository."),
    server_hook: bool = typer.Option(
        False, "--server-hook", help="DIR is the team's bare repository: install the pre-receive hook."
    ),
) -> None:
    """Create a data directory: commented salescrm.yaml, customers/, attachments/, git.
    With --server-hook, install into the bare repository DIR a pre-receive hook that
    refuses pushed commits breaking the team's rules (salescrm verify).

    Example: salescrm init ~/crm --team 华东销售一部   or: salescrm init --server-hook /srv/git/crm.git
    """
    from salescrm.core.parse import parse_text

    if server_hook:
        from salescrm.store.verify import install_hook

        out(f"installed {install_hook(directory)}\n")
        return
    from salescrm.store.datadir import init_data_dir

    init_data_dir(directory, parse_text(team, "team name", 100), use_git=not no_git)
    lang = session(ctx).lang
    out(say(Msg("created {path}", path=str(directory)), lang) + "\n")
    out(
        say(
            Msg(
                "next: salescrm --data {path} member add YOUR.ID --name YOUR-NAME --role manager",
                path=str(directory),
            ),
            lang,
        )
        + "\n"
    )


def register(app: typer.Typer) -> None:
    app.command()(init)
