"""Sales targets: per member (and the team) per year, with their quarter and month split.

They live in salescrm.yaml under ``targets:``::

    targets:
      zhang.wei:
        2026:
          amount: 1200000                       # the year
          quarters: {Q1: 300000, Q2: 300000, Q3: 300000, Q4: 300000}
          months: {9: 120000}                   # only months set on their own
      team:                                     # optional: else the sum of the members
        2026: {amount: 5000000, quarters: {Q1: 1250000, Q2: 1250000, Q3: 1250000, Q4: 1250000}}

A month not set on its own gets an even share of what its quarter has left after
the months that are set. A week (or any range of days) gets each month's target
pro rata by days.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from salescrm.core.errors import DamagedError, Msg, UsageError
from salescrm.core.parse import normal_amount
from salescrm.core.periods import Period, month_period, months_in, quarter_period, year_period
from salescrm.core.schema import Reader

TEAM = "team"  # the key of the team's own target; members are every other key
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True)
class YearTarget:
    """A year's sales target, by quarter and, where set, by month."""

    year: int
    amount: Decimal
    quarters: tuple[Decimal, Decimal, Decimal, Decimal]
    months: dict[int, Decimal] = field(default_factory=dict)  # months set on their own

    def month_amounts(self) -> list[Decimal]:
        """The twelve month targets: set ones as set, the others share their quarter's rest."""
        amounts: list[Decimal] = []
        for index, quarter in enumerate(self.quarters):
            months = range(3 * index + 1, 3 * index + 4)
            unset = [m for m in months if m not in self.months]
            rest = max(quarter - sum((self.months[m] for m in months if m in self.months), ZERO), ZERO)
            shares = dict(zip(unset, allocate(rest, [Decimal(1)] * len(unset)), strict=True))
            amounts += [self.months.get(m, shares.get(m, ZERO)) for m in months]
        return amounts


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` split by ``weights`` to the cent; the rounding rest goes to the last largest part."""
    if not weights:
        return []
    whole = sum(weights, ZERO)
    parts = [(total * w / whole).quantize(CENT, ROUND_HALF_UP) for w in weights]
    biggest = max(range(len(weights)), key=lambda i: (weights[i], i))
    parts[biggest] += total - sum(parts, ZERO)
    return [normal_amount(p) for p in parts]


def parse_split(text: str | None) -> list[Decimal]:
    """``even`` or four quarter weights ``4,3,2,1`` (non-negative, not all zero)."""
    value = unicodedata.normalize("NFKC", text or "even").strip()
    if value.lower() in ("even", "均分"):
        return [Decimal(1)] * 4
    hint = "give four non-negative weights for Q1..Q4, e.g. --split 4,3,2,1, or --split even"
    parts = [p.strip() for p in value.split(",")]
    try:
        weights = [Decimal(p) for p in parts]
    except InvalidOperation:
        raise UsageError(Msg("bad --split {text!r}: weights must be numbers", text=text), hint=hint) from None
    if len(weights) != 4:
        raise UsageError(
            Msg(
                "bad --split {text!r}: {count} weights, one per quarter are needed",
                text=text,
                count=len(weights),
            ),
            hint=hint,
        )
    if any(not w.is_finite() or w < 0 for w in weights) or sum(weights) <= 0:
        raise UsageError(
            Msg("bad --split {text!r}: weights must be non-negative and not all zero", text=text), hint=hint
        )
    return weights


def plan_year(year: int, amount: Decimal, weights: list[Decimal]) -> YearTarget:
    quarters = allocate(amount, weights)
    return YearTarget(year, normal_amount(amount), (quarters[0], quarters[1], quarters[2], quarters[3]))


def with_quarter(target: YearTarget, quarter: int, amount: Decimal) -> YearTarget:
    """Set one quarter; the year becomes the sum of its quarters."""
    quarters = list(target.quarters)
    quarters[quarter - 1] = normal_amount(amount)
    return replace(
        target,
        amount=normal_amount(sum(quarters, ZERO)),
        quarters=(quarters[0], quarters[1], quarters[2], quarters[3]),
    )


def with_month(target: YearTarget, month: int, amount: Decimal) -> YearTarget:
    """Set one month on its own; the quarter and the year stay as they are."""
    return replace(target, months={**target.months, month: normal_amount(amount)})


def empty_year(year: int) -> YearTarget:
    return YearTarget(year, ZERO, (ZERO, ZERO, ZERO, ZERO))


@dataclass
class Targets:
    """Every target in salescrm.yaml: ``plans[who][year]``."""

    plans: dict[str, dict[int, YearTarget]] = field(default_factory=dict)

    def year(self, who: str, year: int) -> YearTarget | None:
        return self.plans.get(who, {}).get(year)

    @property
    def members(self) -> list[str]:
        return sorted(who for who in self.plans if who != TEAM)

    def of(self, who: str, period: Period) -> Decimal | None:
        """The target of ``who`` for ``period``; None when no year it touches has one."""
        total, found = ZERO, False
        for month in months_in(period):
            plan = self.year(who, month.start.year)
            if plan is None:
                continue
            found = True
            share = plan.month_amounts()[month.start.month - 1]
            overlap = (min(month.end, period.end) - max(month.start, period.start)).days + 1
            total += share if overlap == month.days else share * overlap / month.days
        return normal_amount(total.quantize(CENT, ROUND_HALF_UP)) if found else None

    def team(self, period: Period, members: Iterable[str] | None = None) -> Decimal | None:
        """The team's own target, else the sum of its members' targets."""
        own = self.of(TEAM, period)
        if own is not None:
            return own
        parts = [self.of(m, period) for m in (self.members if members is None else members)]
        found = [p for p in parts if p is not None]
        return normal_amount(sum(found, ZERO)) if found else None

    def team_year(self, year: int) -> YearTarget | None:
        """The team's year: its own, else every quarter and month summed over the members."""
        own = self.year(TEAM, year)
        whole = self.team(year_period(year))
        if own is not None or whole is None:
            return own
        quarters = [self.team(quarter_period(year, q)) or ZERO for q in range(1, 5)]
        months = {m: self.team(month_period(year, m)) or ZERO for m in range(1, 13)}
        return YearTarget(year, whole, (quarters[0], quarters[1], quarters[2], quarters[3]), months)


def targets_from_data(raw: Any, file: str = "salescrm.yaml") -> Targets:
    """The ``targets:`` section as Targets; a DamagedError names the first bad entry."""
    r = Reader(file)
    targets = Targets()
    with r.at("targets"):
        for who, years in r.mapping(raw or {}).items():
            with r.at(str(who)):
                for year, data in r.mapping(years or {}).items():
                    with r.at(str(year)):
                        plan = _year_target(r, year, data)
                    if plan is not None:
                        targets.plans.setdefault(str(who), {})[plan.year] = plan
    if r.errors:
        raise DamagedError(str(r.errors[0]), hint=Msg("fix it with: salescrm target set …"))
    return targets


def _year_target(r: Reader, year: Any, raw: Any) -> YearTarget | None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        r.problem(Msg("expected a year such as 2026, found {year!r}", year=year))
        return None
    data = r.mapping(raw)
    quarters_data = r.mapping(data.get("quarters") or {})
    with r.at("quarters"):
        quarters = [r.amount(quarters_data, q) for q in QUARTERS]
    amount = r.amount(data, "amount")
    if all(q is None for q in quarters) and amount is not None:
        return plan_year(year, amount, [Decimal(1)] * 4)
    months: dict[int, Decimal] = {}
    with r.at("months"):
        for month, value in r.mapping(data.get("months") or {}).items():
            parsed = r.amount({month: value}, month)
            if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
                r.problem(Msg("expected a month 1 to 12, found {month!r}", month=month))
            elif parsed is not None:
                months[month] = parsed
    q = [value or ZERO for value in quarters]
    total = amount if amount is not None else normal_amount(sum(q, ZERO))
    return YearTarget(year, total, (q[0], q[1], q[2], q[3]), months)


def year_target_to_data(target: YearTarget) -> dict[str, Any]:
    """Plain data for salescrm.yaml (ints where whole, so the file reads naturally)."""
    data: dict[str, Any] = {
        "amount": _plain(target.amount),
        "quarters": {q: _plain(a) for q, a in zip(QUARTERS, target.quarters, strict=True)},
    }
    if target.months:
        data["months"] = {m: _plain(a) for m, a in sorted(target.months.items())}
    return data


def _plain(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)
