"""The deal reports from cached rows equal the reports from whole customers, and each row's
figures equal those core/deals.py computes from the opportunity itself."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from salescrm.core import deals
from salescrm.core.dealrows import rows_from_data, rows_of, rows_to_data
from salescrm.core.model import Customer
from salescrm.core.periods import parse_period
from salescrm.core.reports.attainment import attainment
from salescrm.core.reports.conversion import conversion
from salescrm.core.reports.industry import industry
from salescrm.core.reports.lost_reasons import lost_reasons
from salescrm.core.reports.pipeline import pipeline
from salescrm.core.targets import targets_from_data
from salescrm.core.tiers import TierReview, review_tiers
from salescrm.store.datadir import DataDir
from salescrm.store.index import SUMMARIES

ROOT = Path(__file__).resolve().parent.parent.parent
DAYS = [date(2024, 12, 31), date(2025, 6, 30), date(2026, 3, 15), date(2026, 11, 27), date(2027, 6, 1)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    target = tmp_path_factory.mktemp("sample") / "data"
    shutil.copytree(ROOT / "data", target)
    return DataDir(target)


@pytest.fixture(scope="module")
def customers(sample: DataDir) -> list[Customer]:
    return [sample.read_customer(i) for i in sample.customer_ids()]


def test_rows_round_trip_through_plain_data_and_the_cache(customers: list[Customer]) -> None:
    kind = SUMMARIES["deals"]
    for customer in customers:
        rows = rows_of(customer)
        assert rows_from_data(rows_to_data(rows)) == rows
        assert kind.from_data(kind.to_data(kind.of(customer))) == rows
    big = rows_of(next(c for c in customers if c.id == "CRM202405001"))
    assert len(big.deals) == len(customers[0].opportunities) > 0


def test_each_deal_agrees_with_the_opportunity(customers: list[Customer], sample: DataDir) -> None:
    config = sample.config
    checked = 0
    for customer in customers:
        for opp, deal in zip(customer.opportunities, rows_of(customer).deals, strict=True):
            assert date.fromordinal(deal.opened) == deals.opened_on(opp, customer)
            assert deal.won == (won.toordinal() if (won := deals.won_on(opp)) else None)
            for day in [deals.opened_on(opp, customer) + timedelta(days=n) for n in range(-1, 400, 7)]:
                stage = deals.stage_on(opp, customer, day)
                assert deal.stage_on(day.toordinal()) == stage
                furthest = deal.furthest_on(day.toordinal())
                assert set(deals.FUNNEL[: furthest + 1]) == deals.reached(opp, customer, day)
                if stage:
                    assert deal.weighted(config, stage) == deals.weighted(opp, config, stage)
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize("as_of", DAYS, ids=str)
def test_reports_from_cached_rows_equal_reports_from_customers(
    sample: DataDir, customers: list[Customer], as_of: date
) -> None:
    rows, problems = sample.load_summaries("deals", date.max)
    assert problems == [] and rows == [rows_of(c) for c in customers]
    config = sample.config
    targets = targets_from_data(config.targets)
    for period in [parse_period(p) for p in ("2025", "2026", "2026Q3", "2026-11", "2026-W48")]:
        for owner in (None, "zhang.wei"):
            assert attainment(rows, config, targets, period, as_of, owner) == attainment(
                customers, config, targets, period, as_of, owner
            )
            assert conversion(rows, period, as_of, owner) == conversion(customers, period, as_of, owner)
            assert industry(rows, config, period, as_of, owner) == industry(
                customers, config, period, as_of, owner
            )
            for by in ("reason", "competitor", "stage"):
                assert lost_reasons(rows, period, as_of, by, owner) == lost_reasons(
                    customers, period, as_of, by, owner
                )
            for by in ("stage", "month", "owner"):
                assert pipeline(rows, config, as_of, period, by, owner) == pipeline(
                    customers, config, as_of, period, by, owner
                )
    assert pipeline(rows, config, as_of) == pipeline(customers, config, as_of)
    assert _tiers(review_tiers(rows, as_of, config)) == _tiers(review_tiers(customers, as_of, config))


def _tiers(changes: list[TierReview]) -> list[tuple[object, ...]]:
    return [(c.customer.id, c.customer.name, c.customer.owner, c.from_tier, c.to_tier, c.amount, c.pinned)
            for c in changes]  # fmt: skip
