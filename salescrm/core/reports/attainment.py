"""Target attainment: per member and for the team, for one period, as of one day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from salescrm.core.config import Config
from salescrm.core.dealrows import DealRows, as_rows, in_days, open_deals, won_deals
from salescrm.core.model import Customer
from salescrm.core.periods import Period
from salescrm.core.reports import TOTAL, Report, percent, total
from salescrm.core.targets import Targets

COLUMNS = ["member", "name", "target", "won", "attainment_pct", "gap", "pipeline_weighted"]


def attainment(
    customers: Sequence[Customer | DealRows],
    config: Config,
    targets: Targets,
    period: Period,
    as_of: date,
    owner: str | None = None,
    collected: dict[str, list[Decimal]] | None = None,
) -> Report:
    """Won = contract amounts signed in the period up to ``as_of``, credited to the deal's owner;
    or, on the collected basis, ``collected``: the money received in it per owner
    (reports/receivables.collected).

    Pipeline = the probability-weighted amount of deals open on ``as_of`` whose
    expected close date falls in the period.
    """
    rows = as_rows(customers)
    won: dict[str, list[Decimal]] = defaultdict(list)
    if collected is not None:
        won.update(collected)
    else:
        for _, deal in won_deals(rows, in_days(period, as_of)):
            won[deal.owner].append(Decimal(deal.won_amount))
    pipeline: dict[str, list[Decimal]] = defaultdict(list)
    closing = in_days(period)
    for _, deal, stage in open_deals(rows, as_of.toordinal()):
        if deal.close in closing:
            pipeline[deal.owner].append(deal.weighted(config, stage))
    members = [owner] if owner else _members(config, targets, [*won, *pipeline])
    lines = [_row(m, _name(config, m), targets.of(m, period), won[m], pipeline[m]) for m in members]
    if owner is None:
        everyone = [v for values in won.values() for v in values]
        open_total = [v for values in pipeline.values() for v in values]
        lines.append(_row(TOTAL, config.team, targets.team(period), everyone, open_total))
    basis = {"basis": "collected"} if collected is not None else {}  # signed: as it always read
    return Report("attainment", period.label, COLUMNS, lines, basis)


def _members(config: Config, targets: Targets, active: Iterable[str]) -> list[str]:
    """Sales members first, in the team's order, then anyone else with a target or a deal."""
    listed = [m.id for m in config.members if m.dept == "sales"]
    others = sorted({*targets.members, *active} - set(listed))
    return listed + others


def _name(config: Config, member_id: str) -> str:
    return next((m.name for m in config.members if m.id == member_id), member_id)


def _row(
    member: str, name: str, target: Decimal | None, won: list[Decimal], pipeline: list[Decimal]
) -> dict[str, object]:
    amount = total(won)
    return {
        "member": member,
        "name": name,
        "target": target,
        "won": amount,
        "attainment_pct": percent(amount, target) if target else None,
        "gap": max(target - amount, Decimal(0)) if target is not None else None,
        "pipeline_weighted": total(pipeline),
    }
