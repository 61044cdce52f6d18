"""``salescrm tier review``: the quarterly re-evaluation of customer tiers."""

from __future__ import annotations

from typing import Any

import typer

from salescrm.cli.context import out, session
from salescrm.cli.render import FORMAT_OPTION, Format, render
from salescrm.i18n import t

tier_app = typer.Typer(help="Customer tiers: the quarterly review.", no_args_is_help=True)
COLUMNS = ["id", "name", "owner", "from", "to", "won_12m", "note"]


@tier_app.command("review")
def review(
    ctx: typer.Context,
    as_of: str = typer.Option(None, "--as-of", help="Review as on this day (default: today)."),
    apply: bool = typer.Option(False, "--apply", help="Write the new tiers and their history (one commit)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List every tier change by trailing-12-month won amount; --apply writes them.

    Pinned customers are listed but kept; customers that never won a deal keep their tier.

    Example: salescrm tier review --as-of 2026-12-28 --apply
    """
    from salescrm.core.tiers import apply_review, review_tiers
    from salescrm.store.datadir import edit_config

    s = session(ctx)
    day = s.today(as_of)
    rows = s.summaries("deals", day)  # what the review reads: core/dealrows.py
    changes = review_tiers(rows, day, s.config)
    if apply:
        from salescrm.core.timeline import refuse_future

        refuse_future(day, s.now(), "--as-of date")  # a review applied is an event: not ahead of time
        with s.datadir.transaction("tier review --apply", s.member) as tx:
            for change in changes:
                if change.pinned:
                    continue
                customer = s.datadir.read_customer(change.customer.id)  # afresh, under the lock
                for fresh in review_tiers([customer], day, s.config):
                    apply_review(customer, fresh, day)
                    tx.save(customer, f"{customer.id} {fresh.from_tier}→{fresh.to_tier}")
            edit_config(tx, lambda document: document.__setitem__("last_tier_review", day))
    words = s.lang if fmt in (Format.table, Format.md) else "en"  # json and csv: the stable English
    rows = [_row(change, apply, words) for change in changes]
    if rows or fmt != Format.table:
        out(render(rows, COLUMNS, fmt, s.lang))
    if fmt == Format.table:
        applied = sum(1 for change in changes if not change.pinned)
        key = ("footer_applied" if apply else "footer_apply") + ("_one" if applied == 1 else "")
        out(t(s.lang, "tier", key, n=applied, day=day.isoformat()) + "\n")


def _row(change: Any, applied: bool, lang: str) -> dict[str, Any]:
    customer = change.customer
    note = t(lang, "tier", "pinned") if change.pinned else (t(lang, "tier", "applied") if applied else "")
    return {"id": customer.id, "name": customer.name, "owner": customer.owner, "from": change.from_tier,
            "to": change.to_tier, "won_12m": change.amount, "note": note}  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(tier_app, name="tier")
