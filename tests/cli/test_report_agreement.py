"""The agreement property (issue 17): for random team histories (tests/timeline_scenarios.py),
as of a day D, the reports count the same deals the same way.

- won amount per member and period: ``report attainment`` = the review pack's attainment table
  = the review pack's list of deals won in the period, summed by owner;
- won per customer: ``tier review``'s trailing-12-month amount = that customer's deals in the
  review pack's list for the year (every scenario event is in 2026, so the trailing twelve
  months as of D hold all of the year up to D);
- ``report conversion``: its rows' ``won`` reached = its summary's ``won``; opened = won + lost + open;
- ``report pipeline`` counts every open deal ``opp list`` shows, and open + won + lost = every
  deal created by D;
- money (回款): ``report receivables``' owed = the won deals' contract amounts − their receipts
  (each deal as ``opp show`` tells it), its overdue = the open amounts ``pay list --overdue``
  lists; ``report collection``'s received = the receipts dated in the period; ``report
  forecast``'s won = ``report attainment``'s, per member.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from salescrm.core.periods import parse_period
from tests.conftest import Crm
from tests.timeline_scenarios import (
    LAST_DAY,
    Builder,
    Event,
    Histories,
    describe,
    each_scenario,
    isolated_builder,
)

NAMES = {"张伟": "zhang.wei", "王芳": "wang.fang", "李娜": "li.na", "赵强": "zhao.svc"}
OPEN = ("lead", "needs_analysis", "proposal", "negotiation")


@pytest.fixture(scope="module")
def builder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builder]:
    with isolated_builder(tmp_path_factory) as made:
        yield made


# -- reading the reports --------------------------------------------------------------------------


def read_json(crm: Crm, *args: str, day: date) -> Any:
    return json.loads(crm.ok([*args, "--as-of", day.isoformat(), "-f", "json"]))


def amount(text: str | int | float | None) -> Decimal:
    return Decimal(str(text or 0).replace(",", ""))


def md_sections(text: str) -> dict[str, list[str]]:
    """The lines of a Markdown page by their ``## heading``."""
    sections: dict[str, list[str]] = {}
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            lines = sections.setdefault(line[3:].strip(), [])
        else:
            lines.append(line)
    return sections


def md_table(lines: list[str]) -> list[dict[str, str]]:
    """The first table among ``lines``, as rows keyed by its header."""
    rows = [line for line in lines if line.startswith("|")]
    if not rows:
        return []
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    return [
        dict(zip(header, (c.strip() for c in row.strip("|").split("|")), strict=True)) for row in rows[2:]
    ]


def review_pack(crm: Crm, period: str, day: date) -> dict[str, list[str]]:
    text = crm.ok(
        ["--lang", "en", "report", "review", "--period", period, "--as-of", day.isoformat(), "-f", "md"]
    )
    return md_sections(text)


def attainment_won(crm: Crm, period: str, day: date) -> dict[str, Decimal]:
    report = read_json(crm, "report", "attainment", "--period", period, day=day)
    return {row["member"]: amount(row["won"]) for row in report["rows"]}


def review_attainment_won(pack: dict[str, list[str]]) -> dict[str, Decimal]:
    rows = md_table(pack["Target attainment"])
    return {
        ("total" if row["member"].startswith("total") else NAMES[row["member"]]): amount(row["won"])
        for row in rows
    }


def review_won_deals(pack: dict[str, list[str]]) -> list[dict[str, str]]:
    return md_table(pack.get("Won in the period", []))


def _by(rows: list[dict[str, str]], key: str) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        sums[row[key]] += amount(row["amount"])
    return dict(sums)


def _nonzero(sums: dict[str, Decimal]) -> dict[str, Decimal]:
    return {k: v for k, v in sums.items() if v}


# -- the properties -------------------------------------------------------------------------------

Check = Callable[[Crm, list[Event], date], None]


def as_of_the_cut_and_the_end(builder: Builder, check: Check) -> None:
    """``check`` the full history of every drawn scenario as of its cut day and as of the last
    day of the scenarios (when every event has happened)."""

    def both(histories: Histories, events: list[Event]) -> None:
        for day in (histories.day, LAST_DAY):
            check(histories.full, events, day)

    each_scenario(builder, both)


def _context(events: list[Event], day: date) -> str:
    return f"as of {day}, full history:\n{describe(events)}"


def _periods(day: date) -> list[str]:
    year, number, _ = day.isocalendar()
    return ["2026", f"{day.year}Q{(day.month - 1) // 3 + 1}", f"{day:%Y-%m}", f"{year}-W{number:02d}"]


def won_per_member_and_period(crm: Crm, events: list[Event], day: date) -> None:
    for period in _periods(day):
        attainment = attainment_won(crm, period, day)
        pack = review_pack(crm, period, day)
        deals = review_won_deals(pack)
        where = f"period {period}, {_context(events, day)}"
        assert _nonzero(review_attainment_won(pack)) == _nonzero(attainment), f"review vs attainment, {where}"
        by_owner = {NAMES[name]: won for name, won in _by(deals, "owner").items()}
        members = {k: v for k, v in attainment.items() if k != "total"}
        assert _nonzero(by_owner) == _nonzero(members), f"review's won deals vs attainment, {where}"
        assert sum(by_owner.values(), Decimal(0)) == attainment.get("total", 0), f"team total, {where}"


def test_won_per_member_and_period_agree(builder: Builder) -> None:
    as_of_the_cut_and_the_end(builder, won_per_member_and_period)


def tier_review_and_year_won(crm: Crm, events: list[Event], day: date) -> None:
    won = _by(review_won_deals(review_pack(crm, "2026", day)), "customer")
    for row in read_json(crm, "tier", "review", day=day):
        assert amount(row["won_12m"]) == won.get(row["name"], 0), (
            f"tier review of {row['id']} vs the review pack's won deals, {_context(events, day)}"
        )


def test_tier_review_agrees_with_the_year_won(builder: Builder) -> None:
    as_of_the_cut_and_the_end(builder, tier_review_and_year_won)


def conversion_rows_and_summary(crm: Crm, events: list[Event], day: date) -> None:
    for period in _periods(day):
        report = read_json(crm, "report", "conversion", "--period", period, day=day)
        reached = {row["stage"]: row["reached"] for row in report["rows"]}
        summary = report["summary"]
        where = f"period {period}, {_context(events, day)}"
        assert reached.get("won", 0) == summary.get("won", 0), f"won reached vs summary won, {where}"
        assert reached.get("lead", 0) == summary.get("opened", 0), f"lead reached vs opened, {where}"
        assert summary.get("opened", 0) == sum(summary.get(k, 0) for k in ("won", "lost", "open")), where


def test_conversion_rows_agree_with_its_summary(builder: Builder) -> None:
    as_of_the_cut_and_the_end(builder, conversion_rows_and_summary)


def every_deal_accounted(crm: Crm, events: list[Event], day: date) -> None:
    created = sum(1 for e in events if e.args[:2] == ("opp", "add") and e.day <= day)
    listed = read_json(crm, "opp", "list", day=day)
    stages = Counter(row["stage"] for row in listed)
    pipeline = read_json(crm, "report", "pipeline", day=day)
    in_pipeline = sum(row["deals"] for row in pipeline["rows"] if row["stage"] != "total")
    totals = [row["deals"] for row in pipeline["rows"] if row["stage"] == "total"]
    where = _context(events, day)
    assert totals in ([], [in_pipeline]), f"pipeline's total row vs its rows, {where}"
    assert len(listed) == created, f"opp list --as-of {day} lists {len(listed)} of {created} deals, {where}"
    assert in_pipeline == sum(stages[s] for s in OPEN), f"pipeline vs opp list's open deals {stages}, {where}"
    assert in_pipeline + stages["won"] + stages["lost"] == created, f"open + won + lost, {where}"


def test_pipeline_won_and_lost_account_for_every_deal(builder: Builder) -> None:
    as_of_the_cut_and_the_end(builder, every_deal_accounted)


def won_deals_shown(crm: Crm, day: date) -> list[dict[str, Any]]:
    """Every deal won as of ``day``, as ``opp show --as-of`` shows it (with its collection)."""
    won = [row["opportunity"] for row in read_json(crm, "opp", "list", day=day) if row["stage"] == "won"]
    return [read_json(crm, "opp", "show", ref, day=day) for ref in won]


def money_agrees(crm: Crm, events: list[Event], day: date) -> None:
    where = _context(events, day)
    deals = won_deals_shown(crm, day)
    receipts = [(date.fromisoformat(r["at"]), amount(r["amount"])) for d in deals
                for r in d["collection"]["receipts"]]  # fmt: skip
    contracts = sum((amount(d["contract"]["amount"]) for d in deals), Decimal(0))
    receivables = read_json(crm, "report", "receivables", day=day)["summary"]
    owed = contracts - sum((money for _, money in receipts), Decimal(0))
    assert amount(receivables["owed"]) == owed, f"receivables owed vs contracts − receipts, {where}"
    overdue = read_json(crm, "pay", "list", "--overdue", day=day)
    assert amount(receivables["overdue"]) == sum((amount(line["open"]) for line in overdue), Decimal(0)), (
        f"receivables overdue vs pay list --overdue, {where}"
    )
    for period in _periods(day):
        span = parse_period(period)
        collection = read_json(crm, "report", "collection", "--period", period, day=day)["summary"]
        received = sum((money for at, money in receipts if span.start <= at <= span.end), Decimal(0))
        assert amount(collection["received"]) == received, f"collection {period} vs receipts, {where}"
        forecast = read_json(crm, "report", "forecast", "--period", period, day=day)["rows"]
        won = {row["member"]: amount(row["won"]) for row in forecast if row["member"] != "total"}
        members = {k: v for k, v in attainment_won(crm, period, day).items() if k != "total"}
        assert _nonzero(won) == _nonzero(members), f"forecast won vs attainment, period {period}, {where}"


def test_receivables_collection_and_forecast_agree(builder: Builder) -> None:
    as_of_the_cut_and_the_end(builder, money_agrees)
