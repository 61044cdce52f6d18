"""The quarter's forecast and the pipeline's health: what a manager can commit to, and how
well past forecasts held. Definitions (and the conventions they follow) in docs/reports.md.

A deal's forecast category is its own (``opp set OPP forecast=…``) or its stage's
(``forecast`` of the stage in salescrm.yaml, core/config.py). The forecast counts deals
expected to close in the period:
``commit`` = won in the period + open commit deals; ``best_case`` = commit + open best-case
deals; ``pipeline`` = every open deal (but omitted ones). Everything is read from deal rows
as of a day, so a forecast "as of" the first of a past month is what it said that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from salescrm.core.config import Config
from salescrm.core.dealrows import Deal, DealRows, as_rows, in_days, lost_deals, open_deals, won_deals
from salescrm.core.model import Customer
from salescrm.core.periods import Period, month_of, months_in
from salescrm.core.reports import TOTAL, Report, percent, total
from salescrm.core.targets import Targets

COLUMNS = [
    "member",
    "target",
    "won",
    "commit",
    "best_case",
    "pipeline",
    "weighted",
    "remaining_target",
    "coverage",
]
ACCURACY_COLUMNS = ["member", "month", "forecast", "won", "accuracy_pct"]
YEAR_DAYS = 365  # the window of closed deals velocity learns from


def category(deal: Deal, stage: str, config: Config) -> str:
    """The deal's own category, else its stage's (salescrm.yaml), else ``pipeline``."""
    rule = config.stages.get(stage)
    return deal.forecast or (rule.forecast if rule else None) or "pipeline"


def _sums(rows: list[DealRows], config: Config, period: Period, as_of: date) -> dict[str, dict[str, Decimal]]:
    """Per owner: won in the period up to ``as_of``, and the open deals closing in it by category."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for _, deal in won_deals(rows, in_days(period, as_of)):
        sums[deal.owner]["won"] += Decimal(deal.won_amount)
    closing = in_days(period)
    for _, deal, stage in open_deals(rows, as_of.toordinal()):
        kind = category(deal, stage, config)
        if deal.close not in closing or kind == "omitted":
            continue
        figures = sums[deal.owner]
        figures[kind] += Decimal(deal.amount)
        figures["weighted"] += deal.weighted(config, stage)
    return sums


def _row(member: str, target: Decimal | None, f: dict[str, Decimal]) -> dict[str, object]:
    won = f["won"]
    commit = won + f["commit"]
    best = commit + f["best_case"]
    remaining = max((target or Decimal(0)) - won, Decimal(0)) if target is not None else None
    coverage = (f["weighted"] / remaining).quantize(Decimal("0.01"), ROUND_HALF_UP) if remaining else None
    pipeline = f["commit"] + f["best_case"] + f["pipeline"]
    return {"member": member, "target": target, "won": total([won]), "commit": total([commit]),
            "best_case": total([best]), "pipeline": total([pipeline]), "weighted": total([f["weighted"]]),
            "remaining_target": remaining, "coverage": coverage}  # fmt: skip


def forecast(
    customers: Sequence[Customer | DealRows],
    config: Config,
    targets: Targets,
    period: Period,
    as_of: date,
    owner: str | None = None,
) -> Report:
    """Per member and the team: target, won, commit, best case, pipeline and weighted pipeline
    closing in the period, what is left of the target and the coverage of it; key figures
    for the pipeline's health."""
    rows = as_rows(customers)
    sums = _sums(rows, config, period, as_of)
    sellers = [m.id for m in config.members if m.dept == "sales"]
    members = [owner] if owner else sellers + sorted(set(sums) - set(sellers))
    lines = [_row(m, targets.of(m, period), sums[m]) for m in members]
    if owner is None:
        team: dict[str, Decimal] = defaultdict(Decimal)
        for figures in sums.values():
            for key, value in figures.items():
                team[key] += value
        lines.append(_row(TOTAL, targets.team(period), team))
    return Report("forecast", period.label, COLUMNS, lines, health(rows, config, as_of, owner))


def health(rows: list[DealRows], config: Config, as_of: date, owner: str | None = None) -> dict[str, object]:
    """Deal velocity (open deals × average won amount × win rate ÷ average cycle days: the
    money the pipeline yields a day), deals past their close date, and deals in a stage
    longer than its limit (``stale_days`` of the stage in salescrm.yaml)."""
    day = as_of.toordinal()
    year = range(day - YEAR_DAYS + 1, day + 1)
    mine: Callable[[Deal], bool] = lambda deal: owner is None or deal.owner == owner  # noqa: E731
    won = [deal for _, deal in won_deals(rows, year) if mine(deal)]
    lost = [deal for _, deal in lost_deals(rows, year) if mine(deal)]
    opened = [(deal, stage) for _, deal, stage in open_deals(rows, day) if mine(deal)]
    velocity = None
    if won:
        average = sum((Decimal(d.won_amount) for d in won), Decimal(0)) / len(won)
        cycle = Decimal(sum(max((d.won or d.opened) - d.opened, 1) for d in won)) / len(won)
        velocity = total([len(opened) * average * len(won) / (len(won) + len(lost)) / cycle])
    past_close = [d for d, _ in opened if d.close < day]
    aged = [d for d, stage in opened if _days_in_stage(d, day) > (config.stages[stage].stale_days or 10**6)]
    return {"open_deals": len(opened), "win_rate_pct": percent(len(won), len(won) + len(lost)),
            "velocity_per_day": velocity, "past_close_deals": len(past_close),
            "past_close_amount": total(Decimal(d.amount) for d in past_close),
            "deals_past_stage_limit": len(aged)}  # fmt: skip


def _days_in_stage(deal: Deal, day: int) -> int:
    """Days since the deal's last stage move up to ``day`` (else since it was opened)."""
    moves = [at for _, at in deal.pairs() if at <= day]
    return day - max([deal.opened, *moves])


def accuracy(
    rows_on: Callable[[date], list[DealRows]], config: Config, months: list[Period], as_of: date,
    owner: str | None = None,
) -> Report:  # fmt: skip
    """Forecast accuracy: per member and past month, the commit forecast as of the month's
    first day (``rows_on(day)``: the deal rows as they stood then) against what was won in
    the month (as of ``as_of``); accuracy = won ÷ forecast."""
    now = rows_on(as_of)
    lines = []
    for month in months:
        if month.end >= as_of:
            continue  # a month not over yet has no answer
        said = _sums(rows_on(month.start), config, month, month.start)
        won = _sums(now, config, month, as_of)
        members = [owner] if owner else sorted(set(said) | {m for m in won if won[m]["won"]})
        for member in members:
            expected = said[member]["won"] + said[member]["commit"]
            actual = won[member]["won"]
            lines.append({"member": member, "month": month.label, "forecast": total([expected]),
                          "won": total([actual]), "accuracy_pct": percent(actual, expected)})  # fmt: skip
    return Report("forecast-accuracy", None, ACCURACY_COLUMNS, lines)


def past_months(period: Period, as_of: date) -> list[Period]:
    """The months of ``period`` that ended before ``as_of``."""
    return [m for m in months_in(period) if m.end < as_of and m != month_of(as_of)]
