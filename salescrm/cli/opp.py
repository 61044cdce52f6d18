"""``salescrm opp …``: opportunities through the pipeline (rules in core/stages.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import typer

from salescrm.cli import completion
from salescrm.cli.context import Session, out, session
from salescrm.cli.customer_argument import customer_argument, customer_option
from salescrm.cli.render import FORMAT_OPTION, Format, render
from salescrm.core.errors import Msg, UsageError
from salescrm.core.model import Customer, Opportunity
from salescrm.i18n import label, say
from salescrm.store.datadir import Transaction

opp_app = typer.Typer(
    help="Opportunities: add, show, list, stage, negotiate, won, lost, reopen, set, amend.",
    no_args_is_help=True,
)
OPP_ARGUMENT = typer.Argument(
    ..., metavar="OPP", help="The opportunity, e.g. CRM202405001-O1.", autocompletion=completion.opportunities
)
AT_OPTION = typer.Option(None, "--at", help="When it happened, if earlier than today (YYYY-MM-DD).")
NOTE_OPTION = typer.Option(None, "--note", help="A note for the stage history.")

# (session, transaction, customer, opportunity, reference) -> what to print
Change = Callable[[Session, Transaction, Customer, Opportunity, str], str]


def _change(ctx: typer.Context, reference: str, command: str, change: Change) -> None:
    """Load → change → save → print, inside one transaction: a refusal changes nothing."""
    from salescrm.core.ids import parse_reference
    from salescrm.core.opportunities import find_opportunity

    s = session(ctx)
    ref = parse_reference(reference, "O")
    with s.datadir.transaction(f"opp {command}", s.member) as tx:
        customer = s.datadir.read_customer(ref.customer)
        opportunity = find_opportunity(customer, ref)
        printed = change(s, tx, customer, opportunity, str(ref))
        tx.save(customer, record=str(ref))
    out(printed)


def _day(s: Session, text: str | None, what: str) -> date:
    """The day an event happened: the option's (never in the future), else today."""
    from salescrm.core.parse import day_of

    return day_of(s.moment(text, what))


def _optional_text(text: str | None, what: str) -> str | None:
    from salescrm.core.parse import parse_text

    return parse_text(text, what, 500) if text is not None else None


@opp_app.command("add")
def add(
    ctx: typer.Context,
    customer_id: str = customer_argument(),
    name: str = typer.Option(..., "--name", help="What is being sold, e.g. 2024年度办公设备采购."),
    amount: str = typer.Option(..., "--amount", help="Expected amount, e.g. 250000 or 25万."),
    close: str = typer.Option(..., "--close", help="Expected close date (YYYY-MM-DD)."),
    owner: str = typer.Option(None, "--owner", help="The owning member (default: the customer's owner)."),
    probability: str = typer.Option(
        None, "--probability", help="Win probability in %, overriding the stage's."
    ),
    at: str = AT_OPTION,
) -> None:
    """Add an opportunity in stage lead; prints its reference.

    Example: salescrm opp add CRM202405001 --name A公司2024年度办公设备采购 --amount 250000 --close 2024-08-30
    """
    from salescrm.core.opportunities import NewOpportunity, add_opportunity
    from salescrm.core.parse import parse_amount, parse_date, parse_percent

    s = session(ctx)
    expected = parse_amount(amount)
    closing = parse_date(close, s.today(), "--close date")
    chance = parse_percent(probability) if probability is not None else None
    with s.datadir.transaction("opp add", s.member) as tx:
        customer = s.datadir.read_customer(customer_id)
        chosen = s.config.member(owner.strip()).id if owner else customer.owner
        new = NewOpportunity(name, expected, closing, chosen, _day(s, at, "--at date"), chance)
        opportunity = add_opportunity(customer, new, s.member)
        ref = f"{customer.id}-{opportunity.id}"
        tx.save(customer, record=ref)
    out(f"{ref}\n")


@opp_app.command("stage")
def stage(
    ctx: typer.Context,
    reference: str = OPP_ARGUMENT,
    target: str = typer.Argument(
        ...,
        metavar="STAGE",
        help="The stage to move to, e.g. proposal or 方案制定.",
        autocompletion=completion.stages,
    ),
    artefacts: list[str] = typer.Option(
        [], "--artefact", metavar="NAME=FILE", help="Attach a required document on the way (repeatable)."
    ),
    note: str = NOTE_OPTION,
    reason: str = typer.Option(None, "--reason", help="Why: required to move back, or to skip with --force."),
    force: bool = typer.Option(False, "--force", help="Managers only: skip stages (with --reason)."),
    probability: str = typer.Option(None, "--probability", help="Win probability (%) for the new stage."),
    at: str = AT_OPTION,
) -> None:
    """Move an opportunity to another stage: one step forward once the gate is met,
    back with --reason, or skipping stages (managers: --force --reason).

    Example: salescrm opp stage CRM202405001-O1 proposal --artefact needs_report=调研报告.pdf
    """
    from salescrm.core.labels import STAGES
    from salescrm.core.parse import parse_percent
    from salescrm.core.stages import Move, move_stage

    wanted = STAGES.parse(target)

    def change(s: Session, tx: Transaction, c: Customer, o: Opportunity, ref: str) -> str:
        day = _day(s, at, "--at date")
        _attach_all(s, tx, c, o, artefacts, day)
        move = Move(
            target=wanted,
            by=s.member,
            at=day,
            note=_optional_text(note, "--note"),
            reason=_optional_text(reason, "--reason"),
            force=force,
            is_manager=s.config.member(s.member).role == "manager",
            probability=parse_percent(probability) if probability is not None else None,
        )
        move_stage(o, ref, move, s.config)
        return f"{ref} {label('stage', o.stage, s.lang)}\n"

    _change(ctx, reference, "stage", change)


def _attach_all(
    s: Session, tx: Transaction, c: Customer, o: Opportunity, given: list[str], day: date
) -> None:
    from salescrm.core.stages import parse_artefact_name
    from salescrm.core.timeline import record
    from salescrm.store.attachments import attach

    for item in given:
        name, sep, path = item.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise UsageError(
                Msg("bad --artefact {item!r}", item=item),
                hint=Msg("write NAME=FILE, e.g. needs_report=调研报告.pdf"),
            )
        key = parse_artefact_name(name, s.config)
        stored = attach(tx, s.datadir, c.id, path.strip(), s.config)
        record(o.changes, o, f"artefacts.{key}", stored, day, s.member)


@opp_app.command("negotiate")
def negotiate(
    ctx: typer.Context,
    reference: str = OPP_ARGUMENT,
    decision_makers: list[str] = typer.Option([], "--decision-maker", help="A decision maker (repeatable)."),
    competitors: list[str] = typer.Option([], "--competitor", help="A competitor (repeatable)."),
    obstacles: list[str] = typer.Option([], "--obstacle", help="An obstacle to the deal (repeatable)."),
    solutions: list[str] = typer.Option([], "--solution", help="How an obstacle is met (repeatable)."),
) -> None:
    """Add to the negotiation record: decision makers, competitors, obstacles, solutions.

    Example: salescrm opp negotiate CRM202405001-O1 --decision-maker 李总 --competitor 竞品X
    """
    from salescrm.core.model import Negotiation
    from salescrm.core.opportunities import negotiate as record
    from salescrm.core.opportunities import negotiation_receipt

    talks = Negotiation(decision_makers, competitors, obstacles, solutions)

    def change(s: Session, tx: Transaction, c: Customer, o: Opportunity, ref: str) -> str:
        return negotiation_receipt(ref, record(o, ref, talks, s.now(), s.member), s.lang) + "\n"

    _change(ctx, reference, "negotiate", change)


@opp_app.command("won")
def won(
    ctx: typer.Context,
    reference: str = OPP_ARGUMENT,
    contract: str = typer.Option(..., "--contract", help="The contract number, unique, e.g. HT-2024-031."),
    amount: str = typer.Option(..., "--amount", help="The contract amount."),
    payment_terms: str = typer.Option(..., "--payment-terms", help="e.g. 30%预付,验收后30天付清."),
    signed: str = typer.Option(None, "--signed", help="The signing date (default today)."),
) -> None:
    """Close an opportunity in negotiation as won, recording its contract.

    Example: salescrm opp won CRM202405001-O1 --contract HT-2024-031 --amount 248000
    --payment-terms 30%预付,验收后30天付清 --signed 2024-08-20
    """
    from salescrm.core.model import Contract
    from salescrm.core.parse import parse_amount, parse_text
    from salescrm.core.stages import parse_contract_number, taken_contracts, win

    def change(s: Session, tx: Transaction, c: Customer, o: Opportunity, ref: str) -> str:
        deal = Contract(
            number=parse_contract_number(contract),
            amount=parse_amount(amount, "contract amount"),
            payment_terms=parse_text(payment_terms, "--payment-terms", 500),
            signed=_day(s, signed, "--signed date"),
        )
        win(o, ref, deal, s.member, taken_contracts(s.summaries("deals", date.max)), s.config)
        return f"{ref} {label('stage', 'won', s.lang)} {deal.number}\n"

    _change(ctx, reference, "won", change)


@opp_app.command("lost")
def lost(
    ctx: typer.Context,
    reference: str = OPP_ARGUMENT,
    reason: str = typer.Option(None, "--reason", help="One of the configured loss reasons, e.g. 价格过高."),
    other: str = typer.Option(None, "--other", help="Another reason, in words."),
    competitor: str = typer.Option(None, "--competitor", help="The competitor that won the deal."),
    note: str = NOTE_OPTION,
    at: str = AT_OPTION,
) -> None:
    """Close an open opportunity as lost, with its reason.

    Example: salescrm opp lost CRM202405001-O2 --reason 选择竞品 --competitor 竞品X
    """
    from salescrm.core.stages import Loss, lose, loss_reason

    def change(s: Session, tx: Transaction, c: Customer, o: Opportunity, ref: str) -> str:
        loss = Loss(
            reason=loss_reason(reason, other, s.config),
            by=s.member,
            at=_day(s, at, "--at date"),
            competitor=_optional_text(competitor, "--competitor"),
            note=_optional_text(note, "--note"),
        )
        lose(o, ref, loss)
        return f"{ref} {label('stage', 'lost', s.lang)} {loss.reason}\n"

    _change(ctx, reference, "lost", change)


@opp_app.command("reopen")
def reopen(
    ctx: typer.Context,
    reference: str = OPP_ARGUMENT,
    reason: str = typer.Option(..., "--reason", help="Why the deal is open again."),
    at: str = AT_OPTION,
) -> None:
    """Reopen a won or lost opportunity at the stage it was closed from.

    Example: salescrm opp reopen CRM202405001-O2 --reason 客户重新启动采购
    """
    from salescrm.core.parse import parse_text
    from salescrm.core.stages import reopen as bring_back

    def change(s: Session, tx: Transaction, c: Customer, o: Opportunity, ref: str) -> str:
        why = parse_text(reason, "--reason", 500)
        stage = bring_back(o, ref, why, s.member, _day(s, at, "--at date"))
        return f"{ref} {label('stage', stage, s.lang)}\n"

    _change(ctx, reference, "reopen", change)


@opp_app.command("set")
def set_(
    ctx: typer.Context,
    reference: str = OPP_ARGUMENT,
    assignments: list[str] = typer.Argument(
        None,
        metavar="FIELD=VALUE...",
        help="amount, close, probability (or 'default'), owner, name, forecast "
        "(commit, best_case, pipeline, omitted or 'default').",
    ),
    at: str = typer.Option(None, "--at", help="When it changed, if not now (YYYY-MM-DD[THH:MM])."),
) -> None:
    """Change an open deal's amount, expected close date, probability, owner, name or forecast
    category; each change is dated in its history, so reports as of an earlier day still show
    what was known.

    Example: salescrm opp set CRM202405001-O1 amount=260000 close=2026-12-31 probability=60
    Example: salescrm opp set CRM202405001-O1 forecast=commit
    """
    from salescrm.core.deal_edits import set_fields

    def change(s: Session, tx: Transaction, c: Customer, o: Opportunity, ref: str) -> str:
        changed = set_fields(o, ref, list(assignments or []), s.member, s.moment(at), s.config)
        return (
            f"{ref} "
            + (" ".join(f"{name}={_shown(getattr(o, name))}" for name in changed) or "unchanged")
            + "\n"
        )

    _change(ctx, reference, "set", change)


def _shown(value: object) -> str:
    return "default" if value is None else str(value)


@opp_app.command("amend")
def amend(
    ctx: typer.Context,
    reference: str = OPP_ARGUMENT,
    amount: str = typer.Option(None, "--amount", help="The corrected contract amount."),
    contract: str = typer.Option(None, "--contract", help="The corrected contract number."),
    payment_terms: str = typer.Option(None, "--payment-terms", help="The corrected payment terms."),
    signed: str = typer.Option(None, "--signed", help="The corrected signing date."),
    reason: str = typer.Option(..., "--reason", help="Why the contract is corrected (kept in its history)."),
    at: str = typer.Option(None, "--at", help="When it was corrected, if not now (YYYY-MM-DD[THH:MM])."),
) -> None:
    """Correct a won deal's contract without moving the win in time (owner or manager):
    the deal stays won on its signed date; the correction is kept with the contract.

    Example: salescrm opp amend CRM202405001-O2 --amount 380000 --reason 客户追加两台服务器
    """
    from salescrm.core.deal_edits import Amendment
    from salescrm.core.deal_edits import amend as correct
    from salescrm.core.parse import parse_amount
    from salescrm.core.stages import taken_contracts

    def change(s: Session, tx: Transaction, c: Customer, o: Opportunity, ref: str) -> str:
        wanted = Amendment(
            reason=reason,
            amount=parse_amount(amount, "contract amount") if amount is not None else None,
            number=contract,
            payment_terms=payment_terms,
            signed=_day(s, signed, "--signed date") if signed is not None else None,
        )
        allowed = s.member == o.owner or s.config.member(s.member).role == "manager"
        taken = taken_contracts(s.summaries("deals", date.max)) if contract is not None else {}
        changed = correct(o, ref, wanted, s.member, s.moment(at), allowed, taken)
        assert o.contract is not None  # amend refuses a deal without one
        shown = " ".join(f"{name}={getattr(o.contract, name)}" for name in changed) or say(
            Msg("unchanged"), s.lang
        )
        return f"{ref} {shown}\n"

    _change(ctx, reference, "amend", change)


@opp_app.command("show")
def show(
    ctx: typer.Context,
    reference: str = OPP_ARGUMENT,
    as_of: str = typer.Option(None, "--as-of", help="As it stood on this day (default: today)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show one opportunity: figures, artefacts, negotiation, contract or loss, history, gate;
    a won deal's collection too (owed, overdue, plan lines, receipts), as of --as-of.

    Example: salescrm opp show CRM202405001-O1 --as-of 2026-11-27
    """
    from salescrm.cli.opp_view import opportunity_data, opportunity_text
    from salescrm.cli.pay import collection_text, deal_as_of
    from salescrm.cli.render import to_json
    from salescrm.core.ids import parse_reference
    from salescrm.core.opportunities import find_opportunity
    from salescrm.core.reports.receivables import deal_collection
    from salescrm.i18n import heading

    s = session(ctx)
    ref = parse_reference(reference, "O")
    customer = s.datadir.read_customer(ref.customer)
    o = find_opportunity(customer, ref)
    day = s.today(as_of)
    if as_of is not None:
        customer, o = deal_as_of(customer, o, str(ref), day)
    won = o.stage == "won" and o.contract is not None
    if fmt == Format.json:
        collection = deal_collection(str(ref), o, day) if won else None
        out(to_json({**opportunity_data(customer, o, s.config), "collection": collection}))
    else:
        text = opportunity_text(customer, o, s.config, s.lang, fmt)
        if won:
            text += f"\n{heading('collection', s.lang)}\n" + collection_text(str(ref), o, day, fmt, s.lang)
        out(text)


@opp_app.command("list")
def list_opportunities(
    ctx: typer.Context,
    stage: str = typer.Option(
        None, "--stage", help="Only this stage, e.g. lead or 商务谈判.", autocompletion=completion.stages
    ),
    owner: str = typer.Option(
        None, "--owner", help="Only this owner ('me' for you).", autocompletion=completion.members
    ),
    customer_id: str = customer_option("--customer", help="Only this customer's (number, name, pinyin …)."),
    open_only: bool = typer.Option(False, "--open", help="Only open deals (not won or lost)."),
    closing_before: str = typer.Option(None, "--closing-before", help="Expected to close before this date."),
    stale: str = typer.Option(
        None,
        "--stale",
        metavar="DAYS|stage",
        help="Open deals idle more than DAYS, or past their stage's limit.",
    ),
    where: str = typer.Option(
        None, "--where", help="A query (docs/query.md), e.g. 'stage = negotiation and amount >= 100000'."
    ),
    as_of: str = typer.Option(
        None, "--as-of", help="Count idle days up to this date and run --where as of it (default today)."
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List opportunities, soonest expected close first. --where takes the query language;
    its opportunity fields (stage, amount, close, …) apply to each deal, customer fields to its customer.

    Example: salescrm opp list --open --owner zhang.wei --closing-before 2024-09-30
    Example: salescrm opp list --where 'stage = negotiation and amount >= 100000'
    """
    from salescrm.cli.opp_view import LIST_COLUMNS, list_rows
    from salescrm.cli.query import deal_filter
    from salescrm.core.opportunities import OpportunityFilter
    from salescrm.core.opprows import filter_deals, opp_rows_of
    from salescrm.core.parse import parse_date

    s = session(ctx)
    today = s.today(as_of)
    matches, narrow = deal_filter(s, where, as_of) if where is not None else (None, None)
    stale_days, by_stage = _stale(stale)
    wanted = OpportunityFilter(
        stage=stage,
        owner=s.member_option(owner),
        customer=customer_id,
        open_only=open_only,
        closing_before=parse_date(closing_before, today, "--closing-before date") if closing_before else None,
        stale_days=stale_days,
        stale_by_stage=by_stage,
    )
    if customer_id:  # one customer: its file, as it stood then (a customer merged later stands apart)
        from salescrm.cli.customer_argument import customer_on

        rows = [opp_rows_of(customer_on(s, customer_id, today))]
        wanted = OpportunityFilter(**{**vars(wanted), "customer": rows[0].id})
    else:  # the rows in the index: no record is decoded but those rewound to the day
        rows = s.summaries("opps", today, narrow)  # of the customers --where can match
    pairs = filter_deals(rows, wanted, s.config, today)
    if matches is not None:
        pairs = [(c, d) for c, d in pairs if matches(c, d)]
    out(render(list_rows(pairs, s.config, today, s.lang, fmt), LIST_COLUMNS, fmt, s.lang))


def _stale(text: str | None) -> tuple[int | None, bool]:
    if text is None:
        return None, False
    value = text.strip().lower()
    if value == "stage":
        return None, True
    if not (value.isascii() and value.isdigit()) or len(value) > 5:  # '²'.isdigit() is True
        raise UsageError(
            Msg("bad --stale {text!r}", text=text),
            hint=Msg("a number of days, e.g. --stale 30, or --stale stage"),
        )
    return int(value), False


def register(app: typer.Typer) -> None:
    app.add_typer(opp_app, name="opp")
