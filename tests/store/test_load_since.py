"""``DataDir.load_since``: the customers with an event on a day or later, found by the index's
latest-event column, are exactly those whose records say so (what `pool claim` counts today's
claims over)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from salescrm.core.timeline import last_event_day
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    root: Path = tmp_path_factory.mktemp("since") / "team"
    generate(root, Plan(40, seed=11), workers=1)
    return DataDir(root)


@pytest.mark.parametrize(
    ("day", "count"),
    [(date(2022, 1, 1), 40), (date(2026, 9, 16), 34), (date(2026, 11, 2), 21), (date(2026, 11, 27), 5),
     (date(2026, 11, 28), 0)],
)  # fmt: skip
def test_the_customers_since_a_day_are_those_with_an_event_that_day_or_later(
    team: DataDir, day: date, count: int
) -> None:
    every = team.load_all().customers
    since = DataDir(team.root).load_since(day).customers
    assert since == [c for c in every if last_event_day(c) >= day]
    assert len(since) == count  # the generated team's latest events: the day splits them
