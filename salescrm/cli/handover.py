"""``salescrm customer transfer`` and ``salescrm member leave``: handing customers over."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from salescrm.cli.context import out, session
from salescrm.cli.customer_argument import resolve
from salescrm.core.causes import Cause
from salescrm.core.errors import Msg
from salescrm.i18n import say

REASON = typer.Option(None, "--reason", help="Why, e.g. 区域调整 (required; kept in the history).")


def transfer(
    ctx: typer.Context,
    customer_ids: list[str] = typer.Argument(..., metavar="CUSTOMER...", help="The customers to hand over."),
    to: str = typer.Option(None, "--to", help="The member who takes them over (active, a rep or manager)."),
    reason: str = REASON,
) -> None:
    """Hand customers to another member with their open deals and open tasks; closed deals
    keep the owner who won or lost them. Managers only (rule customer.owner).

    Example: salescrm customer transfer CRM202405001 CRM202406001 --to wang.fang --reason 区域调整
    """
    from salescrm.core import pool
    from salescrm.core.errors import UsageError

    s = session(ctx)
    if not to or not to.strip():
        raise UsageError(
            Msg("--to is required"), hint=Msg("name the member who takes them over, e.g. --to wang.fang")
        )
    why = pool.parse_reason(reason)
    member = pool.receiver(s.config, to)
    numbers = list(dict.fromkeys(resolve(ctx, text) or "" for text in customer_ids))
    now = s.now()
    with s.datadir.transaction("customer transfer", s.member) as tx:
        for number in numbers:
            customer = s.datadir.read_customer(number)
            moved = pool.transfer(customer, member, s.member, why, now)
            tx.save(customer, f"{customer.id} → {member.id}")
            with_moved = say(Msg(" (with {moved})", moved=", ".join(moved)), s.lang) if moved else ""
            out(f"{customer.id} → {member.id}{with_moved}\n")


def leave(
    ctx: typer.Context,
    member_id: str = typer.Argument(..., metavar="MEMBER", help="The member who leaves."),
    to: str = typer.Option(None, "--to", help="The member who takes over their customers."),
    to_pool: bool = typer.Option(False, "--pool", help="Release their customers to the pool instead."),
    reason: str = typer.Option(None, "--reason", help="Why (default: MEMBER left the team)."),
) -> None:
    """A member leaves: their customers go to --to MEMBER (or --pool) with their open deals
    and tasks, their open deals and tasks on colleagues' customers go to those customers'
    owners, and they are deactivated. Closed deals keep their owner. Managers only.

    Example: salescrm member leave chen.jie --to wang.fang
    """
    from salescrm.core import pool
    from salescrm.core.errors import UsageError
    from salescrm.core.members import set_active
    from salescrm.store.datadir import edit_config

    s = session(ctx)
    if bool(to) == to_pool:
        raise UsageError(
            Msg("give one of --to MEMBER or --pool"),
            hint=Msg("e.g. salescrm member leave chen.jie --to wang.fang"),
        )
    index = set_active(s.config, member_id.strip(), active=False)
    leaver = s.config.members[index].id
    receiver = pool.receiver(s.config, to).id if to else None
    if receiver == leaver:
        raise UsageError(
            Msg("{leaver} cannot take over their own customers", leaver=leaver),
            hint=Msg("name another member with --to"),
        )
    why = pool.parse_reason(reason) if reason is not None else Cause("left", {"member": leaver})
    with s.datadir.transaction("member leave", s.member) as tx:
        theirs = [
            f.id for f in s.summaries("remind", date.max) if pool.holds(f, leaver)
        ]  # facts, not records
        fresh = [s.datadir.read_customer(number) for number in theirs]  # afresh, under the lock
        changed = pool.leaver_handover(fresh, leaver, receiver, s.member, why, s.now())
        for customer in changed:
            tx.save(customer)
        tx.records.append(leaver)

        def deactivate(document: Any) -> None:
            document["members"][index]["active"] = False

        edit_config(tx, deactivate)
    from salescrm.i18n import say

    count = len(changed)
    customers = Msg("1 customer changed") if count == 1 else Msg("{count} customers changed", count=count)
    where = Msg("to {member}", member=receiver) if receiver else Msg("to the pool")
    summary = Msg("{leaver} deactivated; {customers}, theirs handed over {where}", leaver=leaver,
                  customers=customers, where=where)  # fmt: skip
    out(say(summary, s.lang) + "\n")


def register(app: typer.Typer) -> None:
    from salescrm.cli.customer import customer_app
    from salescrm.cli.member import members_app

    if not any(c.name == "transfer" for c in customer_app.registered_commands):  # loaded once per group
        customer_app.command("transfer")(transfer)
        members_app.command("leave")(leave)
