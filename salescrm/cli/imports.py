"""``salescrm import leads``: marketing's lead lists (CSV or Excel) become customers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from salescrm.cli.context import Session, out, session
from salescrm.core.errors import Msg
from salescrm.i18n import heading, say, t

if TYPE_CHECKING:
    from salescrm.core.leads import ImportPlan

import_app = typer.Typer(help="Import data: leads from CSV or Excel.", no_args_is_help=True)


@import_app.command("leads")
def leads(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A CSV (UTF-8 or GB18030) or .xlsx file, one lead per row."),
    maps: list[str] = typer.Option([], "--map", help="COLUMN=FIELD, for headers not known (repeatable)."),
    source: str = typer.Option(
        None, "--source", help="Source for rows without one, e.g. 2024年春季行业展会."
    ),
    tags: list[str] = typer.Option([], "--tag", help="A tag for every lead (repeatable)."),
    owner: str = typer.Option(None, "--owner", help="The member who owns the new customers (default: you)."),
    assign: str = typer.Option(
        None, "--assign", help="round-robin: deal the leads to the sales reps in turn."
    ),
    to_pool: bool = typer.Option(False, "--pool", help="Add the leads to the pool, unowned."),
    on_duplicate: str = typer.Option("skip", "--on-duplicate", help="skip | update an existing customer."),
    force: bool = typer.Option(
        False, "--force", help="Import rows whose name is only close to a customer's."
    ),
    at: str = typer.Option(None, "--at", help="Creation date of the new customers (default today)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and report; change nothing."),
    rejects: Path = typer.Option(
        None,
        "--rejects",
        help="Write the rejected rows (duplicate, invalid) with a reason column (also on --dry-run).",
    ),
) -> None:
    """Import leads: rows checked like customer add, duplicates skipped or merged, one commit.

    A row with the credit code, name, phone or e-mail of a customer is a duplicate (skipped,
    or merged with --on-duplicate update); one whose name is close to a customer's is skipped
    unless --force. Each names the customer's number and owner only.

    Headers such as 客户名称, 联系人, 职位, 电话, 手机, 邮箱, 来源, 行业, 需求, 标签
    (or name, contact, phone, email, …) are recognised; map others with --map.

    Example: salescrm import leads 展会线索.csv --source 2024年春季行业展会 --tag 展会 --assign round-robin
    --rejects rejects.csv   (or --pool: into the pool, for the reps to claim)
    """
    from salescrm.core.errors import UsageError
    from salescrm.core.leads import LeadOptions, map_columns, plan_import
    from salescrm.core.parse import day_of, parse_text
    from salescrm.formats.csvio import read_table

    s = session(ctx)
    if sum(map(bool, (owner, assign, to_pool))) > 1:
        raise UsageError(Msg("give one of --owner, --assign and --pool"))
    if assign not in (None, "round-robin"):
        raise UsageError(
            Msg("bad --assign {assign!r}", assign=assign), hint=Msg("the only way is: --assign round-robin")
        )
    rejects_path = _rejects_path(s, rejects)
    table = read_table(file)
    columns = map_columns(table.headers, maps)
    options = LeadOptions(
        created=day_of(s.moment(at)),
        owners=[""] if to_pool else _owners(s, owner, assign),
        source=parse_text(source, "--source", 200) if source is not None else None,
        tags=tags,
        on_duplicate=on_duplicate,
        force=force,
    )

    def plan() -> ImportPlan:
        return plan_import(table.rows, columns, s.datadir.load_all().customers, options, s.config)

    if dry_run:
        result = plan()
    else:
        with s.datadir.transaction("import leads", s.member) as tx:
            result = plan()
            record = f"{file.name} ({result.count('added')} added, {result.count('updated')} updated)"
            for customer in [*result.added, *result.updated]:
                tx.save(customer, record)
    _report(result, table.headers, rejects_path, dry_run, s.lang)


def _rejects_path(s: Session, rejects: Path | None) -> Path | None:
    from salescrm.store.outputs import check_output

    return check_output(s.datadir, rejects, "--rejects") if rejects else None


def _owners(s: Session, owner: str | None, assign: str | None) -> list[str]:
    from salescrm.core.leads import round_robin_owners

    if assign:
        return round_robin_owners(s.config)
    return [s.config.member(owner).id if owner else s.member]


def _report(result: ImportPlan, headers: list[str], rejects: Path | None, dry_run: bool, lang: str) -> None:
    from salescrm.core.leads import REJECTED
    from salescrm.formats.csvio import csv_bytes
    from salescrm.store.outputs import write_output

    said = summary(result, lang)
    out((t(lang, "import", "dry run", summary=said) if dry_run else said) + "\n")
    for outcome in result.outcomes:
        if outcome.status != "added":
            shown = "rejected" if outcome.status in REJECTED else outcome.status
            out(t(lang, "import", f"row {shown}", row=outcome.row, reason=say(outcome.reason, lang)) + "\n")
    if rejects and result.rejected:
        # the reason in the reader's words, so that whoever fixes the rows can read it
        rows = [
            [*o.cells, *[""] * (len(headers) - len(o.cells)), say(o.reason, lang)] for o in result.rejected
        ]
        write_output(rejects, csv_bytes([*headers, heading("reason", lang)], rows))
        written = "rejects written one" if len(rows) == 1 else "rejects written"
        out(t(lang, "import", written, count=len(rows), path=rejects) + "\n")


def summary(result: ImportPlan, lang: str = "en") -> str:
    """``3 rows: 2 added, 0 updated, 1 rejected (1 duplicate skipped, 0 invalid)``: rejected is
    every row not imported (what --rejects writes); the parentheses say why."""
    rows = len(result.outcomes)
    said = "summary one" if rows == 1 else "summary"
    return t(lang, "import", said, rows=rows, added=result.count("added"), updated=result.count("updated"),
             rejected=len(result.rejected),
             duplicate=result.count("duplicate"), invalid=result.count("invalid"))  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
