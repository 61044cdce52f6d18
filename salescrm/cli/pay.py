"""``salescrm pay …``: payment collection (回款) of won deals (rules in core/payments.py)."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import typer

from salescrm.cli import completion
from salescrm.cli.context import Session, out, session
from salescrm.cli.render import FORMAT_OPTION, Format, cell, render, table, to_json
from salescrm.core.errors import Msg, NotFoundError, UsageError
from salescrm.core.model import Customer, Opportunity
from salescrm.i18n import figure, heading, label, say

pay_app = typer.Typer(help="Payment collection: plan, receive, amend, list, show.", no_args_is_help=True)
OPP_ARGUMENT = typer.Argument(
    ...,
    metavar="OPP",
    help="A won opportunity, e.g. CRM202405001-O2.",
    autocompletion=completion.opportunities,
)
AS_OF_OPTION = typer.Option(None, "--as-of", help="As on this day (default: today).")


def _with_deal(s: Session, reference: str) -> tuple[Customer, Opportunity, str]:
    from salescrm.core.ids import parse_reference
    from salescrm.core.opportunities import find_opportunity

    ref = parse_reference(reference, "O")
    customer = s.datadir.read_customer(ref.customer)
    return customer, find_opportunity(customer, ref), str(ref)


@pay_app.command("plan")
def plan(
    ctx: typer.Context,
    reference: str = OPP_ARGUMENT,
    due: str = typer.Option(None, "--due", help="When the installment is due (YYYY-MM-DD)."),
    amount: str = typer.Option(None, "--amount", help="The installment's amount, e.g. 112500."),
    split: str = typer.Option(
        None,
        "--split",
        help="The whole plan from the terms: SHARE%@WHEN,… with WHEN signed, +60d, +2m or a date.",
    ),
    note: str = typer.Option(None, "--note", help="A note, e.g. 验收后60天."),
    at: str = typer.Option(None, "--at", help="When it was planned, if earlier than now (YYYY-MM-DD)."),
) -> None:
    """Plan when a won deal's money is due: one installment (--due, --amount) or the whole
    contract at once (--split). Prints each plan line; warns while the plan is below the
    contract amount, refuses it above.

    Example: salescrm pay plan CRM202405001-O2 --split 30%@signed,70%@+60d
    Example: salescrm pay plan CRM202405001-O2 --due 2026-10-30 --amount 262500 --note 验收后60天
    """
    from salescrm.core.parse import parse_date, parse_text
    from salescrm.core.payments import add_plan, contract_of, parse_money, parse_split

    s = session(ctx)
    if split is not None and (due is not None or amount is not None):
        raise UsageError(Msg("give --split, or --due and --amount, not both"))
    if split is None and (due is None or amount is None):
        raise UsageError(
            Msg("give --due and --amount, or --split"), hint=Msg("e.g. --split 30%@signed,70%@+60d")
        )
    remark = parse_text(note, "--note", 200) if note is not None else None
    with s.datadir.transaction("pay plan", s.member) as tx:
        customer, o, ref = _with_deal(s, reference)
        if split is not None:
            lines = [
                (day, money, remark or part) for day, money, part in parse_split(split, contract_of(o, ref))
            ]
        else:
            lines = [(parse_date(due, s.today(), "--due date"), parse_money(amount, "--amount"), remark)]
        added, warning = add_plan(o, ref, list(lines), s.member, s.moment(at))
        tx.save(customer, record=ref)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    out("".join(f"{ref}-{line.id} {line.due} {line.amount}\n" for line in added))


@pay_app.command("receive")
def receive(
    ctx: typer.Context,
    reference: str = OPP_ARGUMENT,
    amount: str = typer.Option(..., "--amount", help="The amount received, e.g. 150000."),
    at: str = typer.Option(..., "--at", help="The day the money arrived (YYYY-MM-DD)."),
    bank_ref: str = typer.Option(None, "--ref", help="The bank's reference of the transfer."),
    line: str = typer.Option(
        None, "--plan", help="The plan line it pays, e.g. P2 (default: the earliest open)."
    ),
    overpay: bool = typer.Option(False, "--overpay", help="Take more than is owed (needs --reason)."),
    reason: str = typer.Option(None, "--reason", help="Why more than is owed is taken."),
) -> None:
    """Record money received against a won deal; prints the receipt and the plan line it pays.

    Example: salescrm pay receive CRM202405001-O2 --amount 150000 --at 2026-11-20 --ref 20261120-0031
    """
    from salescrm.core.parse import day_of
    from salescrm.core.payments import NewReceipt, parse_money
    from salescrm.core.payments import receive as take

    s = session(ctx)
    if not at.strip():  # required: refuse_blank leaves it to us, and moment("") would mean now
        raise UsageError(
            Msg("--at must not be empty"), hint=Msg("the day the money arrived, e.g. --at 2026-11-20")
        )
    if overpay and not reason:
        raise UsageError(Msg("--overpay needs --reason"), hint=Msg("say why more than is owed is taken"))
    if reason and not overpay:
        raise UsageError(Msg("--reason goes with --overpay"))
    new = NewReceipt(parse_money(amount, "--amount"), day_of(s.moment(at, "receipt date")), bank_ref,
                     line, reason if overpay else None)  # fmt: skip
    with s.datadir.transaction("pay receive", s.member) as tx:
        customer, o, ref = _with_deal(s, reference)
        receipt = take(o, ref, new, s.member)
        tx.save(customer, record=ref)
    pays = say(Msg(" pays {line}", line=f"{ref}-{receipt.plan}"), s.lang) if receipt.plan else ""
    out(f"{ref}-{receipt.id} {receipt.at} {receipt.amount}{pays}\n")


@pay_app.command("amend")
def amend(
    ctx: typer.Context,
    item: str = typer.Argument(..., metavar="ITEM", help="A plan line or receipt, e.g. CRM202405001-O2-P1."),
    amount: str = typer.Option(None, "--amount", help="The corrected amount."),
    due: str = typer.Option(None, "--due", help="A plan line's corrected due date."),
    note: str = typer.Option(None, "--note", help="A plan line's corrected note."),
    received: str = typer.Option(None, "--received", help="A receipt's corrected day of arrival."),
    line: str = typer.Option(None, "--plan", help="The plan line a receipt pays, corrected."),
    bank_ref: str = typer.Option(None, "--ref", help="A receipt's corrected bank reference."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in its history)."),
) -> None:
    """Correct a plan line or a receipt (managers, by default: pay.amend); the correction is
    dated and kept, so figures as of an earlier day do not change.

    Example: salescrm pay amend CRM202405001-O2-P2 --due 2026-11-15 --reason 验收推迟两周
    """
    from salescrm.core.ids import parse_reference
    from salescrm.core.opportunities import find_opportunity
    from salescrm.core.parse import parse_date, parse_text
    from salescrm.core.payments import amend as correct
    from salescrm.core.payments import parse_money, split_reference

    s = session(ctx)
    deal, item_id = split_reference(item)
    today = s.today()
    values: dict[str, Any] = {
        "amount": parse_money(amount, "--amount") if amount is not None else None,
        "due": parse_date(due, today, "--due date") if due is not None else None,
        "note": parse_text(note, "--note", 200) if note is not None else None,
        "at": parse_date(received, today, "--received date") if received is not None else None,
        "plan": line,
        "ref": parse_text(bank_ref, "--ref", 100) if bank_ref is not None else None,
    }
    ref = parse_reference(deal, "O")
    with s.datadir.transaction("pay amend", s.member) as tx:
        customer = s.datadir.read_customer(ref.customer)
        changed = correct(
            find_opportunity(customer, ref), str(ref), item_id, values, reason, s.member, s.now()
        )
        tx.save(customer, record=f"{ref}-{item_id}")
    shown = " ".join(f"{name}={cell(values[name])}" for name in changed) or "unchanged"
    out(f"{ref}-{item_id} {shown}\n")


@pay_app.command("list")
def list_lines(
    ctx: typer.Context,
    owner: str = typer.Option(
        None, "--owner", help="Only this member's deals ('me' for you).", autocompletion=completion.members
    ),
    overdue: bool = typer.Option(False, "--overdue", help="Only installments open after their due date."),
    as_of: str = AS_OF_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Every installment of every won deal: due, amount, paid, open, days late, status.

    Example: salescrm pay list --overdue --owner zhang.wei --as-of 2026-11-27
    """
    from salescrm.core.reports.receivables import LINE_COLUMNS, plan_lines

    s = session(ctx)
    day = s.today(as_of)
    rows = plan_lines(money_as_of(s, day), day, s.member_option(owner), overdue)
    out(render(_statuses(rows, fmt, s.lang), LINE_COLUMNS, fmt, s.lang))


def _statuses(rows: list[dict[str, Any]], fmt: Format, lang: str) -> list[dict[str, Any]]:
    """An installment's status (paid, open, overdue) in the reader's words in a table; JSON and
    CSV keep the key."""
    if fmt not in (Format.table, Format.md):
        return rows
    return [{**row, "status": label("payment status", row["status"], lang)} if "status" in row else row
            for row in rows]  # fmt: skip


@pay_app.command("show")
def show(
    ctx: typer.Context, reference: str = OPP_ARGUMENT, as_of: str = AS_OF_OPTION, fmt: Format = FORMAT_OPTION
) -> None:
    """One won deal's collection: contract, owed, overdue, each installment, each receipt and
    every amendment.

    Example: salescrm pay show CRM202405001-O2 --as-of 2026-11-27
    """
    from salescrm.core.payments import contract_of
    from salescrm.core.reports.receivables import deal_collection

    s = session(ctx)
    day = s.today(as_of)
    customer, o, ref = _with_deal(s, reference)
    customer, deal = deal_as_of(customer, o, ref, day)
    contract = contract_of(deal, ref)
    if fmt == Format.json:
        out(
            to_json(
                {"ref": ref, "as_of": day, "contract": contract.number, **deal_collection(ref, deal, day)}
            )
        )
        return
    head = [[figure("number", s.lang), contract.number], [figure("signed", s.lang), str(contract.signed)],
            [figure("payment_terms", s.lang), contract.payment_terms]]  # fmt: skip
    out(f"{ref} {customer.name} — {deal.name}\n" + collection_text(ref, deal, day, fmt, s.lang, head))


def money_as_of(s: Session, day: date) -> list[Customer]:
    """Every customer's won deals with their plan lines and receipts, as of ``day``, from the
    cache's index (core/moneyrows.py): what the payment reports read."""
    from salescrm.core.moneyrows import customers_of

    return customers_of(s.summaries("money", day))


def deal_as_of(customer: Customer, o: Opportunity, ref: str, day: date) -> tuple[Customer, Opportunity]:
    """``o`` and its customer as they stood on ``day`` (a customer merged in later stands apart
    then); as the day's data would answer, none before the deal was opened."""
    from salescrm.core.timeline import standing

    number, item = ref.split("-")[:2]
    rewound = standing(customer, number, day)
    if rewound is not None and rewound.id == customer.id:  # not a customer merged in later, apart
        item = o.id
    deal = next((d for d in (rewound.opportunities if rewound else []) if d.id == item), None)
    if deal is None:
        raise NotFoundError(
            Msg("no such opportunity {ref} on {day}", ref=ref, day=day), hint=Msg("it was opened later")
        )
    assert rewound is not None  # the deal was found in it
    return rewound, deal


def collection_text(
    ref: str, deal: Opportunity, day: date, fmt: Format, lang: str, head: list[list[str]] | None = None
) -> str:
    """A won deal's collection as of ``day`` (``pay show``, ``opp show``): its figures (owed,
    overdue, ageing), then its plan lines, receipts and amendments, one table each."""
    from salescrm.core.reports.receivables import SHOW_COLUMNS, deal_collection

    shown = deal_collection(ref, deal, day)
    rows = [*(head or []), *([figure(name, lang), cell(value)] for name, value in shown["figures"].items())]
    parts = [table(rows, [heading("figure", lang), heading("value", lang)], fmt)]
    for name, columns in SHOW_COLUMNS.items():
        if shown[name]:
            parts.append("\n" + render(_statuses(shown[name], fmt, lang), columns, fmt, lang))
    return "".join(parts)


def register(app: typer.Typer) -> None:
    app.add_typer(pay_app, name="pay")
