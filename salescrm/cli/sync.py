"""``salescrm sync``, ``salescrm log`` and the git merge driver: sharing the data over git."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from salescrm.cli.context import Session, out, session
from salescrm.cli.customer_argument import customer_argument
from salescrm.cli.render import FORMAT_OPTION, Format, render
from salescrm.core.errors import CrmError, Msg
from salescrm.i18n import say


def sync(ctx: typer.Context) -> None:
    """Share with the team: commit pending work, fetch, renumber, merge, check, push.

    Only salescrm's own files are committed (customers/, attachments/, salescrm.yaml,
    .gitattributes, .gitignore); anything else in the folder is listed and left alone.
    Incoming commits holding a symbolic link or .salescrm/ are refused before merging;
    changes to members' e-mails, roles and the rules are shown as "note:" lines.

    Customers you created that the remote had already numbered get the next free
    numbers (you are told old → new); edits to the same customer merge field by
    field. When a person must decide, sync stops and says what to do.

    Example: salescrm sync
    """
    from salescrm.core.safe_text import visible
    from salescrm.store.sync import sync as run_sync

    s = session(ctx)
    for line in run_sync(s.datadir, _acting(s)):
        out(f"{visible(say(line, s.lang))}\n")  # names and e-mails of a commit that came by git


def _acting(s: Session) -> str:
    """sync also runs for someone who is not (yet) a member: the commit names git's user."""
    try:
        return s.member
    except CrmError:
        from salescrm.store.git import user_email

        return user_email(s.datadir.root) or "unknown"


def merge_driver(
    base: Path = typer.Argument(..., help="%O: the common ancestor."),
    ours: Path = typer.Argument(..., help="%A: our version; the merge is written here."),
    theirs: Path = typer.Argument(..., help="%B: their version."),
    name: str = typer.Argument("customer file", help="%P: the file's path in the repository."),
) -> None:
    """Three-way merge of one customer file, for git (registered by init and sync).

    Exits 4 when the two sides changed a value differently; the file then holds
    every clean merge and our value at each conflict, and stays valid YAML.

    Example: salescrm merge-driver %O %A %B %P
    """
    from salescrm.core.errors import ConflictError
    from salescrm.store.merge_driver import merge_files

    result = merge_files(base, ours, theirs, name)
    for line in result.renumbered:
        print(f"salescrm: {name}: renumbered {line}", file=sys.stderr)
    if not result.clean:
        for conflict in result.conflicts:
            print(f"conflict: {name}: {conflict}", file=sys.stderr)
        raise ConflictError(
            Msg(
                "{name}: {count} value(s) changed differently on both sides",
                name=name,
                count=len(result.conflicts),
            )
        )


LOG_COLUMNS = ["when", "who", "command", "records", "author"]


def log(
    ctx: typer.Context,
    customer_id: str = customer_argument(),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """One customer's history from git: when, who, which command, newest first.

    "who" is the member the command ran as (--as or $SALESCRM_USER: anyone can claim any
    member); "author" is git's author of the commit.

    Example: salescrm log CRM202405001
    """
    from salescrm.store.history import customer_history

    s = session(ctx)
    rows = [vars(entry) for entry in customer_history(s.datadir, customer_id)]
    out(render(rows, LOG_COLUMNS, fmt, s.lang))


def register(app: typer.Typer) -> None:
    app.command()(sync)
    app.command()(log)
    app.command("merge-driver", hidden=True)(merge_driver)
