"""``salescrm target set|show|delete``: yearly sales targets with their quarter and month split."""

from __future__ import annotations

from typing import Any

import typer

from salescrm.cli.context import Session, out, session
from salescrm.cli.render import FORMAT_OPTION, Format, render
from salescrm.core.errors import Msg, UsageError
from salescrm.core.targets import TEAM, YearTarget
from salescrm.i18n import say

target_app = typer.Typer(
    help="Sales targets per member and for the team: set, show, delete.", no_args_is_help=True
)


def _who(s: Session, member: str | None, team: bool, setting: bool = False) -> str:
    if team or (member and member.strip().lower() == TEAM):
        if member and member.strip().lower() != TEAM:
            raise UsageError(Msg("give a MEMBER or --team, not both"))
        return TEAM
    if not member:
        raise UsageError(
            Msg("whose target? give a MEMBER or --team"), hint=Msg("e.g. salescrm target set zhang.wei ...")
        )
    found = s.config.member(member.strip())
    if setting:
        from salescrm.core.roles import require_seller

        require_seller(found)
    return found.id


@target_app.command("set")
def set_target(
    ctx: typer.Context,
    member: str = typer.Argument(None, metavar="[MEMBER]", help="The member (or --team)."),
    team: bool = typer.Option(False, "--team", help="The team's own target."),
    year: int = typer.Option(None, "--year", help="Set the whole year, e.g. 2026."),
    quarter: str = typer.Option(None, "--quarter", help="Set one quarter only, e.g. 2026Q3."),
    month: str = typer.Option(None, "--month", help="Set one month only, e.g. 2026-09."),
    amount: str = typer.Option(..., "--amount", help="The target amount, e.g. 1200000 or 120万."),
    split: str = typer.Option(None, "--split", help="even, or quarter weights Q1,Q2,Q3,Q4 such as 4,3,2,1."),
) -> None:
    """Set a yearly target (split over quarters and months), or override one quarter or month.

    Example: salescrm target set zhang.wei --year 2026 --amount 1200000 --split even
    """
    from salescrm.core.parse import parse_amount
    from salescrm.core.periods import parse_period
    from salescrm.core.targets import (
        empty_year,
        parse_split,
        plan_year,
        targets_from_data,
        with_month,
        with_quarter,
        year_target_to_data,
    )
    from salescrm.store.datadir import edit_config

    s = session(ctx)
    who = _who(s, member, team, setting=True)
    if sum(x is not None for x in (year, quarter, month)) != 1:
        raise UsageError(Msg("give exactly one of --year, --quarter or --month"))
    if split is not None and year is None:
        raise UsageError(
            Msg("--split only goes with --year"), hint=Msg("a quarter or month override is one amount")
        )
    value = parse_amount(amount, "target amount", allow_zero=True)
    if year is not None:
        if not 1900 <= year <= 2999:
            raise UsageError(Msg("bad --year {year}", year=year), hint=Msg("e.g. --year 2026"))
        plan = plan_year(year, value, parse_split(split))
        label = str(year)
    else:
        period = parse_period(quarter or month)
        if period.kind != ("quarter" if quarter else "month"):
            raise UsageError(
                Msg("bad --{value} {label!r}", value="quarter" if quarter else "month", label=period.label),
                hint=Msg("e.g. --quarter 2026Q3 or --month 2026-09"),
            )
        year, label = period.start.year, period.label
        current = targets_from_data(s.config.targets).year(who, year) or empty_year(year)
        if quarter:
            plan = with_quarter(current, (period.start.month - 1) // 3 + 1, value)
        else:
            plan = with_month(current, period.start.month, value)

    def change(document: Any) -> None:
        if not document.get("targets"):
            document["targets"] = {}
        if not document["targets"].get(who):
            document["targets"][who] = {}
        document["targets"][who][year] = year_target_to_data(plan)

    with s.datadir.transaction("target set", s.member) as tx:
        tx.records.append(f"{who} {label}")
        edit_config(tx, change)
    out(render(_breakdown(plan), ["period", "target"], Format.table, s.lang))


@target_app.command("delete")
def delete(
    ctx: typer.Context,
    member: str = typer.Argument(None, metavar="[MEMBER]", help="The member (or --team)."),
    team: bool = typer.Option(False, "--team", help="The team's own target."),
    year: int = typer.Option(..., "--year", help="The year whose target goes, e.g. 2026."),
) -> None:
    """Delete one year's target of a member or of the team (its quarter and month split too).

    Example: salescrm target delete zhang.wei --year 2026
    """
    from salescrm.store.datadir import edit_config

    s = session(ctx)
    who = _who(s, member, team)

    def change(document: Any) -> None:
        years = (document.get("targets") or {}).get(who) or {}
        key = next((k for k in years if str(k) == str(year)), None)
        if key is None:
            hint = f"see them with: salescrm target show --year {year}"
            raise UsageError(Msg("no target for {who} in {year}", who=who, year=year), hint=hint)
        del years[key]
        if not years:
            del document["targets"][who]

    with s.datadir.transaction("target delete", s.member) as tx:
        tx.records.append(f"{who} {year}")
        edit_config(tx, change)
    out(say(Msg("deleted the {year} target of {who}", year=year, who=who), s.lang) + "\n")


def _breakdown(plan: YearTarget) -> list[dict[str, Any]]:
    """The year, then each quarter followed by its months."""
    months = plan.month_amounts()
    rows: list[dict[str, Any]] = [{"period": str(plan.year), "target": plan.amount}]
    for index, amount in enumerate(plan.quarters):
        rows.append({"period": f"{plan.year}Q{index + 1}", "target": amount})
        for month in range(3 * index + 1, 3 * index + 4):
            rows.append({"period": f"{plan.year}-{month:02d}", "target": months[month - 1]})
    return rows


@target_app.command("show")
def show(
    ctx: typer.Context,
    member: str = typer.Argument(None, metavar="[MEMBER]", help="One member's breakdown (or --team)."),
    team: bool = typer.Option(False, "--team", help="The team's target."),
    year: int = typer.Option(None, "--year", help="The year (default: this year)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show targets: every member's year and quarters, or one member's months too.

    The team's target, where none is set, is the sum of its members'.

    Example: salescrm target show zhang.wei --year 2026
    """
    from salescrm.core.targets import targets_from_data
    from salescrm.i18n import t

    s = session(ctx)
    wanted = year or s.today().year
    targets = targets_from_data(s.config.targets)
    if member or team:
        who = _who(s, member, team)
        plan = targets.team_year(wanted) if who == TEAM else targets.year(who, wanted)
        if plan is None:
            hint = f"set one with: salescrm target set {who} --year {wanted} --amount A"
            raise UsageError(Msg("no target for {who} in {wanted}", who=who, wanted=wanted), hint=hint)
        out(render(_breakdown(plan), ["period", "target"], fmt, s.lang))
        return
    rows = [_summary(who, targets.year(who, wanted)) for who in targets.members if targets.year(who, wanted)]
    team_plan = targets.team_year(wanted)
    if team_plan is not None:
        rows.append(
            _summary(TEAM if fmt in (Format.json, Format.csv) else t(s.lang, "target", TEAM), team_plan)
        )
    out(render(rows, ["member", "year", "target", "Q1", "Q2", "Q3", "Q4"], fmt, s.lang))


def _summary(who: str, plan: YearTarget | None) -> dict[str, Any]:
    assert plan is not None
    return {"member": who, "year": plan.year, "target": plan.amount,
            **{f"Q{i + 1}": q for i, q in enumerate(plan.quarters)}}  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(target_app, name="target")
