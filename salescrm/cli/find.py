"""``salescrm find TEXT``: customers by number, name, pinyin, initials, contact or phone."""

from __future__ import annotations

import typer

from salescrm.cli.context import out, session
from salescrm.cli.render import FORMAT_OPTION, Format, render

COLUMNS = ["id", "name", "tier", "owner"]


def find(
    ctx: typer.Context,
    text: str = typer.Argument(
        ..., metavar="TEXT", help="A number, name fragment, pinyin, initials or phone."
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Find customers as you think of them, best match first; none found exits 3.

    TEXT is a customer number, part of the name (e.g. 启明), its full pinyin (qiming) or
    initials (qmkj), a contact's name, or part of a phone number (5678). Every command's
    CUSTOMER argument takes the same, and uses the customer when exactly one matches.

    Example: salescrm find qmkj
    """
    from salescrm.core.find import no_match, search

    s = session(ctx)
    candidates = s.summaries("find", s.today())
    hits = search(text, candidates)
    if not hits:
        raise no_match(text, candidates)
    rows = [{"id": h.keys.id, "name": h.keys.name, "tier": h.keys.tier, "owner": h.keys.owner} for h in hits]
    out(render(rows, COLUMNS, fmt, s.lang))


def register(app: typer.Typer) -> None:
    app.command("find")(find)
