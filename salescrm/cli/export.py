"""``salescrm export …``: the data in other formats (here: iCalendar)."""

from __future__ import annotations

import typer

from salescrm.cli.context import out, session, warn_problems

export_app = typer.Typer(help="Export the data: ics.", no_args_is_help=True)


@export_app.command("ics")
def export_ics(
    ctx: typer.Context,
    owner: str = typer.Option(None, "--owner", help="Only this member's tasks and customers."),
    out_file: str = typer.Option(None, "--out", help="Write to this file instead of stdout."),
    as_of: str = typer.Option(None, "--as-of", help="Compute cadence days as of this date."),
) -> None:
    """Open tasks, cadence due days and cared-for birthdays as an iCalendar file.

    Example: salescrm export ics --owner zhang.wei --out zhang.wei.ics
    """
    from pathlib import Path

    from salescrm.core.reminders import calendar_reminders
    from salescrm.formats.ics import reminders_calendar
    from salescrm.store.atomic import write_atomic

    s = session(ctx)
    today = s.today(as_of)
    member = s.config.member(owner.strip()).id if owner else None
    loaded = s.datadir.load_all()
    warn_problems(loaded.problems)
    items = [r for r in calendar_reminders(loaded.customers, s.config, today) if member in (None, r.owner)]
    data = reminders_calendar(items, s.config.team, today, s.lang)
    if out_file:
        write_atomic(Path(out_file), data)
    else:
        out(data.decode("utf-8"))


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
