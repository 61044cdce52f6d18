"""``salescrm dev …``: tools for developers (a synthetic data directory for benchmarks)."""

from __future__ import annotations

from pathlib import Path

import typer

from salescrm.cli.context import out, session
from salescrm.core.errors import Msg
from salescrm.i18n import say

dev_app = typer.Typer(help="Developer tools: generate a synthetic data directory.", no_args_is_help=True)


@dev_app.command("generate")
def generate(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., metavar="DIR", help="Where to create the data directory."),
    customers: int = typer.Option(1000, "--customers", help="How many customers (about 20 follow-ups each)."),
    seed: int = typer.Option(1, "--seed", help="The same seed gives the same files."),
    as_of: str = typer.Option("2026-11-27", "--as-of", help="The day the data leads up to."),
) -> None:
    """Write a realistic synthetic data directory: customers in every tier and industry,
    follow-ups, open tasks, opportunities in every stage, VIP contact birthdays.

    Example: salescrm dev generate /tmp/crm10k --customers 10000 --seed 1
    """
    from salescrm.core.errors import UsageError
    from salescrm.core.parse import parse_date
    from salescrm.store.generate import Plan
    from salescrm.store.generate import generate as write

    if not 1 <= customers <= 1_000_000:
        raise UsageError(
            Msg("--customers must be between 1 and 1000000, not {customers}", customers=customers)
        )
    plan = Plan(customers, seed, parse_date(as_of, what="--as-of date"))
    written = write(folder, plan)
    done = Msg("{count} customers", count=written)
    out(f"{folder}: {say(done, session(ctx).lang)}\n")


def register(app: typer.Typer) -> None:
    app.add_typer(dev_app, name="dev")
