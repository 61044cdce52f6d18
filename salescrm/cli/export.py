"""``salescrm export``: the customers as CSV, JSON, vCard or SQLite, optionally redacted;
the follow-up calendar as iCalendar."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from salescrm.cli.context import Session, out, session
from salescrm.core.errors import Msg
from salescrm.i18n import say

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from datetime import date

    from salescrm.core.model import Customer


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    vcard = "vcard"
    sqlite = "sqlite"
    ics = "ics"


def export(
    ctx: typer.Context,
    fmt: ExportFormat = typer.Argument(..., metavar="csv|json|vcard|sqlite|ics", help="The file format."),
    out_file: Path = typer.Option(None, "--out", help="Write to this file (sqlite needs one); else stdout."),
    redact: bool = typer.Option(
        False,
        "--redact",
        help="Mask contact names, titles, phones and e-mails (e.g. 王*理, 138****5678), in every format.",
    ),
    owner: str = typer.Option(None, "--owner", help="ics: only this member's tasks and customers."),
    where: str = typer.Option(
        None, "--where", help="Only the customers this query picks (docs/query.md), e.g. 'tier = VIP'."
    ),
    as_of: str = typer.Option(
        None, "--as-of", help="Export the records as they stood on this day (default: today)."
    ),
) -> None:
    """Export every customer: CSV (Excel-ready, formulas neutralised, with what each still
    owes), JSON (complete, payments too), vCard (contacts) or SQLite (one table per record
    kind, payment plans, receipts and receivables among them, for BI tools); or the follow-up
    calendar (open tasks, cadence days, cared-for birthdays, installments due) as iCalendar.

    --where picks the customers `salescrm query EXPR` lists (archived ones only when
    it names `archived`); a query that does not parse writes nothing.

    Example: salescrm export csv --out 客户.csv --redact
    Example: salescrm export json --where 'tier = VIP and owner = zhang.wei'
    Example: salescrm export ics --owner zhang.wei --out zhang.wei.ics
    """
    from salescrm.core.errors import UsageError
    from salescrm.core.redact import redacted
    from salescrm.store.outputs import check_output

    s = session(ctx)
    target = check_output(s.datadir, out_file) if out_file else None
    if fmt == ExportFormat.sqlite and target is None:
        raise UsageError(Msg("a SQLite export needs a file"), hint=Msg("add --out customers.sqlite"))
    if owner and fmt != ExportFormat.ics:
        raise UsageError(
            Msg("--owner applies to export ics only"), hint=Msg("use --where 'owner = zhang.wei'")
        )
    chosen = _chooser(s, where, as_of)
    day = s.today(as_of)
    counted = _Counted(filter(chosen, s.each_customer(day)))  # one at a time: 10,000 are ~300 MB
    customers: Iterable[Customer] = (
        map(redacted, counted) if redact else counted
    )  # the calendar's birthdays too
    if fmt == ExportFormat.ics:
        from salescrm.cli.calendar import export_calendar

        export_calendar(s, customers, owner, day, target)
        return
    if target is not None and fmt == ExportFormat.sqlite:
        from salescrm.formats.sqlite import write_sqlite

        write_sqlite(target, customers, day)
    elif target is None:
        for text in _text(fmt, customers, day):
            out(text)
        return
    else:
        from salescrm.store.atomic import atomic_file

        with atomic_file(target) as handle:
            for text in _text(fmt, customers, day):
                handle.write(text.encode("utf-8"))
    exported = (
        Msg("exported 1 customer to {path}", path=str(target))
        if counted.count == 1
        else Msg("exported {count} customers to {path}", count=counted.count, path=str(target))
    )
    out(say(exported, s.lang) + "\n")


class _Counted:
    """The customers exported, counted as they pass."""

    def __init__(self, customers: Iterable[Customer]) -> None:
        self.customers = customers
        self.count = 0

    def __iter__(self) -> Iterator[Customer]:
        for customer in self.customers:
            self.count += 1
            yield customer


def _chooser(s: Session, where: str | None, as_of: str | None) -> Callable[[Customer], bool]:
    """Every customer, or those ``where`` picks; the query is parsed before anything is read or written."""
    if where is None:
        return lambda customer: True
    from salescrm.cli.query import selection

    return selection(s, where, as_of)


def _text(fmt: ExportFormat, customers: Iterable[Customer], day: date) -> Iterator[str]:
    """The export's text, a customer at a time."""
    if fmt == ExportFormat.csv:
        from salescrm.core.exports import CSV_COLUMNS, customer_row
        from salescrm.formats.csvio import csv_lines

        rows = ([customer_row(c, day)[k] for k in CSV_COLUMNS] for c in customers)
        yield "\ufeff"  # the BOM makes Excel read UTF-8
        yield from csv_lines(CSV_COLUMNS, rows)
    elif fmt == ExportFormat.json:
        from salescrm.cli.render import json_list
        from salescrm.core.records import customer_to_data

        yield from json_list(customer_to_data(c) for c in customers)
    else:
        from salescrm.formats.vcard import vcards

        yield from vcards(customers)


def register(app: typer.Typer) -> None:
    app.command()(export)
