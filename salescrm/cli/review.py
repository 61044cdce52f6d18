"""``salescrm report review``: the weekly or monthly review pack, as HTML or Markdown."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from salescrm.cli.context import Session, out, session
from salescrm.core.errors import Msg

if TYPE_CHECKING:
    from salescrm.core.review import ReviewRows


class ReviewFormat(StrEnum):
    md = "md"
    html = "html"


DEFAULT_FILTER = "高潜客户"  # the seed's high-potential customers


def review(
    ctx: typer.Context,
    period: str = typer.Option(None, "--period", help="2026-W48 | 2026-11 | 2026Q4 (default: the month)."),
    as_of: str = typer.Option(None, "--as-of", help="Review as on this day (default: today)."),
    owner: str = typer.Option(None, "--owner", help="Only this member's figures ('me' for you)."),
    filter_name: str = typer.Option(
        DEFAULT_FILTER, "--filter", help="The saved filter whose customers the pack lists."
    ),
    fmt: ReviewFormat = typer.Option(ReviewFormat.md, "-f", "--format", help="md | html"),
    out_file: Path = typer.Option(
        None, "--out", help="Write to this file (and print its path); else stdout."
    ),
    push: bool = typer.Option(
        False, "--push", help="Post the pack (Markdown) to the team chats (push: review in salescrm.yaml)."
    ),
) -> None:
    """The review meeting's pack: attainment, pipeline funnel, won and lost, loss reasons,
    industries and tiers, activity, overdue follow-ups, stale deals, a saved filter, tier changes.

    HTML is one self-contained file (inline CSS and SVG charts, prints to PDF);
    Markdown is tables for pasting into WeCom, DingTalk or Feishu.

    Example: salescrm report review --period 2026-11 --as-of 2026-11-27 -f html --out review-2026-11.html

    Example: salescrm report review --period 2026-W48 --push   (the team chats: docs/push.md)
    """
    from salescrm.cli.report import _period
    from salescrm.core.query import parse_query
    from salescrm.core.review import review_pack
    from salescrm.core.targets import targets_from_data

    s = session(ctx)
    target = None
    if out_file is not None:
        from salescrm.store.outputs import check_output

        target = check_output(s.datadir, out_file)
    day = s.today(as_of)
    chosen = _period(period, day, "month")
    member = s.member_option(owner)
    expression = s.config.filters.get(filter_name)
    if expression is None and filter_name != DEFAULT_FILTER:
        # The default filter may be missing (the pack says so); a filter asked for by name may not.
        from salescrm.core.errors import NotFoundError

        known = ", ".join(s.config.filters) or "none"
        raise NotFoundError(
            Msg("no saved filter {filter_name!r}", filter_name=filter_name),
            hint=Msg("saved filters: {known}", known=known),
        )
    me = s.member if expression and parse_query(expression).uses_me else None  # only then must we know who
    pack = review_pack(_rows(s, day), s.config, targets_from_data(s.config.targets), chosen, day, member,
                       filter_name, me)  # fmt: skip
    if push:
        from salescrm.cli.pushing import push_messages
        from salescrm.formats.review_md import review_message

        push_messages(s, "review", [review_message(pack, s.lang)])
        if target is None:
            return
    if fmt == ReviewFormat.html:
        from salescrm.formats.review_html import review_html

        text = review_html(pack, s.lang)
    else:
        from salescrm.formats.review_md import review_markdown

        text = review_markdown(pack, s.lang)
    if target is None:
        out(text)
        return
    from salescrm.store.outputs import write_output

    write_output(target, text.encode("utf-8"))
    out(f"{target}\n")


def _rows(s: Session, day: date) -> ReviewRows:
    """What the pack reads of every customer as of ``day``, from the index: its summaries and
    remind's query (no record decoded but those with events after the day, rewound)."""
    from salescrm.cli.pay import money_as_of
    from salescrm.core.reminders import due_digests, least_days
    from salescrm.core.review import ReviewRows

    digests = due_digests(s.reminders_due(day, least_days(s.config, 0)), s.config, day)
    return ReviewRows(
        s.summaries("deals", day), s.summaries("activity", day), digests, s.summaries("list", day),
        money_as_of(s, day),
    )  # fmt: skip


def register(app: typer.Typer) -> None:
    from salescrm.cli.report import report_app

    report_app.command("review")(review)
