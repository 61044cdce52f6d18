"""The weekly or monthly review pack (复盘会): every figure of the meeting, as plain data.

Nothing is computed twice: the sections are the existing reports (attainment,
pipeline, conversion, lost reasons, industry, activity, receivables, forecast), the reminders digest,
the tier review and a saved filter, run for one period as of one day. The
formats (``formats/review_html.py``, ``formats/review_md.py``) only lay them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from salescrm.core.activityrows import ActivityRows, as_activity
from salescrm.core.config import Config
from salescrm.core.dealrows import DealRows, as_rows, in_days, lost_deals, won_deals
from salescrm.core.listrows import Row
from salescrm.core.model import Customer, TierChange
from salescrm.core.periods import Period, quarter_of
from salescrm.core.query import parse_query, query_context
from salescrm.core.reminders import Digest, Reminder, build_digests
from salescrm.core.reports import TOTAL, Report
from salescrm.core.reports.activity import activity
from salescrm.core.reports.attainment import attainment
from salescrm.core.reports.conversion import conversion
from salescrm.core.reports.forecast import forecast
from salescrm.core.reports.industry import industry
from salescrm.core.reports.lost_reasons import lost_reasons
from salescrm.core.reports.pipeline import pipeline
from salescrm.core.reports.receivables import receivables
from salescrm.core.targets import Targets
from salescrm.core.tiers import TierReview, review_tiers

HIGH_POTENTIAL = "高潜客户"  # the seed's saved filter: the review lists its customers


@dataclass(frozen=True)
class ClosedDeal:
    """A deal won or lost in the period."""

    reference: str  # CRM202405001-O1
    customer: str
    name: str
    owner: str
    amount: Decimal  # the contract amount when won, else the expected amount
    day: date  # signed, or marked lost
    detail: str = ""  # the contract number, or the loss reason
    stage: str = ""  # lost: the stage it was lost in


@dataclass(frozen=True)
class TierMove:
    """A tier change recorded in the customer's history during the period."""

    customer: DealRows  # its number, name and owner
    change: TierChange


@dataclass(frozen=True)
class SavedFilter:
    """One of the team's saved filters, and the customers it finds."""

    name: str
    expression: str | None  # None: the team has no filter of that name
    customers: list[Row] = field(default_factory=list)  # their list rows


@dataclass
class ReviewPack:
    """Everything the review pack shows, computed before it is rendered."""

    team: str
    members: dict[str, str]  # id → name, for the owner columns
    period: Period
    as_of: date
    owner: str | None
    attainment: Report
    pipeline: Report
    conversion: Report
    lost_reasons: Report
    industry: Report
    activity: Report  # one total row per member
    won: list[ClosedDeal]
    lost: list[ClosedDeal]
    overdue: list[Reminder]
    stale: list[Reminder]
    tier_proposals: list[TierReview]
    tier_moves: list[TierMove]
    saved_filter: SavedFilter
    receivables: Report  # what won contracts owe as of the day, per member (回款)
    forecast: Report  # the forecast of the quarter holding the day


class ReviewRows(NamedTuple):
    """What the pack reads of every customer as of its day: rows and summaries the index
    keeps (``review_rows`` computes them from whole customers), no whole record."""

    deals: list[DealRows]
    activity: list[ActivityRows]  # with each customer's tier changes
    digests: dict[str, Digest]  # everyone's reminders (``build_digests``, nothing ahead)
    lists: list[Row]  # what the saved filter tests and prints
    money: list[Customer]  # won deals' money only (core/moneyrows.py): receivables


def review_rows(customers: list[Customer], config: Config, as_of: date) -> ReviewRows:
    """The pack's rows of whole customers (as they stand on ``as_of``)."""
    from salescrm.core.listrows import row_of

    return ReviewRows(
        as_rows(customers),
        as_activity(customers),
        build_digests(customers, config, as_of),
        [row_of(c) for c in customers],
        customers,
    )


def review_pack(
    customers: list[Customer] | ReviewRows,
    config: Config,
    targets: Targets,
    period: Period,
    as_of: date,
    owner: str | None = None,
    filter_name: str = HIGH_POTENTIAL,
    me: str | None = None,
) -> ReviewPack:
    """The figures of the review of ``period`` as of ``as_of`` (of ``owner``'s work when given),
    from the customers as they stand that day, or their rows (``ReviewRows``).

    Example: review_pack(customers, config, targets, parse_period("2026-11"), date(2026, 11, 27))
    """
    data = customers if isinstance(customers, ReviewRows) else review_rows(customers, config, as_of)
    rows = data.deals
    team_activity = activity(data.activity, period, as_of, "week", owner)
    team_activity.rows = [row for row in team_activity.rows if row["period"] == TOTAL]
    return ReviewPack(
        team=config.team,
        members={m.id: m.name for m in config.members},
        period=period,
        as_of=as_of,
        owner=owner,
        attainment=attainment(rows, config, targets, period, as_of, owner),
        pipeline=pipeline(rows, config, as_of, None, "stage", owner),
        conversion=conversion(rows, period, as_of, owner),
        lost_reasons=lost_reasons(rows, period, as_of, "reason", owner),
        industry=industry(rows, config, period, as_of, owner),
        activity=team_activity,
        won=won_in(rows, period, as_of, owner),
        lost=lost_in(rows, period, as_of, owner),
        overdue=_reminders(data.digests, owner, "overdue"),
        stale=_reminders(data.digests, owner, "stale"),
        tier_proposals=review_tiers([r for r in rows if owner in (None, r.owner)], as_of, config),
        tier_moves=tier_moves([r for r in rows if owner in (None, r.owner)], data.activity, period, as_of),
        saved_filter=run_saved_filter(
            [r for r in data.lists if owner in (None, r.owner)], config, filter_name, as_of, me
        ),
        receivables=receivables(data.money, config, as_of, owner, "member"),
        forecast=forecast(rows, config, targets, quarter_of(as_of), as_of, owner),
    )


def won_in(
    customers: Sequence[Customer | DealRows], period: Period, as_of: date, owner: str | None
) -> list[ClosedDeal]:
    """Deals whose contract was signed in the period (up to ``as_of``), largest first."""
    deals = [
        ClosedDeal(
            f"{c.id}-{d.id}",
            c.name,
            d.name,
            d.owner,
            Decimal(d.won_amount),
            date.fromordinal(d.won),
            d.contract,
        )
        for c, d in won_deals(as_rows(customers), in_days(period, as_of))
        if d.won is not None and owner in (None, d.owner)
    ]
    return sorted(deals, key=lambda d: (-d.amount, d.reference))


def lost_in(
    customers: Sequence[Customer | DealRows], period: Period, as_of: date, owner: str | None
) -> list[ClosedDeal]:
    """Deals marked lost in the period (up to ``as_of``), largest first."""
    deals = [
        ClosedDeal(
            f"{c.id}-{d.id}",
            c.name,
            d.name,
            d.owner,
            Decimal(d.amount),
            date.fromordinal(d.lost),
            d.lost_reason or "",
            d.lost_stage,
        )  # fmt: skip
        for c, d in lost_deals(as_rows(customers), in_days(period, as_of))
        if d.lost is not None and owner in (None, d.owner)
    ]
    return sorted(deals, key=lambda d: (-d.amount, d.reference))


def _reminders(digests: dict[str, Digest], owner: str | None, section: str) -> list[Reminder]:
    """One section of everyone's reminders (``owner``'s only when given), most overdue first."""
    found = [
        reminder
        for member, digest in digests.items()
        if owner in (None, member)
        for reminder in getattr(digest, section)
    ]
    return sorted(found, key=lambda r: (-r.days, r.reference))


def tier_moves(
    customers: list[DealRows], activity: list[ActivityRows], period: Period, as_of: date
) -> list[TierMove]:
    """Tier history entries of ``customers`` dated in the period (up to ``as_of``), oldest
    first; their changes are in their ``activity`` rows."""
    days = in_days(period, as_of)
    changes = {rows.id: rows.tier_changes for rows in activity}
    moves = [
        TierMove(c, TierChange(date.fromordinal(at), from_tier, to_tier, reason))
        for c in customers
        for at, from_tier, to_tier, reason in changes.get(c.id, ())
        if at in days
    ]
    return sorted(moves, key=lambda m: (m.change.at, m.customer.id))


def run_saved_filter(rows: list[Row], config: Config, name: str, as_of: date, me: str | None) -> SavedFilter:
    """The customers (their list rows) the saved filter ``name`` matches; an empty SavedFilter
    when there is none."""
    expression = config.filters.get(name)
    if expression is None:
        return SavedFilter(name, None)
    query = parse_query(expression)
    context = query_context(as_of, me, config)
    keep_archived = "archived" in expression.lower()
    matched = [
        r
        for r in sorted(rows, key=lambda r: r.id)
        if (keep_archived or not r.archived) and query.matches_row(r, context)
    ]
    return SavedFilter(name, expression, matched)
