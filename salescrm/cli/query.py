"""``salescrm query EXPR`` and ``salescrm filter save|list|delete``: the query language."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from salescrm.cli import completion
from salescrm.cli.context import Session, out, session
from salescrm.cli.render import FORMAT_OPTION, Format, render
from salescrm.core.errors import ConflictError, Msg, NotFoundError, UsageError
from salescrm.core.model import Customer

if TYPE_CHECKING:
    from salescrm.core.listrows import AnyDeal, Row
    from salescrm.core.opprows import OppDeal, OppRows
    from salescrm.core.query import Query, QueryContext, Test

filter_app = typer.Typer(
    help="Saved filters (shared in salescrm.yaml): save, list, delete.", no_args_is_help=True
)


def compiled_query(s: Session, expression: str, as_of: str | None = None) -> tuple[Query, QueryContext]:
    """``expression`` parsed (a QueryError, exit 2, when it cannot be), and the context to run it
    in: as of ``as_of``, for the acting member when it says ``owner = me``."""
    from salescrm.core.query import parse_query, query_context

    query = parse_query(expression)
    return query, query_context(s.today(as_of), s.member if query.uses_me else None, s.config)


def where_filter(s: Session, expression: str, as_of: str | None = None) -> Callable[[Row], bool]:
    """The predicate of ``expression`` over a customer's row, run as of ``as_of`` for the acting member."""
    query, context = compiled_query(s, expression, as_of)
    return lambda row: query.matches_row(row, context)


def deal_filter(
    s: Session, expression: str, as_of: str | None = None
) -> tuple[Callable[[OppRows, OppDeal], bool], list[Test]]:
    """The predicate of ``expression`` over one opportunity of a customer, as of ``as_of``:
    opportunity fields read from the deal, customer fields from its customer. Both come from
    the customer's list row in the index (``listrows.Row``; its deals in the order of ``OppRows``).
    With it, the narrowing of the customers it can match (``core.query.narrowing``), for the
    caller to read only theirs. Damaged files are left for the caller's own reading to warn of."""
    from salescrm.core.query import narrowing

    query, context = compiled_query(s, expression, as_of)
    narrow = narrowing(query, context, hide_archived=False)  # a deal of an archived customer is listed
    rows = {row.id: row for row in s.summaries("list", context.as_of, narrow)}  # warned of once a command
    deals: dict[str, list[AnyDeal]] = {}  # a customer's deals, decoded once for all of them

    def matches(customer: OppRows, deal: OppDeal) -> bool:
        row = rows.get(customer.id)
        if row is None:  # left out by the narrowing: cannot match
            return False
        if customer.id not in deals:
            deals[customer.id] = row.deals
        return query.matches_deal(row, deals[customer.id][customer.deals.index(deal)], context)

    return matches, narrow


def selection(s: Session, expression: str, as_of: str | None = None) -> Callable[[Customer], bool]:
    """The customers ``salescrm query EXPR`` lists (archived ones only when it names ``archived``)."""
    query, context = compiled_query(s, expression, as_of)
    return lambda customer: query.selects(customer, context)


def _saved(s: Session, name: str) -> str:
    filters = s.config.filters
    if name not in filters:
        known = ", ".join(filters) or "none yet"
        raise NotFoundError(
            Msg("no saved filter {name!r}", name=name), hint=Msg("saved filters: {known}", known=known)
        )
    return filters[name]


def query(
    ctx: typer.Context,
    expression: str = typer.Argument(None, metavar="[EXPR]", help="e.g. 'tier = B and followups(3m) > 5'"),
    saved: str = typer.Option(
        None, "--saved", help="Run a saved filter by name.", autocompletion=completion.saved_filters
    ),
    as_of: str = typer.Option(None, "--as-of", help="Evaluate as on this day (default: today)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List the customers a query matches (archived ones only when it mentions `archived`).

    Example: salescrm query 'tier = B and followups(3m) > 5 and tag = 需求明确'
    """
    from salescrm.cli.listing import LIST_COLUMNS, list_row
    from salescrm.core.query import narrowing

    s = session(ctx)
    if (expression is None) == (saved is None):
        raise UsageError(Msg('give a query EXPR or --saved NAME (one of them)'),
                         hint=Msg("e.g. salescrm query 'owner = me and not archived'"))  # fmt: skip
    text = _saved(s, saved) if saved else expression
    chosen, context = compiled_query(s, text, as_of)
    found = s.summaries("list", context.as_of, narrowing(chosen, context))  # the index leaves out the rest
    picked = sorted((r for r in found if chosen.selects_row(r, context)), key=lambda r: r.id)
    out(render([list_row(r, s.lang, fmt) for r in picked], LIST_COLUMNS, fmt, s.lang))


@filter_app.command("save")
def save(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The filter's name, e.g. 高潜客户."),
    expression: str = typer.Argument(..., metavar="EXPR", help="The query (checked before it is saved)."),
    replace: bool = typer.Option(False, "--replace", help="Overwrite a filter of the same name."),
) -> None:
    """Save a query under a name, in salescrm.yaml so that git shares it with the team.

    Example: salescrm filter save 高潜客户 'tier = B and followups(3m) > 5 and tag = 需求明确'
    """
    from salescrm.core.parse import parse_text
    from salescrm.core.query import parse_query
    from salescrm.store.datadir import edit_config

    s = session(ctx)
    title = parse_text(name, "filter name", 100)
    parse_query(expression)
    if title in s.config.filters and not replace:
        raise ConflictError(
            Msg("a filter named {title!r} exists: {item}", title=title, item=s.config.filters[title]),
            hint=Msg("pass --replace to overwrite it"),
        )

    def change(document: Any) -> None:
        if not document.get("filters"):
            document["filters"] = {}
        document["filters"][title] = expression.strip()

    with s.datadir.transaction("filter save", s.member) as tx:
        tx.records.append(title)
        edit_config(tx, change)
    out(f"{title}\n")


@filter_app.command("list")
def list_filters(ctx: typer.Context, fmt: Format = FORMAT_OPTION) -> None:
    """List the saved filters.

    Example: salescrm filter list -f json
    """
    s = session(ctx)
    rows = [{"name": name, "expression": text} for name, text in s.config.filters.items()]
    out(render(rows, ["name", "expression"], fmt, s.lang))


@filter_app.command("delete")
def delete(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The filter's name.", autocompletion=completion.saved_filters),
) -> None:
    """Delete a saved filter.

    Example: salescrm filter delete 高潜客户
    """
    from salescrm.store.datadir import edit_config

    s = session(ctx)
    _saved(s, name)
    with s.datadir.transaction("filter delete", s.member) as tx:
        tx.records.append(name)
        edit_config(tx, lambda document: document["filters"].pop(name))
    out(f"{name}\n")


def register(app: typer.Typer) -> None:
    app.command("query")(query)
    app.add_typer(filter_app, name="filter")
