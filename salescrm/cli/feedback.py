"""``salescrm feedback add``: after-sales (or any department) tells the sales owner."""

from __future__ import annotations

from pathlib import Path

import typer

from salescrm.cli.context import out, session
from salescrm.cli.customer_argument import ONLY_CUSTOMER, customer_argument, one_or_every
from salescrm.cli.render import FORMAT_OPTION, Format, render

feedback_app = typer.Typer(
    help="Feedback from after-sales and other departments: add, list.", no_args_is_help=True
)


@feedback_app.command("add")
def add(
    ctx: typer.Context,
    customer_id: str = customer_argument(),
    content: str = typer.Option(..., "--content", help="What the customer reported, concretely."),
    attach: list[Path] = typer.Option([], "--attach", help="A file to attach (repeatable)."),
    at: str = typer.Option(None, "--at", help="When it happened, if earlier than now (DATE or DATE TIME)."),
    dept: str = typer.Option(None, "--dept", help="Department, if not your own (after-sales, marketing …)."),
) -> None:
    """Record feedback on a customer, tagged with your department; prints its reference.

    Example: salescrm --as zhao.svc feedback add CRM202405001 --content 两台电脑屏幕闪烁,已换货
    --attach 换货单.pdf
    """
    from salescrm.core.feedback import add_feedback
    from salescrm.store.attachments import attach as attach_file

    s = session(ctx)
    when = s.moment(at)
    member = s.config.member(s.member)
    with s.datadir.transaction("feedback add", member.id) as tx:
        customer = s.datadir.read_customer(customer_id)
        files = [attach_file(tx, s.datadir, customer.id, str(f), s.config) for f in attach]
        item = add_feedback(customer, member, content, when, files, dept)
        tx.save(customer, f"{customer.id}-{item.id}")
    out(f"{customer.id}-{item.id}\n")


LIST_COLUMNS = ["ref", "customer", "at", "by", "dept", "content", "files"]


@feedback_app.command("list")
def list_feedback(
    ctx: typer.Context,
    customer_id: str | None = ONLY_CUSTOMER,
    owner: str = typer.Option(None, "--owner", help="Only customers this member owns ('me' for you)."),
    dept: str = typer.Option(None, "--dept", help="Only from this department (e.g. after-sales or 售后)."),
    since: str = typer.Option(None, "--since", help="Only from this date on."),
    as_of: str = typer.Option(None, "--as-of", help="As they stood on this day (default: today)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List feedback from after-sales and other departments, oldest first.

    Example: salescrm feedback list --owner me --dept 售后 --since 2024-09-01
    """
    from salescrm.core.feedback import feedback_rows
    from salescrm.core.parse import parse_date
    from salescrm.i18n import label

    s = session(ctx)
    start = parse_date(since, s.today(), "--since date") if since else None
    member = s.member_option(owner)
    customers = one_or_every(s, customer_id, s.today(as_of))
    rows = feedback_rows(customers, member, dept, start)
    if fmt != Format.json:
        for row in rows:
            row["dept"] = label("department", str(row["dept"]), s.lang)
    out(render(rows, LIST_COLUMNS, fmt, s.lang))


def register(app: typer.Typer) -> None:
    app.add_typer(feedback_app, name="feedback")
