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
    from collections.abc import Callable
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
    from salescrm.store.outputs import check_output, write_output

    s = session(ctx)
    target = check_output(s.datadir, out_file) if out_file else None
    if fmt == ExportFormat.sqlite and target is None:
        raise UsageError(Msg("a SQLite export needs a file"), hint=Msg("add --out customers.sqlite"))
    if owner and fmt != ExportFormat.ics:
        raise UsageError(
            Msg("--owner applies to export ics only"), hint=Msg("use --where 'owner = zhang.wei'")
        )
    chosen = _chooser(s, where, as_of)
    customers = sorted(filter(chosen, s.customers(s.today(as_of))), key=lambda c: c.id)
    if redact:  # every format, the calendar's birthday events too
        customers = [redacted(c) for c in customers]
    if fmt == ExportFormat.ics:
        from salescrm.cli.calendar import export_calendar

        export_calendar(s, customers, owner, s.today(as_of), target)
        return
    if target is not None and fmt == ExportFormat.sqlite:
        from salescrm.formats.sqlite import write_sqlite

        write_sqlite(target, customers, s.today(as_of))
    else:
        data = _text(fmt, customers, s.today(as_of))
        if target is None:
            out(data)
            return
        write_output(target, data.encode("utf-8"))
    exported = (
        Msg("exported 1 customer to {path}", path=str(target))
        if len(customers) == 1
        else Msg("exported {count} customers to {path}", count=len(customers), path=str(target))
    )
    out(say(exported, s.lang) + "\n")


def _chooser(s: Session, where: str | None, as_of: str | None) -> Callable[[Customer], bool]:
    """Every customer, or those ``where`` picks; the query is parsed before anything is read or written."""
    if where is None:
        return lambda customer: True
    from salescrm.cli.query import selection

    return selection(s, where, as_of)


def _text(fmt: ExportFormat, customers: list[Customer], day: date) -> str:
    if fmt == ExportFormat.csv:
        from salescrm.core.exports import CSV_COLUMNS, customer_row
        from salescrm.formats.csvio import csv_text

        rows = [[customer_row(c, day)[k] for k in CSV_COLUMNS] for c in customers]
        return "\ufeff" + csv_text(CSV_COLUMNS, rows)  # the BOM makes Excel read UTF-8
    if fmt == ExportFormat.json:
        from salescrm.cli.render import to_json
        from salescrm.core.records import customer_to_data

        return to_json([customer_to_data(c) for c in customers])
    from salescrm.formats.vcard import vcards

    return vcards(customers)


def register(app: typer.Typer) -> None:
    app.command()(export)
