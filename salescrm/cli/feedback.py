"""``salescrm feedback add``: after-sales (or any department) tells the sales owner."""

from __future__ import annotations

from pathlib import Path

import typer

from salescrm.cli.context import out, session
from salescrm.cli.customer_argument import customer_argument

feedback_app = typer.Typer(help="Feedback from after-sales and other departments.", no_args_is_help=True)


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
    from salescrm.core.parse import parse_when
    from salescrm.store.attachments import attach as attach_file

    s = session(ctx)
    when = parse_when(at, today=s.today(), what="--at date") if at else s.now()
    member = s.config.member(s.member)
    with s.datadir.transaction("feedback add", member.id) as tx:
        customer = s.datadir.read_customer(customer_id)
        files = [attach_file(tx, s.datadir, customer.id, str(f), s.config) for f in attach]
        item = add_feedback(customer, member, content, when, files, dept)
        tx.save(customer, f"{customer.id}-{item.id}")
    out(f"{customer.id}-{item.id}\n")


def register(app: typer.Typer) -> None:
    app.add_typer(feedback_app, name="feedback")
