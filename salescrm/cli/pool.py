"""``salescrm pool list|claim|release|recycle|rules``: the public pool (客户公海)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from salescrm.cli.context import out, session
from salescrm.cli.customer_argument import customer_argument
from salescrm.cli.render import FORMAT_OPTION, Format, render, to_json
from salescrm.core.errors import Msg
from salescrm.i18n import say, t

if TYPE_CHECKING:
    from salescrm.core.model import Customer

pool_app = typer.Typer(help="The public pool: list, claim, release, recycle, rules.", no_args_is_help=True)
LIST_COLUMNS = ["id", "name", "tier", "industry", "former_owner", "released", "reason"]
RECYCLE_COLUMNS = ["id", "name", "tier", "owner", "due", "reason"]
AS_OF = typer.Option(None, "--as-of", help="As the pool stood on this day (default: today).")


@pool_app.command("list")
def list_pool(ctx: typer.Context, as_of: str = AS_OF, fmt: Format = FORMAT_OPTION) -> None:
    """List the customers in the pool: whose they were, when and why they came back.

    Example: salescrm pool list --as-of 2026-11-27
    """
    from salescrm.core.timeline import customer_as_of

    s = session(ctx)
    day = s.today(as_of)
    pooled = [r.id for r in s.summaries("list", day) if not r.owner and not r.archived]  # no customer decoded
    found = (customer_as_of(s.datadir.read_customer(number), day) for number in pooled)  # but these
    rows = [_pool_row(c, s.lang if fmt == Format.table else "en") for c in found if c is not None]
    out(render(sorted(rows, key=lambda r: r["id"]), LIST_COLUMNS, fmt, s.lang))


def _pool_row(c: Customer, lang: str) -> dict[str, Any]:
    from salescrm.core.parse import day_of
    from salescrm.core.pool import former_owner, owner_changes

    released = [change for change in owner_changes(c) if not change.new]
    last = released[-1] if released else None
    return {"id": c.id, "name": c.name, "tier": c.tier, "industry": c.industry,
            "former_owner": former_owner(c), "released": day_of(last.at) if last else c.created,
            "reason": say(last.reason, lang) if last and last.reason else ""}  # fmt: skip


@pool_app.command("claim")
def claim(ctx: typer.Context, customer_id: str = customer_argument()) -> None:
    """Claim a customer from the pool: you become its owner (its open deals come with it).

    A rep owns at most pool.max_customers and claims at most pool.claims_per_day, and
    may not reclaim what they released within pool.cooldown_days (salescrm pool rules).

    Example: salescrm pool claim CRM202405001
    """
    from salescrm.core import pool

    s = session(ctx)
    now = s.now()
    member = s.config.member(s.member)
    with s.datadir.transaction("pool claim", s.member) as tx:
        customer = s.datadir.read_customer(customer_id)
        # Read only what the limits count: every customer's owner (its reminder facts), and
        # the customers with an event today or later (today's claims are among them).
        owners = s.summaries("remind", date.max)
        pool.check_claim(customer, member, s.config, owners, s.customers_since(now.date()), now)
        pool.claim(customer, member.id, now)
        tx.save(customer)
    out(f"{customer.id}\n")


@pool_app.command("release")
def release(
    ctx: typer.Context,
    customer_id: str = customer_argument(),
    reason: str = typer.Option(None, "--reason", help="Why it goes back, e.g. 客户暂无需求 (required)."),
) -> None:
    """Release a customer of yours to the pool; its open tasks are cancelled, its history stays.

    Example: salescrm pool release CRM202405001 --reason 客户暂无采购计划
    """
    from salescrm.core import pool

    s = session(ctx)
    why = pool.parse_reason(reason)
    with s.datadir.transaction("pool release", s.member) as tx:
        customer = s.datadir.read_customer(customer_id)
        pool.release(customer, s.member, why, s.now())
        tx.save(customer)
    out(f"{customer.id}\n")


@pool_app.command("recycle")
def recycle(
    ctx: typer.Context,
    as_of: str = typer.Option(None, "--as-of", help="Which customers are due on this day (default: today)."),
    apply: bool = typer.Option(False, "--apply", help="Release them to the pool (one commit)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List the owned customers the recycle rules send back to the pool; --apply moves them.

    Prints nothing when none is due (cron sends no mail); exit 0 either way.

    Example: salescrm pool recycle --as-of 2026-11-27      (cron: salescrm pool recycle --apply)
    """
    from salescrm.core.errors import UsageError
    from salescrm.core.recycle import due_for_recycling

    s = session(ctx)
    day = s.today(as_of)
    if apply and as_of and day != s.today():
        raise UsageError(
            Msg("--apply releases customers now: leave out --as-of"),
            hint=Msg("see first: pool recycle --as-of DAY"),
        )
    due = due_for_recycling(s.summaries("remind", day), s.config.pool, day)  # no customer decoded
    if apply and due:
        from salescrm.core.causes import recycled
        from salescrm.core.pool import release

        now = s.now()
        with s.datadir.transaction("pool recycle --apply", s.member) as tx:
            for item in due:
                customer = s.datadir.read_customer(item.customer_id)
                release(customer, s.member, recycled(*item.clock), now)
                tx.save(customer)
    from salescrm.cli.digests import clock_text

    rows = [{"id": r.customer_id, "name": r.name, "tier": r.tier, "owner": r.owner, "due": r.due,
             "reason": clock_text(r.clock, s.lang) if fmt == Format.table else r.clock.text()}
            for r in due]  # fmt: skip
    if rows or fmt == Format.json:
        out(render(rows, RECYCLE_COLUMNS, fmt, s.lang))
    if rows and fmt == Format.table:
        said = ("released" if apply else "due") + (" one" if len(rows) == 1 else "")
        out(t(s.lang, "pool", said, count=len(rows), day=day.isoformat()) + "\n")


@pool_app.command("rules")
def rules(ctx: typer.Context, fmt: Format = FORMAT_OPTION) -> None:
    """Show the pool's rules (salescrm.yaml pool:): recycling per tier and the claim limits.

    Example: salescrm pool rules
    """
    from salescrm.core.pool_rules import rules_data

    s = session(ctx)
    data = rules_data(s.config.pool)
    if fmt == Format.json:
        out(to_json(data))
        return
    tiers = [
        {
            "tier": tier,
            "no_followup_days": rule.no_followup_days,
            "no_won_days": rule.no_won_days,
            "never": rule.never,
        }  # fmt: skip
        for tier, rule in s.config.pool.recycle.items()
    ]
    out(render(tiers, ["tier", "no_followup_days", "no_won_days", "never"], fmt, s.lang))
    words = fmt in (Format.table, Format.md)  # csv keeps the keys of salescrm.yaml
    limits = [{"setting": t(s.lang, "pool setting", name) if words else name, "value": value}
              for name, value in data.items() if name != "recycle"]  # fmt: skip
    out(render(limits, ["setting", "value"], fmt, s.lang))


def register(app: typer.Typer) -> None:
    app.add_typer(pool_app, name="pool")
