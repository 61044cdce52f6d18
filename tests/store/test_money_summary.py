"""The payment reports' summary (core/moneyrows.py): read from the index, the reports say what
they say over every whole customer, as of any day, for the sample team and a generated one."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from salescrm.core.config import Config
from salescrm.core.moneyrows import customers_of, money_from_data, money_of, money_to_data
from salescrm.core.periods import year_period
from salescrm.core.reports.receivables import collection, plan_lines, receivables
from salescrm.core.timeline import customer_as_of
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate
from salescrm.store.index import pack, unpack

ROOT = Path(__file__).resolve().parent.parent.parent
DAYS = [date(2025, 12, 31), date(2026, 6, 30), date(2026, 11, 27)]


@pytest.fixture(scope="module", params=["sample", "generated"])
def team(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    target = tmp_path_factory.mktemp("money") / "data"
    if request.param == "sample":
        shutil.copytree(ROOT / "data", target)
    else:
        generate(target, Plan(80, seed=4), workers=1)
    return DataDir(target)


@pytest.mark.parametrize("day", DAYS)
def test_the_money_summary_answers_as_the_whole_customers(team: DataDir, day: date) -> None:
    whole = [c for c in (customer_as_of(team.read_customer(i), day) for i in team.customer_ids()) if c]
    kept = [unpack(pack(money_to_data(money_of(c)))) for c in whole]  # as the index keeps them
    light = customers_of([money_from_data(data) for data in kept])
    assert any(o.receipts for c in light for o in c.opportunities)
    config = Config()
    assert receivables(light, config, day).rows == receivables(whole, config, day).rows
    assert plan_lines(light, day) == plan_lines(whole, day)
    period = year_period(day.year)
    assert collection(light, config, period, day).rows == collection(whole, config, period, day).rows


def test_the_index_hands_out_the_same_summary(team: DataDir) -> None:
    day = DAYS[-1]
    found, _ = team.load_summaries("money", day)
    whole = [customer_as_of(team.read_customer(i), day) for i in team.customer_ids()]
    assert sorted(map(str, found)) == sorted(str(money_of(c)) for c in whole if c is not None)
