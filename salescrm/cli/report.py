"""``salescrm report …``: the reports a sales manager reads, in every output format."""

from __future__ import annotations

from datetime import date

import typer

from salescrm.cli.context import Session, out, session
from salescrm.cli.render import FORMAT_OPTION, Format, cell, render, table, to_json
from salescrm.core.dealrows import DealRows
from salescrm.core.errors import Msg, UsageError
from salescrm.core.labels import CHANNELS
from salescrm.core.periods import Period
from salescrm.core.reports import Report
from salescrm.i18n import figure, heading, label, t

report_app = typer.Typer(
    help="Reports: attainment, conversion, industry, lost-reasons, pipeline, activity, receivables, "
    "collection, forecast, review.",
    no_args_is_help=True,
)
PERIOD_OPTION = typer.Option(None, "--period", help="2026 | 2026Q3 | 2026-09 | 2026-W48 (default: the year).")
AS_OF_OPTION = typer.Option(None, "--as-of", help="Report as on this day (default: today).")
OWNER_OPTION = typer.Option(None, "--owner", help="Only this member's deals ('me' for you).")


def _deal_rows(s: Session, day: date) -> list[DealRows]:
    """What the deal reports read of every customer as of ``day``, from the cache's index
    (core/dealrows.py)."""
    rows: list[DealRows] = s.summaries("deals", day)
    return rows


def _period(text: str | None, as_of: date, default: str = "year") -> Period:
    from salescrm.core.periods import month_of, parse_period, year_period

    if text:
        return parse_period(text)
    return month_of(as_of) if default == "month" else year_period(as_of.year)


def _labelled(row: dict[str, object], columns: list[str], lang: str) -> dict[str, object]:
    """A row as a table shows it: stage labels, the total row's and no value's words."""
    from salescrm.core.reports import NONE, TOTAL

    shown = {**row, "stage": label("stage", str(row["stage"]), lang)} if "stage" in row else dict(row)
    for column in (columns[0], "period"):
        if shown.get(column) in (TOTAL, NONE):
            shown[column] = t(lang, "report", str(shown[column]))
    return shown


def channel_headings(lang: str) -> dict[str, str]:
    """activity counts follow-ups per channel: 邮件 (the channel), not 邮箱 (a contact's address)."""
    return {key: label("channel", key, lang) for key in CHANNELS.keys}


CHART_OPTION = typer.Option(False, "--chart", help="Draw horizontal bars instead of the table.")


def show(s: Session, report: Report, fmt: Format, as_of: date, chart: bool = False) -> None:
    """A report's rows as a table, then its key figures (json holds both)."""
    if chart:
        from salescrm.formats.charts import terminal_bars
        from salescrm.formats.report_charts import report_bars

        out(terminal_bars(report_bars(report, s.lang), target=heading("target", s.lang)))
        return
    if fmt == Format.json:
        out(to_json({"report": report.name, "period": report.period, "as_of": as_of,
                     "rows": report.rows, "summary": report.summary}))  # fmt: skip
        return
    if fmt == Format.csv:  # the scripting interface: English keys and values
        out(render(report.rows, report.columns, fmt, s.lang))
        return
    rows = [_labelled(row, report.columns, s.lang) for row in report.rows]
    headings = channel_headings(s.lang) if report.name == "activity" else None
    out(render(rows, report.columns, fmt, s.lang, headings))
    if report.summary:
        figures = [[figure(key, s.lang), cell(value)] for key, value in report.summary.items()]
        out("\n" + table(figures, [heading("figure", s.lang), heading("value", s.lang)], fmt))


@report_app.command("attainment")
def attainment(
    ctx: typer.Context,
    period: str = PERIOD_OPTION,
    as_of: str = AS_OF_OPTION,
    owner: str = OWNER_OPTION,
    basis: str = typer.Option(
        None,
        "--basis",
        help="signed (contracts signed) | collected (money received); default: salescrm.yaml.",
    ),
    chart: bool = CHART_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Target, won amount, attainment %, gap and weighted pipeline per member and for the team;
    won counts contracts signed in the period, or with --basis collected the money received.

    Example: salescrm report attainment --period 2026Q3 --as-of 2026-09-30 --basis collected
    """
    from salescrm.cli.pay import money_as_of
    from salescrm.core.config import BASES
    from salescrm.core.dealrows import in_days
    from salescrm.core.reports.attainment import attainment as build
    from salescrm.core.reports.receivables import collected
    from salescrm.core.targets import targets_from_data

    s = session(ctx)
    day = s.today(as_of)
    chosen = _period(period, day)
    member = s.member_option(owner)
    counted = (basis or s.config.attainment_basis).strip().lower()
    if counted not in BASES:
        raise UsageError(
            Msg("unknown --basis {basis!r}", basis=basis), hint=Msg("one of: {names}", names=", ".join(BASES))
        )
    money = collected(money_as_of(s, day), in_days(chosen, day)) if counted == "collected" else None
    targets = targets_from_data(s.config.targets)
    report = build(_deal_rows(s, day), s.config, targets, chosen, day, member, money)
    show(s, report, fmt, day, chart)


@report_app.command("conversion")
def conversion(
    ctx: typer.Context,
    period: str = PERIOD_OPTION,
    as_of: str = AS_OF_OPTION,
    owner: str = OWNER_OPTION,
    chart: bool = CHART_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Deals opened in the period: how many reached each stage, lead→won %, win rate, days per stage.

    Example: salescrm report conversion --period 2026Q1 --as-of 2026-06-30
    """
    from salescrm.core.reports.conversion import conversion as build

    s = session(ctx)
    day = s.today(as_of)
    show(s, build(_deal_rows(s, day), _period(period, day), day, s.member_option(owner)), fmt, day, chart)


@report_app.command("industry")
def industry(
    ctx: typer.Context,
    period: str = PERIOD_OPTION,
    as_of: str = AS_OF_OPTION,
    owner: str = typer.Option(None, "--owner", help="Only this member's customers ('me' for you)."),
    chart: bool = CHART_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Customers per industry and tier, won amount per industry, and their shares.

    Example: salescrm report industry --period 2026 -f md
    """
    from salescrm.core.reports.industry import industry as build

    s = session(ctx)
    day = s.today(as_of)
    report = build(_deal_rows(s, day), s.config, _period(period, day), day, s.member_option(owner))
    show(s, report, fmt, day, chart)


@report_app.command("lost-reasons")
def lost_reasons(
    ctx: typer.Context,
    period: str = PERIOD_OPTION,
    as_of: str = AS_OF_OPTION,
    owner: str = OWNER_OPTION,
    by: str = typer.Option("reason", "--by", help="reason | competitor | stage (the stage at loss)."),
    chart: bool = CHART_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Lost deals per loss reason, competitor or stage at loss: count, amount, shares.

    Example: salescrm report lost-reasons --period 2026 --by competitor
    """
    from salescrm.core.reports.lost_reasons import lost_reasons as build

    s = session(ctx)
    day = s.today(as_of)
    show(s, build(_deal_rows(s, day), _period(period, day), day, by, s.member_option(owner)), fmt, day, chart)


@report_app.command("pipeline")
def pipeline(
    ctx: typer.Context,
    period: str = typer.Option(None, "--period", help="Only deals expected to close in this period."),
    as_of: str = AS_OF_OPTION,
    owner: str = OWNER_OPTION,
    by: str = typer.Option("stage", "--by", help="stage (and close month) | month | owner."),
    chart: bool = CHART_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Open deals by stage and expected close month: count, amount, probability-weighted amount.

    Example: salescrm report pipeline --as-of 2026-11-27 --by month
    """
    from salescrm.core.periods import parse_period
    from salescrm.core.reports.pipeline import pipeline as build

    s = session(ctx)
    day = s.today(as_of)
    chosen = parse_period(period) if period else None
    show(s, build(_deal_rows(s, day), s.config, day, chosen, by, s.member_option(owner)), fmt, day, chart)


@report_app.command("activity")
def activity(
    ctx: typer.Context,
    period: str = typer.Option(
        None, "--period", help="2026 | 2026Q3 | 2026-09 | 2026-W48 (default: the month)."
    ),
    as_of: str = AS_OF_OPTION,
    owner: str = typer.Option(None, "--owner", help="Only this member ('me' for you)."),
    by: str = typer.Option("week", "--by", help="week | month."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Follow-ups per member per week or month and per channel; tasks done on time or late; overdue now.
    Every sales member is listed: one with nothing in the period shows a total row of zeros.

    Example: salescrm report activity --period 2026-11 --by week
    """
    from salescrm.core.reports.activity import activity as build

    s = session(ctx)
    day = s.today(as_of)
    chosen, member = _period(period, day, "month"), s.member_option(owner)
    report = build(s.summaries("activity", day), chosen, day, by, member, s.config)
    show(s, report, fmt, day)


@report_app.command("forecast")
def forecast(
    ctx: typer.Context,
    period: str = typer.Option(None, "--period", help="2026Q4 | 2026 | 2026-11 (default: this quarter)."),
    as_of: str = AS_OF_OPTION,
    owner: str = OWNER_OPTION,
    accuracy: bool = typer.Option(
        False,
        "--accuracy",
        help="Instead: each past month's forecast (as of its first day) against what was won.",
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The forecast per member and team: won, commit, best case, pipeline and weighted pipeline
    closing in the period against the remaining target (coverage); velocity, deals past their
    close date or their stage's limit. --accuracy: how well past months' forecasts held.

    Example: salescrm report forecast --period 2026Q4 --as-of 2026-11-27
    """
    from salescrm.core.periods import quarter_of
    from salescrm.core.reports.forecast import accuracy as held
    from salescrm.core.reports.forecast import forecast as build
    from salescrm.core.reports.forecast import past_months
    from salescrm.core.targets import targets_from_data

    s = session(ctx)
    day = s.today(as_of)
    chosen = _period(period, day) if period else quarter_of(day)
    member = s.member_option(owner)
    if accuracy:
        report = held(lambda on: _deal_rows(s, on), s.config, past_months(chosen, day), day, member)
    else:
        report = build(_deal_rows(s, day), s.config, targets_from_data(s.config.targets), chosen, day, member)
    show(s, report, fmt, day)


@report_app.command("receivables")
def receivables(
    ctx: typer.Context,
    as_of: str = AS_OF_OPTION,
    owner: str = OWNER_OPTION,
    by: str = typer.Option("customer", "--by", help="customer | member."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """What won contracts still owe: owed, not yet due, overdue by age (0-30, 31-60,
    61-90, over 90 days) per customer or member; the total is contract amounts less receipts.

    Example: salescrm report receivables --as-of 2026-11-27 --by member
    """
    from salescrm.cli.pay import money_as_of
    from salescrm.core.reports.receivables import receivables as build

    s = session(ctx)
    day = s.today(as_of)
    if by not in ("customer", "member"):
        raise UsageError(Msg("unknown --by {by!r}", by=by), hint=Msg("one of: customer, member"))
    show(s, build(money_as_of(s, day), s.config, day, s.member_option(owner), by), fmt, day)


@report_app.command("collection")
def collection(
    ctx: typer.Context,
    period: str = PERIOD_OPTION,
    as_of: str = AS_OF_OPTION,
    owner: str = OWNER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Planned against received in the period, per member and month, and the collection
    rate (received ÷ planned).

    Example: salescrm report collection --period 2026Q4 --as-of 2026-11-27
    """
    from salescrm.cli.pay import money_as_of
    from salescrm.core.reports.receivables import collection as build

    s = session(ctx)
    day = s.today(as_of)
    show(s, build(money_as_of(s, day), s.config, _period(period, day), day, s.member_option(owner)), fmt, day)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
