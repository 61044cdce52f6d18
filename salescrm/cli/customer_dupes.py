"""``salescrm customer dupes`` and ``customer merge``: finding and joining two records of one company."""

from __future__ import annotations

import sys

import typer

from salescrm.cli.context import out, session
from salescrm.cli.customer_argument import customer_argument
from salescrm.cli.render import FORMAT_OPTION, Format, render
from salescrm.core.errors import Listed, Msg
from salescrm.i18n import say, t

DUPES_COLUMNS = ["first", "first_name", "first_owner", "second", "second_name", "second_owner", "why"]


def dupes(
    ctx: typer.Context,
    threshold: int = typer.Option(
        None,
        "--threshold",
        min=50,
        max=100,
        help="Name similarity 50-100 (default: duplicates.name_similarity).",
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List pairs of customers that are likely one company: the same credit code, name (a suffix such
    as 有限公司 or a leading city ignored), phone or e-mail, or names at least --threshold alike.

    Archived customers are left out. Merge a pair with: salescrm customer merge KEEP DROP.

    Example: salescrm customer dupes -f md
    """
    from salescrm.core.identity import likely_pairs

    s = session(ctx)
    rows = {r.id: r for r in s.summaries("list", s.today()) if not r.archived}
    identities = [i for i in s.datadir.identities() if i.customer_id in rows]
    pairs = likely_pairs(identities, threshold or s.config.name_similarity)
    shown = [
        {
            "first": p.first,
            "first_name": rows[p.first].name,
            "first_owner": rows[p.first].owner,
            "second": p.second,
            "second_name": rows[p.second].name,
            "second_owner": rows[p.second].owner,
            "why": list(p.reasons)
            if fmt == Format.json
            else ", ".join(_reason(r, s.lang) for r in p.reasons),
        }  # fmt: skip
        for p in pairs
    ]
    out(render(shown, DUPES_COLUMNS, fmt, s.lang))


def merge(
    ctx: typer.Context,
    keep_id: str = customer_argument(metavar="KEEP", help="The customer that stays (number, name …)."),
    drop_id: str = customer_argument(
        metavar="DROP", help="The customer merged into KEEP; its number stays an alias."
    ),
) -> None:
    """Merge DROP into KEEP: contacts, tasks, follow-ups, deals, feedback and attachments move
    to KEEP (renumbered within it), and DROP's number becomes an alias of KEEP, so
    `customer show DROP` and `log DROP` still find it. Managers only, by default
    (customer.merge in salescrm.yaml). One commit.

    Example: salescrm customer merge CRM202405001 CRM202611003
    """
    from salescrm.core.customer_merge import merge_customers

    s = session(ctx)
    with s.datadir.transaction("customer merge", s.member) as tx:
        keep = s.datadir.read_customer(keep_id)
        drop = s.datadir.read_customer(drop_id)
        folder = s.datadir.attachments_dir / keep.id
        present = [f"attachments/{keep.id}/{p.name}" for p in folder.iterdir()] if folder.is_dir() else []
        merged = merge_customers(keep, drop, s.member, s.now(), present)
        tx.save(merged.customer, f"{keep.id} ← {drop.id}")
        tx.remove_merged(drop, merged.customer, merged.moves)
    counts = [
        said for said, items in ((Msg("{count} contacts", count=len(drop.contacts)), drop.contacts),
                                 (Msg("{count} follow-ups", count=len(drop.followups)), drop.followups),
                                 (Msg("{count} tasks", count=len(drop.tasks)), drop.tasks),
                                 (Msg("{count} deals", count=len(drop.opportunities)), drop.opportunities),
                                 (Msg("{count} feedback", count=len(drop.feedback)), drop.feedback))
        if items
    ]  # fmt: skip
    out(f"{keep.id}\n")  # alone on stdout, as customer add prints its number
    merged_text = Msg("merged {drop} into {keep} ({counts}); {drop} now names {keep}", drop=drop.id,
                      keep=keep.id, counts=Listed(counts) if counts else Msg("no records"))  # fmt: skip
    print(say(merged_text, s.lang), file=sys.stderr)


def register(customer_app: typer.Typer) -> None:
    customer_app.command("dupes")(dupes)
    customer_app.command("merge")(merge)


def _reason(reason: str, lang: str) -> str:
    """A shared key (credit code, name, phone, e-mail) or ``similar name (93)`` in ``lang``."""
    if reason.startswith("similar name ("):
        return t(lang, "duplicate key", "similar name ({score})", score=reason[len("similar name (") : -1])
    return t(lang, "duplicate key", reason)
