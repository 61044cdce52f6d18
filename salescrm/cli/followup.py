"""``salescrm followup plan|log|done|cancel|list``: planned follow-ups and what happened."""

from __future__ import annotations

from typing import Any

import typer

from salescrm.cli import completion
from salescrm.cli.context import Session, out, session, warn
from salescrm.cli.customer_argument import ONLY_CUSTOMER, customer_argument, one_or_every
from salescrm.cli.render import FORMAT_OPTION, Format, render

followup_app = typer.Typer(help="Follow-ups: plan, log, done, cancel, list.", no_args_is_help=True)
CUSTOMER_ARGUMENT = customer_argument()
VIA_HELP = (
    "phone | visit | email | meeting | wechat | wecom | other"
    " (or 电话 拜访 邮件 线上会议 微信 企业微信 其他)."
)
TASK_ARGUMENT = typer.Argument(
    ..., metavar="TASK", help="The task reference, e.g. CRM202405001-T1.", autocompletion=completion.tasks
)
AT_OPTION = typer.Option(None, "--at", help="When it happened, if not now (YYYY-MM-DD[THH:MM]).")


@followup_app.command("plan")
def plan(
    ctx: typer.Context,
    customer_id: str = CUSTOMER_ARGUMENT,
    due: str = typer.Option(..., "--due", help="When: 2024-05-10T10:00, 2024-05-10, tomorrow, +3d."),
    via: str = typer.Option(..., "--via", help=VIA_HELP, autocompletion=completion.channels),
    focus: str = typer.Option(..., "--focus", help="What the follow-up is about."),
    goal: str = typer.Option(..., "--goal", help="What it should achieve."),
    owner: str = typer.Option(None, "--owner", help="Who follows up (default: the customer's owner)."),
    at: str = typer.Option(None, "--at", help="When it was planned, if not now (YYYY-MM-DD[THH:MM])."),
) -> None:
    """Plan a follow-up; prints its task reference.

    Example: salescrm followup plan CRM202405001 --due 2024-05-10T10:00 --via 拜访
    --focus 演示样机 --goal 确认配置
    """
    from salescrm.core.channels import parse_channel
    from salescrm.core.followups import NewTask, plan_task
    from salescrm.core.parse import parse_when

    s = session(ctx)
    when = parse_when(due, s.today(), "--due date")
    channel = parse_channel(via, s.config)
    planned = s.moment(at)
    with s.datadir.transaction("followup plan", s.member) as tx:
        customer = s.datadir.read_customer(customer_id)
        new = NewTask(when, channel, focus, goal, owner or customer.owner)
        task = plan_task(customer, new, s.config, planned)
        tx.save(customer, f"{customer.id}-{task.id}")
    out(f"{customer.id}-{task.id}\n")


@followup_app.command("log")
def log(
    ctx: typer.Context,
    customer_id: str = CUSTOMER_ARGUMENT,
    via: str = typer.Option(..., "--via", help=VIA_HELP, autocompletion=completion.channels),
    content: str = typer.Option(..., "--content", help="What happened: the need, the numbers, their words."),
    at: str = AT_OPTION,
    task: str = typer.Option(None, "--task", help="The planned task this carries out (it is closed)."),
    attach: list[str] = typer.Option([], "--attach", help="A file to attach (repeatable)."),
    next_date: str = typer.Option(None, "--next", help="When to follow up next (YYYY-MM-DD, +7d)."),
    strict: bool = typer.Option(False, "--strict", help="Refuse a vague note instead of warning."),
) -> None:
    """Record a follow-up; prints its record reference.

    Example: salescrm followup log CRM202405001 --via 电话
    --content "客户希望下月交付,对价格上浮5%可接受" --next 2024-05-17
    """
    from salescrm.core.channels import parse_channel
    from salescrm.core.followups import NewRecord, check_note, log_followup
    from salescrm.core.parse import day_of, parse_date
    from salescrm.store.attachments import attach as attach_file

    s = session(ctx)
    config = s.config
    via = parse_channel(via, config)
    when = s.moment(at)
    following = parse_date(next_date, day_of(when), "--next date") if next_date else None
    warning = check_note(content, config, strict)
    acting = s.member
    with s.datadir.transaction("followup log", acting) as tx:
        customer = s.datadir.read_customer(customer_id)
        files = [attach_file(tx, s.datadir, customer.id, path, config) for path in attach]
        record = log_followup(customer, NewRecord(when, via, acting, content, following, task, files))
        tx.save(customer, f"{customer.id}-{record.id}")
    if warning:
        warn(warning)
    out(f"{customer.id}-{record.id}\n")


def _close(s: Session, reference: str, status: str, when: Any, note: str | None) -> str:
    from salescrm.core.followups import close_task, find_task
    from salescrm.core.ids import parse_reference
    from salescrm.core.timeline import item_here

    ref = parse_reference(reference, "T")
    with s.datadir.transaction(f"followup {status}", s.member) as tx:
        customer = s.datadir.read_customer(ref.customer)
        item = item_here(customer, ref.customer, ref.item) or ref.item  # DROP-T1 after a merge
        close_task(find_task(customer, item), customer.id, status, when, note)
        tx.save(customer, str(ref))
    return str(ref)


@followup_app.command("done")
def done(
    ctx: typer.Context,
    task: str = TASK_ARGUMENT,
    note: str = typer.Option(None, "--note", help="What came of it."),
    at: str = AT_OPTION,
) -> None:
    """Mark a planned follow-up done (``followup log --task`` also records what happened).

    Example: salescrm followup done CRM202405001-T1 --note 已演示样机,客户确认配置
    """
    from salescrm.core.parse import parse_text

    s = session(ctx)
    when = s.moment(at)
    text = parse_text(note, "--note", 2000) if note is not None else None
    out(_close(s, task, "done", when, text) + "\n")


@followup_app.command("cancel")
def cancel(
    ctx: typer.Context,
    task: str = TASK_ARGUMENT,
    reason: str = typer.Option(..., "--reason", help="Why it will not happen."),
) -> None:
    """Cancel a planned follow-up, with the reason.

    Example: salescrm followup cancel CRM202405001-T2 --reason 客户改为线上会议
    """
    from salescrm.core.parse import parse_text

    s = session(ctx)
    out(_close(s, task, "cancelled", s.now(), parse_text(reason, "--reason", 2000)) + "\n")


LIST_COLUMNS = ["ref", "customer", "kind", "when", "via", "owner", "status", "text"]


@followup_app.command("list")
def list_followups(
    ctx: typer.Context,
    customer_id: str | None = ONLY_CUSTOMER,
    owner: str = typer.Option(
        None, "--owner", help="Only this member's ('me' for you).", autocompletion=completion.members
    ),
    open_only: bool = typer.Option(False, "--open", help="Only open planned follow-ups."),
    since: str = typer.Option(None, "--since", help="Only from this date on."),
    vague: bool = typer.Option(False, "--vague", help="Only records with a vague note, and why."),
    as_of: str = typer.Option(None, "--as-of", help="As they stood on this day (default: today)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List planned follow-ups and records, oldest first (--vague: the notes to make concrete).

    Example: salescrm followup list CRM202405001 --since 2024-05-01
    Example: salescrm followup list --vague --owner me
    """
    from salescrm.core.followups import ListFilter, followup_rows
    from salescrm.core.parse import parse_date
    from salescrm.i18n import label

    s = session(ctx)
    wanted = ListFilter(
        owner=s.member_option(owner),
        open_only=open_only,
        since=parse_date(since, s.today(), "--since date") if since else None,
        vague_in=s.config if vague else None,
    )
    customers = one_or_every(s, customer_id, s.today(as_of))
    rows = followup_rows(customers, wanted)
    if fmt != Format.json:
        for row in rows:
            row["via"] = label("channel", str(row["via"]), s.lang)
            row["kind"] = label("followup kind", str(row["kind"]), s.lang)
            row["status"] = label("task status", str(row["status"]), s.lang) if row["status"] else ""
    out(render(rows, [*LIST_COLUMNS, "vague"] if vague else LIST_COLUMNS, fmt, s.lang))


def register(app: typer.Typer) -> None:
    app.add_typer(followup_app, name="followup")
