"""``salescrm customer …``: customer profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from salescrm.cli import completion
from salescrm.cli.context import out, session
from salescrm.cli.customer_argument import customer_argument, customer_on
from salescrm.cli.listing import LIST_COLUMNS, list_row
from salescrm.cli.render import FORMAT_OPTION, Format, render, to_json
from salescrm.core.errors import Msg

if TYPE_CHECKING:
    from salescrm.core.customers import CustomerFilter
    from salescrm.core.query import Test

customer_app = typer.Typer(
    help="Customer profiles: add, show, list, edit, set, tag, contact, archive, dupes, merge.",
    no_args_is_help=True,
)


@customer_app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(None, help="The customer's name, e.g. 某某科技有限公司."),
    source: str = typer.Option(None, "--source", help="Where the lead came from, e.g. 2024年春季行业展会."),
    contact: str = typer.Option(None, "--contact", help="The contact person's name."),
    phone: str = typer.Option(None, "--phone", help="The contact's phone."),
    email: str = typer.Option(None, "--email", help="The contact's e-mail."),
    needs: str = typer.Option(None, "--needs", help="What the customer needs, concretely."),
    industry: str = typer.Option(
        None, "--industry", help="One of the configured industries.", autocompletion=completion.industries
    ),
    title: str = typer.Option(None, "--title", help="The contact's job title."),
    tags: list[str] = typer.Option([], "--tag", help="A tag, e.g. 急需采购 (repeatable)."),
    tier: str = typer.Option(None, "--tier", help="VIP | A | B | C (default C)."),
    owner: str = typer.Option(None, "--owner", help="The owning member (default: you)."),
    size: str = typer.Option(None, "--size", help="small | medium | large | enterprise."),
    birthday: str = typer.Option(None, "--birthday", help="The contact's birthday, MM-DD or YYYY-MM-DD."),
    at: str = typer.Option(None, "--at", help="Creation date, if earlier than today."),
    credit_code: str = typer.Option(
        None,
        "--credit-code",
        help="The unified social credit code (18 characters, checked), e.g. 91440400MA4UXXXX0X.",
    ),
    allow_duplicate: bool = typer.Option(
        False, "--allow-duplicate", help="Add even if credit code, name, phone or e-mail match."
    ),
    force: bool = typer.Option(False, "--force", help="Add even if the name is close to another's."),
) -> None:
    """Add a customer; prints only its new number.

    The same credit code, company name (a suffix such as 有限公司 or a leading city ignored),
    phone or e-mail as a customer's on file is refused (exit 4), naming that customer and its
    owner; a close name is a warning and stops too, unless --force (docs/duplicates.md).

    Example: salescrm customer add 某某科技有限公司 --source 2024年春季行业展会 --contact 王经理
    --phone 021-5555-5678 --needs 需要采购50台办公电脑 --industry IT服务 --tag 急需采购
    """
    from salescrm.cli.duplicates import refuse_duplicates
    from salescrm.core.customers import NewCustomer, build_customer
    from salescrm.core.ids import next_customer_id
    from salescrm.core.parse import day_of

    s = session(ctx)
    config = s.config
    created = day_of(s.moment(at))
    new = NewCustomer(
        name,
        source,
        contact,
        phone,
        email,
        needs,
        industry,
        title,
        tags,
        tier,
        owner,
        size,
        birthday,
        credit_code,
    )
    acting = s.member
    candidate = build_customer(new, "CRM000001001", created, owner or acting, config)
    with s.datadir.transaction("customer add", acting) as tx:
        refuse_duplicates(s, candidate, exact=not allow_duplicate, close=not (force or allow_duplicate))
        candidate.id = next_customer_id(created, s.datadir.customer_ids())
        tx.save(candidate)
    out(f"{candidate.id}\n")


@customer_app.command("show")
def show(
    ctx: typer.Context,
    customer_id: str = customer_argument(metavar="ID"),
    as_of: str = typer.Option(None, "--as-of", help="As it stood on this day (default: today)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show one customer: profile, contacts, tasks, follow-ups, opportunities, feedback.

    Example: salescrm customer show CRM202405001
    Example: salescrm customer show 启明 --as-of 2026-06-30
    """
    from salescrm.cli.profile import profile_text
    from salescrm.core.records import customer_to_data

    s = session(ctx)
    customer = customer_on(s, customer_id, s.today(as_of))
    if fmt == Format.json:
        out(to_json(customer_to_data(customer)))
    else:
        out(profile_text(customer, s.config, s.lang, fmt))


@customer_app.command("list")
def list_customers(
    ctx: typer.Context,
    tier: str = typer.Option(None, "--tier", help="Only this tier."),
    owner: str = typer.Option(
        None, "--owner", help="Only this owner ('me' for you).", autocompletion=completion.members
    ),
    tag: str = typer.Option(None, "--tag", help="Only customers with this tag."),
    industry: str = typer.Option(
        None, "--industry", help="Only this industry.", autocompletion=completion.industries
    ),
    source: str = typer.Option(None, "--source", help="Only sources containing this text."),
    archived: bool = typer.Option(False, "--archived", help="Include archived customers."),
    where: str = typer.Option(None, "--where", help="A query, e.g. 'tier = B and followups(3m) > 5'."),
    as_of: str = typer.Option(None, "--as-of", help="List the customers as they stood on this day."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List customers, filtered (--where takes the query language of docs/query.md).

    Example: salescrm customer list --tier VIP --owner zhang.wei -f md
    """
    from salescrm.core.customers import CustomerFilter, filter_customers

    s = session(ctx)
    wanted = CustomerFilter(tier, s.member_option(owner), tag, industry, source, archived)
    matches = None
    if where is not None:
        from salescrm.cli.query import where_filter

        matches = where_filter(s, where, as_of)
    found = s.summaries("list", s.today(as_of), _narrowing(wanted))  # rows: no record is decoded
    rows = filter_customers(found, wanted, s.config)
    if matches is not None:
        rows = list(filter(matches, rows))
    out(render([list_row(r, s.lang, fmt) for r in rows], LIST_COLUMNS, fmt, s.lang))


def _narrowing(wanted: CustomerFilter) -> list[Test]:
    """What the index can leave out before the rows are read (filter_customers still decides)."""
    from salescrm.core.folding import fold
    from salescrm.core.labels import TIERS

    narrow: list[Test] = [] if wanted.archived else [("archived", "in", (False,))]
    if wanted.tier:
        narrow.append(("tier", "in", (fold(TIERS.parse(wanted.tier)),)))
    if wanted.owner:
        narrow.append(("owner", "in", (fold(wanted.owner),)))
    return narrow


@customer_app.command("set")
def set_fields(
    ctx: typer.Context,
    customer_id: str = customer_argument(metavar="ID"),
    assignments: list[str] = typer.Argument(
        ..., metavar="FIELD=VALUE...", help="e.g. industry=制造业 tier=B"
    ),
) -> None:
    """Set profile fields: name, industry, size, source, needs, tier, tier_pinned, owner, first_contact.

    Example: salescrm customer set CRM202405001 industry=制造业 size=large
    """
    from salescrm.core.customers import set_field

    s = session(ctx)
    with s.datadir.transaction("customer set", s.member) as tx:
        customer = s.datadir.read_customer(customer_id)
        changed = [set_field(customer, a, s.config, s.member, s.now()) for a in assignments]
        tx.save(customer, f"{customer.id} {' '.join(changed)}")
    out(f"{customer.id}\n")


# ``-TAG`` is a removal, not an option: unknown options stay arguments.
@customer_app.command("tag", context_settings={"ignore_unknown_options": True})
def tag(
    ctx: typer.Context,
    customer_id: str = customer_argument(metavar="ID"),
    changes: list[str] = typer.Argument(..., metavar="+TAG|-TAG...", help="+TAG adds, -TAG removes."),
) -> None:
    """Add or remove tags.

    Example: salescrm customer tag CRM202405001 +长期合作意向 -急需采购
    """
    from salescrm.core.customers import change_tags

    s = session(ctx)
    with s.datadir.transaction("customer tag", s.member) as tx:
        customer = s.datadir.read_customer(customer_id)
        change_tags(customer, changes)
        tx.save(customer)
    out(" ".join(customer.tags) + "\n")


@customer_app.command("contact")
def contact(
    ctx: typer.Context,
    customer_id: str = customer_argument(metavar="ID"),
    action: str = typer.Argument(..., metavar="add|set", help="add a contact, or set one (by --name)."),
    name: str = typer.Option(..., "--name", help="The contact's name (for set: which contact)."),
    title: str = typer.Option(None, "--title", help="Job title."),
    phone: str = typer.Option(None, "--phone", help="Phone."),
    email: str = typer.Option(None, "--email", help="E-mail."),
    birthday: str = typer.Option(None, "--birthday", help="MM-DD or YYYY-MM-DD."),
    primary: bool = typer.Option(False, "--primary", help="Make this the primary contact."),
) -> None:
    """Add a contact to a customer, or change one.

    Example: salescrm customer contact CRM202405001 add --name 李总 --title 总经理 --phone 13800138000
    """
    from salescrm.core.customers import add_contact, build_contact, update_contact
    from salescrm.core.errors import UsageError

    s = session(ctx)
    if action not in ("add", "set"):
        raise UsageError(Msg("unknown action {action!r}", action=action), hint=Msg("use: add or set"))
    with s.datadir.transaction(f"customer contact {action}", s.member) as tx:
        customer = s.datadir.read_customer(customer_id)
        if action == "add":
            add_contact(customer, build_contact(name, title, phone, email, birthday, primary))
        else:
            update_contact(customer, name, title, phone, email, birthday, primary)
        tx.save(customer)
    out(f"{customer.id}\n")


@customer_app.command("archive")
def archive(
    ctx: typer.Context,
    customer_id: str = customer_argument(metavar="ID"),
    undo: bool = typer.Option(False, "--undo", help="Bring an archived customer back."),
    at: str = typer.Option(None, "--at", help="When, if not now (YYYY-MM-DD[THH:MM])."),
) -> None:
    """Archive a customer: kept in the files, left out of lists and reminders.

    Example: salescrm customer archive CRM202405001
    """
    from salescrm.core.timeline import record

    s = session(ctx)
    with s.datadir.transaction("customer archive" + (" --undo" if undo else ""), s.member) as tx:
        customer = s.datadir.read_customer(customer_id)
        record(customer.changes, customer, "archived", not undo, s.moment(at), s.member)
        tx.save(customer)
    out(f"{customer.id}\n")


@customer_app.command("edit")
def edit(
    ctx: typer.Context,
    customer_id: str = customer_argument(metavar="ID"),
) -> None:
    """Edit a customer's YAML in $EDITOR; it is checked on save and reopened on error.

    Example: EDITOR=vim salescrm customer edit CRM202405001
    """
    from salescrm.cli.editing import edit_customer

    s = session(ctx)
    with s.datadir.transaction("customer edit", s.member) as tx:
        customer = edit_customer(s, s.datadir.read_customer(customer_id))
        if customer is not None:
            tx.save(customer)
    out(f"{customer_id if customer is None else customer.id}\n")


def register(app: typer.Typer) -> None:
    from salescrm.cli import customer_dupes

    customer_dupes.register(customer_app)
    app.add_typer(customer_app, name="customer")
