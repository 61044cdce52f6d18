"""``salescrm member add|list``: the people of the team."""

from __future__ import annotations

from typing import Any

import typer

from salescrm.cli.context import out, session
from salescrm.cli.render import FORMAT_OPTION, Format, render

members_app = typer.Typer(help="Team members: add, list, deactivate.", no_args_is_help=True)


@members_app.command("add")
def add(
    ctx: typer.Context,
    member_id: str = typer.Argument(..., metavar="ID", help="Short id, e.g. zhang.wei."),
    name: str = typer.Option(None, "--name", help="Full name, e.g. 张伟."),
    email: str = typer.Option(None, "--email", help="E-mail; matched against git config user.email."),
    dept: str = typer.Option(
        "sales",
        "--dept",
        help="sales | marketing | after-sales | management (or 销售, 市场部, 售后, 管理层).",
    ),
    role: str = typer.Option(
        "rep",
        "--role",
        help="rep | manager | marketing | after-sales (or 销售代表, 经理, 市场, 售后); "
        "a marketing or after-sales --dept makes a rep that role.",
    ),
    manager: str = typer.Option(None, "--manager", help="The member's manager (a member id)."),
) -> None:
    """Add a member to the team.

    Example: salescrm member add zhang.wei --name 张伟 --email zhang.wei@example.com --manager li.na
    """
    from salescrm.core.members import new_member
    from salescrm.store.datadir import edit_config

    s = session(ctx)
    config = s.config
    member = new_member(member_id, name, email, dept, role, manager, config)

    def append(document: Any) -> None:
        if document.get("members") is None:
            document["members"] = []
        document["members"].append({k: v for k, v in vars(member).items() if v not in (None, True)})

    # The first members add themselves; once the team has a manager, the rules apply.
    has_manager = any(m.role == "manager" and m.active for m in config.members)
    actor = s.member if has_manager else s.as_option or member.id
    with s.datadir.transaction("member add", actor) as tx:
        tx.records.append(member.id)
        edit_config(tx, append)
    out(f"{member.id}\n")


@members_app.command("deactivate")
def deactivate(
    ctx: typer.Context,
    member_id: str = typer.Argument(..., metavar="MEMBER", help="The member's id."),
    undo: bool = typer.Option(False, "--undo", help="Make the member active again."),
) -> None:
    """Deactivate a member (a leaver): they may no longer act or be given customers;
    their records and history stay. Managers only (rule config.members).

    Example: salescrm member deactivate chen.jie
    """
    from salescrm.core.members import set_active
    from salescrm.store.datadir import edit_config

    s = session(ctx)
    index = set_active(s.config, member_id, active=undo)

    def change(document: Any) -> None:
        entry = document["members"][index]
        if undo:
            entry.pop("active", None)
        else:
            entry["active"] = False

    with s.datadir.transaction("member " + ("deactivate --undo" if undo else "deactivate"), s.member) as tx:
        tx.records.append(member_id)
        edit_config(tx, change)
    from salescrm.core.errors import Msg
    from salescrm.i18n import say

    done = (
        Msg("{member_id} active", member_id=member_id)
        if undo
        else Msg("{member_id} deactivated", member_id=member_id)
    )
    out(say(done, s.lang) + "\n")


@members_app.command("list")
def list_members(
    ctx: typer.Context,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List the team's members.

    Example: salescrm member list -f json
    """
    from salescrm.i18n import label

    s = session(ctx)
    lang = s.lang
    rows = [
        {
            **vars(m),
            "dept": label("department", m.dept, lang) if fmt == Format.table else m.dept,
            "role": label("role", m.role, lang) if fmt == Format.table else m.role,
        }
        for m in s.config.members
    ]
    out(render(rows, ["id", "name", "email", "dept", "role", "manager", "active"], fmt, lang))


def register(app: typer.Typer) -> None:
    app.add_typer(members_app, name="member")
