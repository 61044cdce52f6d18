"""The CUSTOMER argument of every command: a number, or a name fragment, its pinyin or
initials, a contact or a phone fragment, resolved to the one customer it names
(``core/find.py``), and completed in the shell with numbers and names."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from collections.abc import Iterable

    from salescrm.cli.context import Session
    from salescrm.core.model import Customer

HELP = "The customer: its number, or part of its name, pinyin or initials (qmkj), or of a phone."


def customer_number(s: Session, text: str) -> str:
    """The number of the customer ``text`` names. A number is taken as it is, without
    reading any other customer; anything else is searched in the cache's ``find`` summary."""
    from salescrm.core.find import as_number, choose

    number = as_number(text)
    if number is not None:
        return number
    return choose(text, s.summaries("find", s.today()))


def _session(ctx: typer.Context) -> Session:
    from salescrm.cli.context import session

    return session(ctx.find_root())  # type: ignore[arg-type]


def resolve(ctx: typer.Context, value: str | None) -> str | None:
    """Typer callback: the argument as a customer number (None stays None)."""
    if value is None or ctx.resilient_parsing:
        return value
    return customer_number(_session(ctx), value)


def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion: the numbers starting with what is typed, each with its name."""
    from salescrm.cli.completion import customers

    return customers(ctx, incomplete)


def customer_argument(required: bool = True, metavar: str = "CUSTOMER", help: str = HELP) -> Any:
    """A CUSTOMER argument (``[CUSTOMER]`` when not ``required``)."""
    return typer.Argument(
        ... if required else None,
        metavar=metavar if required else f"[{metavar}]",
        help=help,
        callback=resolve,
        autocompletion=complete,
    )


def customer_on(s: Session, customer_id: str, day: date) -> Customer:
    """The customer ``customer_id`` names as it stood at the end of ``day`` (a customer merged
    into another later stands apart then); not found before it was added."""
    from salescrm.core.errors import Msg, NotFoundError
    from salescrm.core.timeline import standing

    found = standing(s.datadir.read_customer(customer_id), customer_id, day)
    if found is None:
        raise NotFoundError(
            Msg("no such customer {customer_id} on {day}", customer_id=customer_id, day=day),
            hint=Msg("it was added later"),
        )
    return found


def one_or_every(s: Session, customer_id: str | None, day: date) -> Iterable[Customer]:
    """The customer a listing's optional CUSTOMER names, else every customer not archived, in
    number order, one at a time (a listing keeps its rows, not 10,000 whole records); each as it
    stood at the end of ``day``."""
    if customer_id:
        return [customer_on(s, customer_id, day)]
    return (c for c in s.each_customer(day) if not c.archived)


ONLY_CUSTOMER = customer_argument(required=False, help="Only this customer (number, name, pinyin …).")


def customer_option(*names: str, help: str) -> Any:
    """A ``--customer`` style option that takes what CUSTOMER takes."""
    return typer.Option(None, *names, help=help, callback=resolve, autocompletion=complete)
